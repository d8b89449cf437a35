"""UK postcodes: normalised to upper case with one space (LS6 2AB); districts are the outward part."""
import re

_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class PostcodeError(ValueError):
    pass


def normalise_postcode(text: str) -> str:
    match = _FULL.match((text or "").strip().upper())
    if not match:
        raise PostcodeError(f"{text!r} is not a UK postcode; write it like LS6 2AB")
    return f"{match.group(1)} {match.group(2)}"


def postcode_district(postcode: str) -> str:
    """The outward code (LS6 of LS6 2AB): broad enough to say in a text message."""
    return postcode.split(" ")[0]


def normalise_postcode_or_district(text: str) -> str:
    """A full postcode, or a district on its own (for searching)."""
    cleaned = (text or "").strip().upper()
    if _DISTRICT.match(cleaned):
        return cleaned
    try:
        return normalise_postcode(cleaned)
    except PostcodeError:
        raise PostcodeError(
            f"{text!r} is not a UK postcode or postcode district; write it like LS6 2AB or LS6"
        ) from None
