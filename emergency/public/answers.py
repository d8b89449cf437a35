"""What each public question page reads: the typed values (kept to show again), and the answer
they make, checked by the plan's own schemas. Problems come back as field paths; the page's
template says each in plain words from the catalog."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from emergency.api.fields import Name, PhoneNumber, Text
from emergency.api.plan_schemas import WEEKDAYS, CaredForSchema, CarerSchema, ContactSchema, HomeAccessSchema
from emergency.applications.limits import is_uk_mobile
from emergency.console.forms import field_problems, whole_number
from emergency.phones import readable_phone

# Longest text kept from any one box: the schemas refuse less than this, and no more is shown again.
MOST_TYPED = 5000
YES_NO = ("yes", "no")
CONTACT_BY = ("text", "phone", "email", "letter")
HOURS_IN_A_WEEK = 7 * 24

ABOUT_YOU = ("name", "mobile", "landline", "email", "address.line1", "address.line2", "address.town",
             "address.postcode", "preferred_language", "contact_by")
CARED_FOR = ("name", "needs", "conditions", "medication", "medication_location", "mobility_needs",
             "communication_needs", "routines", "pets", "gp.name", "gp.practice", "gp.phone", "can_be_left_alone",
             "safe_alone_hours")
GETTING_IN = ("how_to_get_in", "key_holders")
CONTACT = ("name", "relationship", "mobile", "landline", "holds_key", "when", "days", "from", "to")
REFERRER = ("name", "role", "organisation", "phone", "email")
REFERRED_CARER = ("name", "mobile", "landline", "address.line1", "address.line2", "address.town", "address.postcode",
                  "cares_for", "consent")


class AboutYouExtraSchema(Schema):
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))
    contact_by = fields.String(required=True, validate=validate.OneOf(CONTACT_BY))


class ReferrerSchema(Schema):
    name = Name(required=True)
    role = Text(required=True, max_length=200, required_text=True)
    organisation = Text(required=True, max_length=200, required_text=True)
    phone = PhoneNumber(required=True)
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=254))


def typed(posted, names, lists=("days",)) -> dict:
    """The values as typed, for the page to show again; anything not text is dropped."""
    values = {}
    for name in names:
        if name in lists:
            values[name] = [value[:20] for value in posted.getlist(name) if isinstance(value, str)][:7]
        else:
            value = posted.get(name, "")
            values[name] = value[:MOST_TYPED] if isinstance(value, str) else ""
    return values


def _nested(values: dict, names) -> dict:
    """a.b paths into nested dicts; blank boxes left out, so that the schema's defaults apply."""
    tree: dict = {}
    for name in names:
        value = values.get(name)
        if value in (None, "", []) or isinstance(value, str) and not value.strip():
            continue
        node = tree
        *parents, last = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return tree


def _load(schema: Schema, data: dict, prefix: str = "") -> tuple[dict | None, list[str]]:
    try:
        return schema.load(data, unknown=EXCLUDE), []
    except ValidationError as error:
        return None, [f"{prefix}{path}" for path in field_problems(error.messages)]


def _yes_no(value: str, path: str, wrong: list[str]) -> bool | None:
    if value not in YES_NO:
        wrong.append(path)
        return None
    return value == "yes"


def read_about_you(values: dict) -> tuple[dict | None, list[str]]:
    """(answers for 'carer' and 'about', or None; wrong paths)."""
    carer, wrong = _load(CarerSchema(), _nested(values, ("name", "mobile", "landline", "address.line1",
                                                         "address.line2", "address.town", "address.postcode",
                                                         "preferred_language")))
    if carer and carer["mobile"] and not is_uk_mobile(carer["mobile"]):
        carer, wrong = None, ["mobile"]
    about, more = _load(AboutYouExtraSchema(), _nested(values, ("email", "contact_by")))
    wrong += more
    if about and about["contact_by"] == "email" and not about["email"]:
        about, wrong = None, [*wrong, "email"]
    if about and about["contact_by"] == "text" and carer and not carer["mobile"]:
        about, wrong = None, [*wrong, "contact_by"]
    if wrong:
        return None, _unique(wrong)
    return {"carer": carer, "about": about}, []


