"""The plan form: what a coordinator typed, kept as typed for showing again, and turned into
the API's input for the API's own schema to check. No validation lives here.

Field names are paths in the API's shape: carer.address.postcode, contacts.1.availability.0.days;
a date is typed in three boxes, review_due_on.day, review_due_on.month and review_due_on.year.
"""
import re

CARER_TEXT = ("name", "mobile", "landline", "preferred_language", "other_language")
ADDRESS_TEXT = ("line1", "line2", "town", "postcode")
CARED_FOR_TEXT = ("id", "name", "needs", "conditions", "medication", "medication_location",
                  "allergies", "mobility_needs", "communication_needs", "other_care", "routines", "pets",
                  "safe_alone_minutes")
CARED_FOR_FLAGS = ("lives_with_carer", "can_be_left_alone")
GP_TEXT = ("name", "practice", "phone")
CONTACT_TEXT = ("id", "name", "relationship", "mobile", "landline", "language")
ESCALATION_TEXT = ("wait_minutes", "rounds", "channels")
NUMBERS = {"id", "safe_alone_minutes", "wait_minutes", "rounds", "version"}
LISTS = ("cared_for", "contacts")
MOST_ROWS = 10  # the API's own limit per list; more rows are never shown or read
MOST_WINDOWS = 14
DATE_PARTS = ("day", "month", "year")
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,12}$")
_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.([a-z_][a-z0-9_]*|[0-9]{1,2}))*$")


def blank_date() -> dict:
    return dict.fromkeys(DATE_PARTS, "")


def blank_cared_for() -> dict:
    return {**dict.fromkeys(CARED_FOR_TEXT, ""), "date_of_birth": blank_date(), "lives_with_carer": True,
            "can_be_left_alone": False, "address": dict.fromkeys(ADDRESS_TEXT, ""), "gp": dict.fromkeys(GP_TEXT, "")}


def blank_contact() -> dict:
    return {**dict.fromkeys(CONTACT_TEXT, ""), "holds_key": False, "availability": [],
            "consent": {"status": "pending", "recorded_on": blank_date()}}


def blank_window() -> dict:
    return {"days": [], "from": "", "to": ""}


def blank_form() -> dict:
    return {"status": "draft", "version": "", "carer": {**dict.fromkeys(CARER_TEXT, ""), "large_print": False,
                                                        "address": dict.fromkeys(ADDRESS_TEXT, "")},
            "cared_for": [blank_cared_for()], "contacts": [blank_contact()],
            "home_access": {"how_to_get_in": "", "key_holders": ""}, "instructions": "",
            "escalation": dict.fromkeys(ESCALATION_TEXT, ""), "last_reviewed_on": blank_date(),
            "review_due_on": blank_date()}


def _text(value) -> str:
    return "" if value is None else str(value)


def _date_parts(value) -> dict:
    """A date as the API shows it (2026-01-10) in the form's three boxes (10, 1, 2026)."""
    if not value:
        return blank_date()
    year, month, day = str(value).split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


def form_from_plan(plan: dict, version: int) -> dict:
    """The form filled in from a plan as the API shows it (plan_to_dict)."""
    carer = plan["carer"]
    form = blank_form()
    form.update(status=plan["status"], version=str(version), instructions=plan["instructions"],
                last_reviewed_on=_date_parts(plan["last_reviewed_on"]), review_due_on=_date_parts(plan["review_due_on"]))
    form["carer"] = {**{key: _text(carer[key]) for key in CARER_TEXT}, "large_print": bool(carer.get("large_print")),
                     "address": {key: _text((carer["address"] or {}).get(key)) for key in ADDRESS_TEXT}}
    form["home_access"] = {key: plan["home_access"][key] for key in ("how_to_get_in", "key_holders")}
    form["escalation"] = {key: _text(plan["escalation"][key]) for key in ESCALATION_TEXT}
    form["cared_for"] = [
        {**{key: _text(person[key]) for key in CARED_FOR_TEXT}, **{key: person[key] for key in CARED_FOR_FLAGS},
         "date_of_birth": _date_parts(person["date_of_birth"]),
         "address": {key: _text((person["address"] or {}).get(key)) for key in ADDRESS_TEXT},
         "gp": {key: _text(person["gp"][key]) for key in GP_TEXT}}
        for person in plan["cared_for"]
    ]
    form["contacts"] = [
        {**{key: _text(contact[key]) for key in CONTACT_TEXT}, "relationship": contact["relationship"],
         "holds_key": contact["holds_key"],
         "availability": [{"days": list(w["days"]), "from": w["from"], "to": w["to"]} for w in contact["availability"]],
         "consent": {"status": contact["consent"]["status"],
                     "recorded_on": _date_parts(contact["consent"]["recorded_on"])}}
        for contact in plan["contacts"]
    ]
    return form


