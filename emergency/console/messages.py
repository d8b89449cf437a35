"""The console's error messages, in the GOV.UK Design System's style ("Enter the carer's full
name", "Date of birth must be in the past").

The console checks its forms with the API's own schemas, whose messages are meant for machines
("Missing data for required field."); the API keeps those. Here each form names its fields, and
each kind of mistake the schemas report becomes a sentence about that field. A message this
table does not know is kept, with the field's name in front when it needs one."""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """label starts a sentence ("Date of birth"); noun follows a verb ("the carer's full name")."""

    label: str
    noun: str
    verb: str = "Enter"  # "Select" for a choice
    example: str = ""  # what a good answer looks like, for phone numbers and postcodes


def phone(label: str, noun: str, example: str = "07700 900 982") -> Field:
    return Field(label, noun, example=example)


MOBILE, LANDLINE = "07700 900 982", "0113 496 0000"

_MARSHMALLOW = [  # (pattern of the schema's message, kind of mistake)
    (r"^Missing data for required field\.$|^Field may not be null\.$|^Shorter than minimum length 1\.$", "missing"),
    (r"^(Longer than maximum length|Length must be between 1 and) (?P<most>\d+)\.$", "too_long"),
    (r"^Not a valid integer\.$", "whole_number"),
    (r"^Must be greater than or equal to (?P<least>-?\d+) and less than or equal to (?P<most>-?\d+)\.$", "range"),
    (r"^Not a valid date\.$|^must be between 1900-01-01 and 2100-12-31$|^must be between 2000-01-01 and 2100-12-31$",
     "date"),
    (r"^must not be in the future$", "future"),
    (r"^must be HH:MM, 00:00 to 23:59$", "time"),
    (r"^Must be one of: .*\.$|^Not a valid (string|boolean|list)\.$|^Invalid (value|type|input type)\.$", "choice"),
    (r"^'.*' is not a (valid )?phone number; write it .*$", "phone"),
    (r"^'.*' is not a UK postcode; write it like .*$", "postcode"),
    (r"^'.*' is not a UK postcode or postcode district; write it like .*$", "district"),
    (r"^no card number was given$", "missing"),
    (r"^a card number has digits only", "card_digits"),
    (r"^a card number has (?P<most>\d+) digits; this has \d+$", "card_length"),
    (r"^the card number's check digit does not match", "card_check"),
    (r"^Not a valid email address\.$", "email"),
    (r"^must not contain NUL characters$", "unreadable"),
]
_KINDS = [(re.compile(pattern), kind) for pattern, kind in _MARSHMALLOW]


def _sentence(field: Field, kind: str, found: re.Match) -> str | None:
    if kind == "missing":
        return f"{field.verb} {field.noun}" + (f", like {field.example}" if field.example else "")
    if kind == "too_long":
        return f"{field.label} must be {found['most']} characters or fewer"
    if kind == "whole_number":
        return f"{field.label} must be a whole number, like 30"
    if kind == "range":
        return f"{field.label} must be between {found['least']} and {found['most']}"
    if kind == "date":
        return f"{field.label} must be a real date"
    if kind == "future":
        return f"{field.label} must be today or in the past"
    if kind == "time":
        return f"{field.label} must be a time on the 24-hour clock, like 17:30"
    if kind == "choice":
        return f"Select {field.noun}"
    if kind == "phone":
        return f"Enter {field.noun}, like {field.example or MOBILE}"
    if kind == "postcode":
        return "Enter a real postcode, like LS6 2AB"
    if kind == "district":
        return "Enter a real postcode or postcode district, like LS6 2AB or LS6"
    if kind == "card_digits":
        return "The card number must only include numbers"
    if kind == "card_length":
        return f"The card number must be {found['most']} digits long"
    if kind == "card_check":
        return "The card number has a digit typed wrongly: check it against the card"
    if kind == "email":
        return "Enter an email address in the correct format, like name@example.com"
    if kind == "unreadable":
        return f"{field.label} has a character that cannot be stored: type it again"
    return None


def plain(wording: dict, path: str, message: str) -> str:
    """The message to show beside the field at path (a.b.0.c) for what a schema or service said."""
    field = field_for(wording, path)
    own = wording.get("_messages", {}).get(message)
    if own:
        return own.format(**_numbers(path))
    for pattern, kind in _KINDS:
        found = pattern.match(message)
        if found and field is not None:
            if kind == "too_long" and field.verb == "Select":
                kind = "missing"  # a list of ticked choices: its length is broken by ticking none
            special = wording.get("_kinds", {}).get((_pattern_of(path), kind))
            return special.format(**_numbers(path)) if special else _sentence(field, kind, found)
    text = message.strip().rstrip(".")
    if field is not None and re.match(r"^(must|is|has|should|cannot|can't) ", text):
        return f"{field.label} {text}"
    return text[:1].upper() + text[1:]


def plain_problems(wording: dict, problems: dict[str, str]) -> dict[str, str]:
    return {path: plain(wording, path, message) for path, message in problems.items()}


def _pattern_of(path: str) -> str:
    return re.sub(r"\.[0-9]+(?=\.|$)", ".#", path)