def read_cared_for(values: dict) -> tuple[dict | None, list[str]]:
    wrong: list[str] = []
    data = _nested(values, CARED_FOR[:-2])
    alone = _yes_no(values.get("can_be_left_alone", ""), "can_be_left_alone", wrong)
    data["can_be_left_alone"] = bool(alone)
    hours = values.get("safe_alone_hours", "").strip()
    if alone and hours:
        number = whole_number(hours)
        if number is None or not 0 < number <= HOURS_IN_A_WEEK:
            wrong.append("safe_alone_hours")
        else:
            data["safe_alone_minutes"] = number * 60
    person, more = _load(CaredForSchema(), data)
    wrong += [path.replace("safe_alone_minutes", "safe_alone_hours") for path in more]
    return (None, _unique(wrong)) if wrong else (person, [])


def read_getting_in(values: dict) -> tuple[dict | None, list[str]]:
    return _load(HomeAccessSchema(), _nested(values, GETTING_IN))


def read_contact(values: dict) -> tuple[dict | None, list[str]]:
    wrong: list[str] = []
    data = _nested(values, ("name", "relationship", "mobile", "landline"))
    data["holds_key"] = bool(_yes_no(values.get("holds_key", ""), "holds_key", wrong))
    when = values.get("when", "")
    if when not in ("any", "times"):
        wrong.append("when")
    elif when == "times":
        days = [day for day in values.get("days", []) if day in WEEKDAYS]
        if not days:
            wrong.append("days")
        data["availability"] = [{"days": days, "from": values.get("from", "").strip(),
                                 "to": values.get("to", "").strip()}]
    contact, more = _load(ContactSchema(), data)
    for path in more:
        wrong.append({"availability.0.from": "from", "availability.0.to": "to",
                      "availability.0.days": "days"}.get(path, path if not path.startswith("availability") else "from"))
    return (None, _unique(wrong)) if wrong else (contact, [])


def read_referrer(values: dict) -> tuple[dict | None, list[str]]:
    return _load(ReferrerSchema(), _nested(values, REFERRER))


def read_referred_carer(values: dict) -> tuple[dict | None, list[str]]:
    """The carer a professional refers: who they are, how to reach them, whom they care for,
    and that they agreed to be contacted."""
    carer, wrong = _load(CarerSchema(), _nested(values, ("name", "mobile", "landline", "address.line1",
                                                         "address.line2", "address.town", "address.postcode")))
    cares_for = values.get("cares_for", "").strip()
    if not cares_for or "\x00" in cares_for:
        wrong.append("cares_for")
    if values.get("consent") != "yes":
        wrong.append("consent")
    if wrong:
        return None, _unique(wrong)
    return {"carer": carer, "cares_for": cares_for[:2000], "consent_to_contact": True}, []


def _unique(paths: list[str]) -> list[str]:
    return list(dict.fromkeys(paths))


# What a page shows when it is opened again: the stored answer as the boxes hold it.

def _phone(number) -> str:
    return readable_phone(number) if number else ""


def about_you_values(answers: dict) -> dict:
    carer, about = answers.get("carer") or {}, answers.get("about") or {}
    address = carer.get("address") or {}
    return {"name": carer.get("name", ""), "mobile": _phone(carer.get("mobile")),
            "landline": _phone(carer.get("landline")), "email": about.get("email") or "",
            "address.line1": address.get("line1", ""), "address.line2": address.get("line2") or "",
            "address.town": address.get("town", ""), "address.postcode": address.get("postcode", ""),
            "preferred_language": carer.get("preferred_language", ""), "contact_by": about.get("contact_by", "")}


def cared_for_values(person: dict) -> dict:
    if not person:
        return {}
    gp = person.get("gp") or {}
    minutes = person.get("safe_alone_minutes")
    return {**{key: person.get(key) or "" for key in CARED_FOR[:9]},
            "gp.name": gp.get("name", ""), "gp.practice": gp.get("practice", ""), "gp.phone": _phone(gp.get("phone")),
            "can_be_left_alone": "yes" if person.get("can_be_left_alone") else "no",
            "safe_alone_hours": str(minutes // 60) if minutes else ""}


def contact_values(contact: dict) -> dict:
    if not contact:
        return {}
    windows = contact.get("availability") or []
    window = windows[0] if windows else {}
    return {"name": contact.get("name", ""), "relationship": contact.get("relationship", ""),
            "mobile": _phone(contact.get("mobile")), "landline": _phone(contact.get("landline")),
            "holds_key": "yes" if contact.get("holds_key") else "no", "when": "times" if windows else "any",
            "days": window.get("days", []), "from": window.get("from", ""), "to": window.get("to", "")}


def referrer_values(referrer: dict) -> dict:
    return {**{key: (referrer or {}).get(key) or "" for key in REFERRER}, "phone": _phone((referrer or {}).get("phone"))}
