"""Phone numbers in E.164, parsed with phonenumbers; UK numbers may be written nationally."""
import phonenumbers

DEFAULT_REGION = "GB"


class PhoneNumberError(ValueError):
    pass


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number typed by a person; raises PhoneNumberError."""
    example = "like 07911 123456 or +44 7911 123456"
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise PhoneNumberError(f"{text!r} is not a phone number; write it {example}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneNumberError(f"{text!r} is not a valid phone number; write it {example}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether a number can take texts (UK mobiles; other countries' mobiles too)."""
    number_type = phonenumbers.number_type(phonenumbers.parse(e164))
    return number_type in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def readable_phone(number: str | None) -> str:
    """A number as people write it (0113 496 0000); as stored when it cannot be parsed."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return number
    style = phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 44 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)