def _numbers(path: str) -> dict:
    """{n} is the row's number as people count (contacts.1 is contact 2); {m}, a row within it."""
    rows = [int(number) + 1 for number in re.findall(r"\.([0-9]+)(?=\.|$)", path)]
    return {"n": rows[0] if rows else "", "m": rows[1] if len(rows) > 1 else ""}


def field_for(wording: dict, path: str) -> Field | None:
    field = wording.get(_pattern_of(path))
    if not isinstance(field, Field):
        return None
    numbers = _numbers(path)
    return Field(field.label.format(**numbers), field.noun.format(**numbers), field.verb, field.example)


ADDRESS = {"line1": "first line", "line2": "second line", "town": "town or city", "postcode": "postcode"}


def _address(prefix: str, whose: str) -> dict:
    return {f"{prefix}.{key}": Field(f"{part.capitalize()} of {whose} address", f"the {part} of {whose} address",
                                     example="LS6 2AB" if key == "postcode" else "")
            for key, part in ADDRESS.items()}


PLAN = {
    "status": Field("Status", "the plan's status", "Select"),
    "last_reviewed_on": Field("The date of the last review", "the date of the last review"),
    "review_due_on": Field("The date of the next review", "the date of the next review"),
    "carer.name": Field("Carer's full name", "the carer's full name"),
    "carer.mobile": phone("Carer's mobile", "a UK mobile number for the carer"),
    "carer.landline": phone("Carer's landline", "a UK landline number for the carer", LANDLINE),
    "carer.preferred_language": Field("Preferred language", "the carer's preferred language", "Select"),
    "carer.other_language": Field("Which language", "which language the carer prefers"),
    "carer.large_print": Field("Large print card", "whether the card is in large print"),
    "carer.address": Field("The carer's address", "the carer's address"),
    **_address("carer.address", "the carer's"),
    "cared_for": Field("People cared for", "at least one person cared for"),
    "cared_for.#": Field("Person cared for {n}", "the details of person cared for {n}"),
    "cared_for.#.id": Field("Person cared for {n}", "person cared for {n}"),
    "cared_for.#.name": Field("Name of person cared for {n}", "the name of person cared for {n}"),
    "cared_for.#.date_of_birth": Field("Date of birth of person cared for {n}", "the date of birth of person cared for {n}"),
    "cared_for.#.address": Field("Address of person cared for {n}", "the address of person cared for {n}"),
    **_address("cared_for.#.address", "person cared for {n}'s"),
    **{f"cared_for.#.{key}": Field(f"{label} of person cared for {{n}}", f"the {label.lower()} of person cared for {{n}}")
       for key, label in (("needs", "Needs"), ("conditions", "Conditions"), ("medication", "Medication"),
                          ("medication_location", "Where the medication is kept"), ("allergies", "Allergies"),
                          ("mobility_needs", "Mobility needs"), ("communication_needs", "Communication needs"),
                          ("other_care", "Care already coming in"), ("routines", "Routines"), ("pets", "Pets"))},
    "cared_for.#.gp.name": Field("GP's name for person cared for {n}", "the GP's name for person cared for {n}"),
    "cared_for.#.gp.practice": Field("GP practice for person cared for {n}", "the GP practice for person cared for {n}"),
    "cared_for.#.gp.phone": phone("GP practice phone for person cared for {n}",
                                  "a UK phone number for the GP practice of person cared for {n}", LANDLINE),
    "cared_for.#.safe_alone_minutes": Field("Minutes person cared for {n} can be left alone",
                                            "how many minutes person cared for {n} can be left alone"),
    "home_access.how_to_get_in": Field("How to get in", "how to get in"),
    "home_access.key_holders": Field("Other key holders", "who else holds a key"),
    "contacts": Field("Emergency contacts", "the emergency contacts"),
    "contacts.#": Field("Contact {n}", "the details of contact {n}"),
    "contacts.#.id": Field("Contact {n}", "contact {n}"),
    "contacts.#.name": Field("Name of contact {n}", "the name of contact {n}"),
    "contacts.#.relationship": Field("Relationship of contact {n}", "how contact {n} is related to the carer"),
    "contacts.#.mobile": phone("Mobile of contact {n}", "a UK mobile number for contact {n}"),
    "contacts.#.landline": phone("Landline of contact {n}", "a UK landline number for contact {n}", LANDLINE),
    "contacts.#.availability": Field("Times contact {n} can be called", "the times contact {n} can be called"),
    "contacts.#.availability.#": Field("Time {m} for contact {n}", "time {m} for contact {n}"),
    "contacts.#.availability.#.days": Field("Days of time {m} for contact {n}",
                                            "at least one day for time {m} of contact {n}", "Select"),
    "contacts.#.availability.#.from": Field("Start of time {m} for contact {n}", "the start of time {m} for contact {n}"),
    "contacts.#.availability.#.to": Field("End of time {m} for contact {n}", "the end of time {m} for contact {n}"),
    "contacts.#.consent.status": Field("Consent of contact {n}", "whether contact {n} consented", "Select"),
    "contacts.#.consent.recorded_on": Field("Date of consent of contact {n}",
                                            "the date contact {n} gave or refused consent"),
    "instructions": Field("Instructions", "instructions for whoever goes"),
    "escalation.wait_minutes": Field("Minutes to wait for an answer", "how many minutes to wait for an answer"),
    "escalation.rounds": Field("Rounds of the rota", "how many rounds of the rota"),
    "escalation.channels": Field("How to ask", "how to ask", "Select"),
    "version": Field("The version", "the version"),
    "_kinds": {
        ("cared_for.#.date_of_birth", "future"): "Date of birth of person cared for {n} must be in the past",
        ("contacts.#.consent.recorded_on", "future"): "Date of consent of contact {n} must be today or in the past",
        ("last_reviewed_on", "future"): "The date of the last review must be today or in the past",
    },
    "_messages": {
        "give the carer's mobile or landline number": "Enter the carer's mobile or landline number",
        "give the contact's mobile or landline number": "Enter a mobile or landline number for contact {n}",
        "give the address of someone who does not live with the carer":
            "Enter the address of person cared for {n}, who does not live with the carer",
        "leave this out, or set can_be_left_alone, for someone who cannot be left alone":
            "Leave the minutes empty, or tick ‘Can be left alone for a while’",
        "from and to must differ; leave availability empty for any time":
            "The end of time {m} for contact {n} must be different from its start",
        "name each day once": "Select each day once",
        "give the date consent was given or refused": "Enter the date contact {n} gave or refused consent",
    },
}

