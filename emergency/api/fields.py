"""Marshmallow fields that turn what a person types into the forms the service stores."""
import re
import unicodedata
from datetime import date, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import ValidationError, fields, validate

from emergency.phones import PhoneNumberError, normalise_mobile, normalise_phone
from emergency.plans.cards import CardNumberError, parse_card_number
from emergency.postcodes import PostcodeError, normalise_postcode, normalise_postcode_or_district
from emergency.records import LARGEST_ID
from emergency.rota.localtime import LocalTimeError, parse_instant


class Text(fields.String):
    """Trimmed text. NUL characters are refused: PostgreSQL cannot store them."""

    def __init__(self, *, max_length=5000, required_text=False, **kwargs):
        validators = [validate.Length(min=1 if required_text else 0, max=max_length)]
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in text:
            raise ValidationError("must not contain NUL characters")
        return text


class Name(Text):
    """A person's or a thing's name: one line, no control characters (a name travels into
    texts, calendar feeds and CSV files, where a line break would start something else)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=200, required_text=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in text):
            raise ValidationError("must be on one line, with no tabs or other control characters")
        return text


class PhoneNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_phone(text)
        except PhoneNumberError as error:
            raise ValidationError(str(error)) from None


class MobileNumber(fields.String):
    """A number that must take texts: a landline is refused, saying so."""

    def __init__(self, *, landline_goes: str = "", **kwargs):
        super().__init__(**kwargs)
        self.landline_goes = landline_goes

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_mobile(text, landline_goes=self.landline_goes)
        except PhoneNumberError as error:
            raise ValidationError(str(error)) from None


class Postcode(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalise_postcode(super()._deserialize(value, attr, data, **kwargs))
        except PostcodeError as error:
            raise ValidationError(str(error)) from None


class PostcodeOrDistrict(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalise_postcode_or_district(super()._deserialize(value, attr, data, **kwargs))
        except PostcodeError as error:
            raise ValidationError(str(error)) from None


class CardNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_card_number(super()._deserialize(value, attr, data, **kwargs))
        except CardNumberError as error:
            raise ValidationError(str(error)) from None


def Id(*, strict=True, **kwargs):
    """An id. In a query string every value is text, so there it is read with strict=False."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=LARGEST_ID), **kwargs)


EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
_CLOCK_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def plausible_date(value):
    """Keeps date arithmetic far from the calendar's ends."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(f"must be between {EARLIEST_DATE} and {LATEST_DATE}")


class ClockTime(fields.String):
    """A wall-clock time written HH:MM."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _CLOCK_TIME.match(text):
            raise ValidationError("must be HH:MM, 00:00 to 23:59")
        return time(int(text[:2]), int(text[3:]))


class Instant(fields.String):
    """A moment, written with an offset (2026-12-01T17:00:00+00:00) or as local time in the
    service's time zone (2026-12-01 17:00); always UTC inside."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("format", "date-time")
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(timezone.utc).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            instant = parse_instant(text, ZoneInfo(current_app.config["LOCAL_TIMEZONE"]))
        except (LocalTimeError, OverflowError) as error:
            raise ValidationError(str(error)) from None
        plausible_date(instant.date())
        return instant
