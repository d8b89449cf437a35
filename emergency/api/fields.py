"""Marshmallow fields that turn what a person types into the forms the service stores."""
from marshmallow import ValidationError, fields, validate

from emergency.phones import PhoneNumberError, normalise_phone
from emergency.plans.cards import CardNumberError, parse_card_number
from emergency.postcodes import PostcodeError, normalise_postcode, normalise_postcode_or_district

LARGEST_ID = 2**31 - 1


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
    def __init__(self, **kwargs):
        super().__init__(max_length=200, required_text=True, **kwargs)


class PhoneNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_phone(text)
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


def Id(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=LARGEST_ID), **kwargs)