PLAN_SEARCH = {
    "name": Field("Name", "part of a name"),
    "card_number": Field("Card number", "the card number"),
    "phone": phone("Phone", "a UK phone number"),
    "postcode": Field("Postcode", "a postcode or district, like LS6 or LS6 2AB"),
    "status": Field("Status", "a status", "Select"),
}
ARCHIVE = {"reason": Field("The reason", "why the plan is no longer needed")}
KEY_SAFE = {"code": Field("The key-safe code", "the key-safe code")}

OPEN_INCIDENT = {
    "card_number": Field("Card number", "the card number on the carer's card"),
    "caller_number": phone("Caller's phone", "the caller's UK phone number"),
    "note": Field("Note", "a note"),
    "_messages": {"give either card_number or plan_id": "Enter the card number on the carer's card"},
}
RESOLVE = {"note": Field("What happened", "what happened")}
CANCEL = {"reason": Field("The reason", "why it is a false alarm")}

OFFICER = {
    "name": Field("Name", "the officer's full name"),
    "mobile": phone("Mobile", "a UK mobile number for the officer"),
    "role": Field("Job", "the officer's job, like senior social worker"),
    "contact_preference": Field("How to ask", "how to ask the officer", "Select"),
    "language": Field("Ask in", "the language to ask the officer in", "Select"),
}
PATTERN = {
    "name": Field("Name", "a name for the pattern, like Weekday nights"),
    "tier": Field("Tier", "a tier", "Select"),
    "days": Field("Days", "the days the shift starts on", "Select"),
    "starts": Field("Start time", "the start time"),
    "ends": Field("End time", "the end time"),
    "starts_on": Field("First week", "the first week"),
    "ends_on": Field("Last day", "the last day the pattern runs"),
    "rotate_every_weeks": Field("Weeks in a row", "how many weeks each officer takes in a row"),
    "turns": Field("Officers", "at least one officer", "Select"),
    "officer_ids": Field("Officers", "at least one officer", "Select"),
    "_messages": {"give the last day the pattern runs": "Enter the last day the pattern runs",
                  "name each day once": "Select each day once",
                  "must not be before starts_on": "The last day must not be before the first week"},
}
OVERRIDE = {
    "kind": Field("Change", "the kind of change", "Select"),
    "tier": Field("Tier", "a tier", "Select"),
    "officer_id": Field("Officer", "an officer", "Select"),
    "replaces_officer_id": Field("The officer who goes", "the officer who goes", "Select"),
    "starts": Field("Start", "when the change starts, like 2026-12-24 17:00"),
    "ends": Field("End", "when the change ends, like 2026-12-25 09:00"),
    "note": Field("Note", "a note"),
    "_messages": {"must be after starts_at": "The end must be after the start",
                  "say which officer is replaced": "Select the officer who goes",
                  "only a replace override replaces someone":
                      "Choose ‘Swap’ to name an officer who goes, or leave ‘The officer who goes’ as nobody"},
}
OVERRIDE["starts_at"], OVERRIDE["ends_at"] = OVERRIDE["starts"], OVERRIDE["ends"]
PERSON = {
    "username": Field("Username", "a username"),
    "full_name": Field("Full name", "their full name"),
    "role": Field("Role", "a role", "Select"),
    "mobile": phone("Alert mobile", "a UK mobile number for alerts"),
    "email": Field("Email", "an email address"),
    "_messages": {"use only letters, digits, dots, dashes and underscores":
                  "Username must use only letters, digits, dots, dashes and underscores"},
}
TOKEN = {"label": Field("What the token is for", "what the token is for")}
OFFICER_LOGIN = {"user_id": Field("Login", "a duty officer's login", "Select")}
