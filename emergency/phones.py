"""Phone numbers in E.164, parsed with phonenumbers; UK numbers may be written nationally.

Ofcom keeps 07700 900000 to 07700 900999 for drama: they reach nobody, which makes them the
numbers for demonstrations and tests. phonenumbers calls them invalid, so they are accepted
here by name, as mobiles.
"""
import re

import phonenumbers
from phonenumbers import PhoneNumberType

DEFAULT_REGION = "GB"
EXAMPLE_MOBILE = "07700 900982"
_DRAMA_MOBILE = re.compile(r"^\+447700900\d{3}$")
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_KIND_NAMES = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "landline",
               PhoneNumberType.TOLL_FREE: "freephone", PhoneNumberType.VOIP: "internet phone"}


class PhoneNumberError(ValueError):
    pass


def is_drama_mobile(e164: str) -> bool:
    """One of Ofcom's mobile numbers for drama (07700 900xxx)."""
    return bool(_DRAMA_MOBILE.match(e164))


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number typed by a person; raises PhoneNumberError."""
    example = f"like {EXAMPLE_MOBILE} or 0113 496 0000"
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise PhoneNumberError(f"{text!r} is not a phone number; write it {example}") from None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(parsed) and not is_drama_mobile(e164):
        raise PhoneNumberError(f"{text!r} is not a valid phone number; write it {example}")
    return e164


def normalise_mobile(text: str, region: str = DEFAULT_REGION, landline_goes: str = "") -> str:
    """E.164 form of a number that must take texts; raises PhoneNumberError for anything else,
    a landline included. `landline_goes` says where a landline belongs instead, if anywhere."""
    e164 = normalise_phone(text, region)
    if not is_mobile(e164):
        kind = phone_kind(e164)
        what = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} number" if kind else "not a mobile number"
        elsewhere = f", or {landline_goes}" if landline_goes else ""
        raise PhoneNumberError(f"{readable_phone(e164)} is {what}, and texts cannot reach it: enter a mobile number, "
                               f"like {EXAMPLE_MOBILE}{elsewhere}")
    return e164


def is_mobile(e164: str) -> bool:
    """Whether a number can take texts (UK mobiles; other countries' mobiles too)."""
    if is_drama_mobile(e164):
        return True
    return phonenumbers.number_type(phonenumbers.parse(e164)) in _MOBILE_TYPES


def phone_kind(number: str | None) -> str | None:
    """'mobile', 'landline', 'freephone' or 'internet phone'; None when phonenumbers cannot tell."""
    if not number:
        return None
    if is_drama_mobile(number):
        return "mobile"
    try:
        return _KIND_NAMES.get(phonenumbers.number_type(phonenumbers.parse(number, DEFAULT_REGION)))
    except phonenumbers.NumberParseException:
        return None


def readable_phone(number: str | None) -> str:
    """A number as people write it (0113 496 0000, 07700 900123; others internationally); as
    stored when it cannot be parsed."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return number
    style = phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 44 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


def labelled_phone(number: str | None) -> str:
    """The number as people write it, with what kind it is: '07700 900123 (mobile)'."""
    kind = phone_kind(number)
    return f"{readable_phone(number)} ({kind})" if kind else readable_phone(number)
