"""The carer's review form: their plan as boxes to change (named by section: carer., home.,
person-N., contact-N.), read back with the front door's own readers (the plan's schemas) into
the plan as they changed it. Pure: no session, no Flask."""
import copy

from emergency.phones import readable_phone
from emergency.public import answers as read

CARER = ("name", "mobile", "landline", "address.line1", "address.line2", "address.town", "address.postcode",
         "preferred_language")
HOME = read.GETTING_IN
PERSON = ("needs", "conditions", "medication", "medication_location", "mobility_needs", "communication_needs",
          "routines", "pets", "gp.name", "gp.practice", "gp.phone")
CONTACT = ("name", "relationship", "mobile", "landline")
MOST_ROWS = 10


def _phone(number) -> str:
    return readable_phone(number) if number else ""


def values_from_plan(plan: dict) -> dict:
    """What each box shows at first: the plan as it stands."""
    carer = plan.get("carer") or {}
    address = carer.get("address") or {}
    values = {"carer.name": carer.get("name") or "", "carer.mobile": _phone(carer.get("mobile")),
              "carer.landline": _phone(carer.get("landline")),
              "carer.preferred_language": carer.get("preferred_language") or ""}
    values.update({f"carer.address.{key}": address.get(key) or "" for key in ("line1", "line2", "town", "postcode")})
    home = plan.get("home_access") or {}
    values.update({f"home.{key}": home.get(key) or "" for key in HOME})
    for index, person in enumerate(plan.get("cared_for") or []):
        shown = read.cared_for_values(person)
        values.update({f"person-{index}.{key}": shown.get(key, "") for key in PERSON})
    for index, contact in enumerate(plan.get("contacts") or []):
        shown = read.contact_values(contact)
        values.update({f"contact-{index}.{key}": shown.get(key, "") for key in CONTACT})
    return values


def typed(posted, plan: dict) -> dict:
    """The boxes as typed (only the plan's own boxes; anything not text dropped)."""
    names = list(values_from_plan(plan))
    return {name: value[:read.MOST_TYPED] if isinstance(value := posted.get(name, ""), str) else ""
            for name in names}


def _section(values: dict, prefix: str) -> dict:
    return {name[len(prefix):]: value for name, value in values.items() if name.startswith(prefix)}


def read_changes(values: dict, plan: dict) -> tuple[dict | None, list[str]]:
    """(the plan with the carer's changes, or None; the wrong boxes' names). Only what the form
    shows is changed: everything else is kept as it was."""
    changed = copy.deepcopy(plan)
    wrong: list[str] = []

    carer, problems = read.read_about_you({**_section(values, "carer."), "contact_by": "letter"})
    wrong += [f"carer.{path}" for path in problems]
    if carer:
        changed["carer"] = {**changed["carer"], **{key: carer["carer"].get(key) for key in
                                                   ("name", "mobile", "landline", "address", "preferred_language")}}

    home, problems = read.read_getting_in(_section(values, "home."))
    wrong += [f"home.{path}" for path in problems]
    if home:
        changed["home_access"] = {**(changed.get("home_access") or {}), **{key: home.get(key, "") for key in HOME}}

    for index, person in enumerate(changed.get("cared_for") or []):
        prefix = f"person-{index}."
        result, problems = read.read_cared_for({**read.cared_for_values(person), **_section(values, prefix)})
        wrong += [f"{prefix}{path}" for path in problems]
        if result:
            person.update({key: result.get(key, "") for key in PERSON if "." not in key})
            person["gp"] = {**(person.get("gp") or {}), **(result.get("gp") or {})}

    for index, contact in enumerate(changed.get("contacts") or []):
        prefix = f"contact-{index}."
        result, problems = read.read_contact({**read.contact_values(contact), **_section(values, prefix)})
        wrong += [f"{prefix}{path}" for path in problems]
        if result:
            contact.update({key: result.get(key) for key in CONTACT})
    return (None, wrong) if wrong else (changed, [])
