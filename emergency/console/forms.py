"""The console's one way to read a form: the API's own schemas check what was typed (the same
rules as the API), and their messages become the console's plain words, shown beside the field
that is wrong and in the error summary."""
import re

from marshmallow import EXCLUDE, ValidationError

from emergency.console.messages import plain, plain_problems

_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")


def whole_number(text) -> int | None:
    """The number typed, if a whole number was; spaces around it do not count. Python counts more
    characters as spaces than int() ignores (\x1f among them), so they are stripped first."""
    if not isinstance(text, str):
        return None
    digits = text.strip()
    return int(digits) if _WHOLE_NUMBER.fullmatch(digits) else None


def whole_numbers(form: dict, names) -> dict:
    """Form fields are text; the schemas want numbers. Text that is not a number is passed on
    as it is, so the schema says what is wrong with it."""
    return {key: whole_number(value) if key in names and whole_number(value) is not None else value
            for key, value in form.items()}


def load_form(schema, form: dict, wording: dict, integers=()) -> tuple[dict, dict]:
    """(data, {field path: what is wrong, in plain words}); blank fields count as not filled in."""
    filled = {key: value for key, value in form.items()
              if not (isinstance(value, str) and not value.strip())}
    try:
        return schema.load(whole_numbers(filled, integers), unknown=EXCLUDE), {}
    except ValidationError as error:
        return {}, plain_problems(wording, field_problems(error.messages))


def service_problem(wording: dict, domain_error, default: str) -> dict[str, str]:
    """A service's refusal, beside the form field it is about (contacts[0].id is contacts.0.id)."""
    field = re.sub(r"\[([0-9]+)\]", r".\1", domain_error.field or default)
    return {field: plain(wording, field, domain_error.message)}


def field_problems(messages, path: str = "") -> dict[str, str]:
    """Marshmallow's nested messages as {field path: what is wrong}, for showing beside each field."""
    problems: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            child = path if key == "_schema" else (f"{path}.{key}" if path else key)
            if re.search(r"\.days\.[0-9]+$", child):  # one of the ticked days
                child = child.rsplit(".", 1)[0]
            for name, text in field_problems(value, child).items():
                problems.setdefault(name, text)
    elif isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        problems[path or "form"] = messages[0] if messages else ""
    elif isinstance(messages, list):
        for item in messages:
            for name, text in field_problems(item, path).items():
                problems.setdefault(name, text)
    else:
        problems[path or "form"] = str(messages)
    return problems