def read_form(posted) -> dict:
    """What was typed, in the form's shape (a werkzeug MultiDict in). Unknown names are ignored,
    absent checkboxes are unticked, and anything odd becomes text for the schema to refuse."""
    tree: dict = {}
    for name in posted.keys():
        if len(name) > 80 or not _PATH.match(name):
            continue
        value = posted.getlist(name) if name.endswith(".days") else posted.get(name, "")
        _put(tree, name.split("."), value)
    form = blank_form()
    form.update(status=get(tree, "status") or "draft", version=get(tree, "version"),
                instructions=get(tree, "instructions"), last_reviewed_on=_typed_date(tree, "last_reviewed_on"),
                review_due_on=_typed_date(tree, "review_due_on"))
    carer = _dict(tree.get("carer"))
    form["carer"] = {**{key: get(carer, key) for key in CARER_TEXT}, "large_print": "large_print" in carer,
                     "address": {key: get(_dict(carer.get("address")), key) for key in ADDRESS_TEXT}}
    access = _dict(tree.get("home_access"))
    form["home_access"] = {key: get(access, key) for key in ("how_to_get_in", "key_holders")}
    escalation = _dict(tree.get("escalation"))
    form["escalation"] = {key: get(escalation, key) for key in ESCALATION_TEXT}
    form["cared_for"] = [
        {**{key: get(person, key) for key in CARED_FOR_TEXT}, **{key: key in person for key in CARED_FOR_FLAGS},
         "date_of_birth": _typed_date(person, "date_of_birth"),
         "address": {key: get(_dict(person.get("address")), key) for key in ADDRESS_TEXT},
         "gp": {key: get(_dict(person.get("gp")), key) for key in GP_TEXT}}
        for person in _rows(tree.get("cared_for"), MOST_ROWS)
    ]
    form["contacts"] = [
        {**{key: get(contact, key) for key in CONTACT_TEXT}, "holds_key": "holds_key" in contact,
         "availability": [window for window in (_window(w) for w in _rows(contact.get("availability"), MOST_WINDOWS))
                          if window["days"] or window["from"] or window["to"]],
         "consent": {"status": get(_dict(contact.get("consent")), "status") or "pending",
                     "recorded_on": _typed_date(_dict(contact.get("consent")), "recorded_on")}}
        for contact in _rows(tree.get("contacts"), MOST_ROWS)
    ]
    return form


def _put(tree: dict, parts: list[str], value) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return  # carer.name.more: a name under a field is nothing this form has
        node = child
    if not isinstance(node.get(parts[-1]), dict):
        node[parts[-1]] = value


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _rows(value, most: int) -> list[dict]:
    """Numbered rows (contacts.0, contacts.1, ...) in number order."""
    rows = _dict(value)
    return [_dict(rows[key]) for key in sorted((k for k in rows if k.isdigit()), key=int)][:most]


def _typed_date(node: dict, key: str) -> dict:
    parts = _dict(node.get(key))
    return {part: get(parts, part) for part in DATE_PARTS}


def get(node: dict, key: str) -> str:
    value = node.get(key, "")
    return value if isinstance(value, str) else ""


def _window(window: dict) -> dict:
    days = window.get("days", [])
    days = [day for day in days if isinstance(day, str)] if isinstance(days, list) else []
    return {"days": days, "from": _string(window.get("from")), "to": _string(window.get("to"))}


def _string(value) -> str:
    return value if isinstance(value, str) else ""


# Buttons that change the rows of the form without saving: "add:contacts", "remove:contacts:1",
# "up:cared_for:2", "down:contacts:0".

