"""Reading an HTML form with the API's own schemas: the same rules, the same messages, shown
beside the field that is wrong."""
import re

from marshmallow import EXCLUDE, ValidationError

_WHOLE_NUMBER = re.compile(r"^\s*[0-9]{1,10}\s*$")


def whole_number(text) -> int | None:
    return int(text) if isinstance(text, str) and _WHOLE_NUMBER.match(text) else None


def whole_numbers(form: dict, names) -> dict:
    """Form fields are text; the schemas want numbers. Text that is not a number is passed on
    as it is, so the schema says what is wrong with it."""
    return {key: int(value) if key in names and isinstance(value, str) and _WHOLE_NUMBER.match(value) else value
            for key, value in form.items()}


def load_form(schema, form: dict, integers=()) -> tuple[dict, dict]:
    """(data, {field: what is wrong}); blank fields count as not filled in."""
    filled = {key: value for key, value in form.items()
              if not (isinstance(value, str) and not value.strip())}
    try:
        return schema.load(whole_numbers(filled, integers), unknown=EXCLUDE), {}
    except ValidationError as error:
        return {}, {field: _flat(messages) for field, messages in error.messages.items()}


def field_of(domain_error, default: str) -> str:
    """The form field a service's error is about: officer_ids[2] is the officer_ids field."""
    return (domain_error.field or default).split("[")[0]


def _flat(messages) -> str:
    if isinstance(messages, dict):
        return " ".join(_flat(value) for value in messages.values())
    if isinstance(messages, list):
        return " ".join(_flat(value) for value in messages)
    return str(messages)