def apply_action(form: dict, action: str) -> bool:
    """Change the rows as the button asks; False when it asks for nothing this form knows."""
    verb, _, rest = action.partition(":")
    which, _, index_text = rest.partition(":")
    if which not in LISTS:
        return False
    rows = form[which]
    if verb == "add":
        if len(rows) < MOST_ROWS:
            rows.append(blank_cared_for() if which == "cared_for" else blank_contact())
        return True
    if not index_text.isdigit() or int(index_text) >= len(rows):
        return False
    index = int(index_text)
    if verb == "remove":
        rows.pop(index)
    elif verb == "up" and index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    elif verb not in ("up", "down"):
        return False
    return True


# The API's input, for the API's schema

def _number(text: str):
    """A whole number where one was typed; anything else stays text, for the schema to refuse."""
    return int(text) if _WHOLE_NUMBER.match(text) else text


def _date(parts: dict) -> str:
    """The three boxes as one date for the schema: 2026-01-10, or what was typed (which the schema
    refuses as not a real date), or nothing when all three are empty."""
    day, month, year = (parts[part].strip() for part in DATE_PARTS)
    if not (day or month or year):
        return ""
    if re.fullmatch(r"[0-9]{1,2}", day) and re.fullmatch(r"[0-9]{1,2}", month) and re.fullmatch(r"[0-9]{4}", year):
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{day}/{month}/{year}"


def _filled(values: dict, numbers=NUMBERS) -> dict:
    return {key: (_number(value) if key in numbers else value) for key, value in values.items()
            if not isinstance(value, str) or value.strip()}


def plan_input(form: dict, *, with_version: bool) -> dict:
    carer = form["carer"]
    data = {
        "status": form["status"],
        "carer": {**_filled({key: carer[key] for key in CARER_TEXT}),
                  **({"large_print": True} if carer.get("large_print") else {}), "address": _filled(carer["address"])},
        "cared_for": [_cared_for_input(person) for person in form["cared_for"]],
        "home_access": dict(form["home_access"]),
        "contacts": [_contact_input(contact) for contact in form["contacts"]],
        "instructions": form["instructions"],
        "escalation": _filled(form["escalation"]),
        **_filled({key: _date(form[key]) for key in ("last_reviewed_on", "review_due_on")}),
    }
    if with_version:
        data["version"] = _number(form["version"])
    return data


def _cared_for_input(person: dict) -> dict:
    item = {**_filled({key: person[key] for key in CARED_FOR_TEXT}), **{key: person[key] for key in CARED_FOR_FLAGS},
            **_filled({"date_of_birth": _date(person["date_of_birth"])}), "gp": _filled(person["gp"])}
    address = _filled(person["address"])
    if address:
        item["address"] = address
    return item


def _contact_input(contact: dict) -> dict:
    return {**_filled({key: contact[key] for key in CONTACT_TEXT}), "holds_key": contact["holds_key"],
            "availability": [_filled(window, numbers=()) for window in contact["availability"]],
            "consent": _filled({"status": contact["consent"]["status"],
                                "recorded_on": _date(contact["consent"]["recorded_on"])}, numbers=())}


def merge_typed(base: dict, theirs: dict, mine: dict) -> dict:
    """Someone else saved first: the form again, with their changes where this person left a
    field as it was, and what this person typed wherever they changed it. Rows are matched by
    id; rows they removed and this person left alone go; new rows of either are kept."""
    return _merge_value(base, theirs, mine)


def _merge_value(base, theirs, mine):
    if isinstance(mine, dict) and isinstance(base, dict) and isinstance(theirs, dict):
        return {key: _merge_value(base.get(key), theirs.get(key), value) for key, value in mine.items()}
    if isinstance(mine, list) and mine and all(isinstance(row, dict) and "id" in row for row in mine):
        return _merge_rows(base or [], theirs or [], mine)
    return theirs if mine == base and theirs is not None else mine


def _merge_rows(base: list, theirs: list, mine: list) -> list:
    base_rows = {row["id"]: row for row in base if row["id"]}
    their_rows = {row["id"]: row for row in theirs if row["id"]}
    merged = []
    for row in mine:
        if row["id"] in base_rows and row["id"] in their_rows:
            merged.append(_merge_value(base_rows[row["id"]], their_rows[row["id"]], row))
        elif row["id"] in base_rows:  # they removed it
            if row != base_rows[row["id"]]:
                merged.append({**row, "id": ""})  # changed here: kept, as a new row
        else:
            merged.append(row)
    merged.extend(row for row in theirs if row["id"] and row["id"] not in base_rows)  # added by them
    return merged[:MOST_ROWS]
