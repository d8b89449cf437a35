"""Care providers and cover on the wire."""
import re

from marshmallow import Schema, ValidationError, fields, validate

from emergency.api.fields import Id, Instant, MobileNumber, Name, PhoneNumber, Text, plausible_date
from emergency.cover.vocabulary import AskMode, Outcome
from emergency.db_types import values_of
from emergency.providers.vocabulary import Capability

_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def _pounds_an_hour(value):
    if not 0 <= value < 10000:
        raise ValidationError("must be between 0 and 9999.99")


class District(fields.String):
    """A postcode district, like LS6 or EN5."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not _DISTRICT.match(text):
            raise ValidationError(f"{text[:20]!r} is not a postcode district; write it like LS6 or EN5")
        return text


def districts_from_text(text: str) -> list[str]:
    """What a person typed in one box ("LS6, ls7 EN5") as a list for the schema."""
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class ProviderSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Name(required=True, metadata={"example": "Acme Care"})
    bookings_phone = PhoneNumber(required=True, metadata={"example": "0113 496 0123",
                                                          "description": "Answered day and night"})
    mobile = MobileNumber(required=True, metadata={"example": "07700 900712",
                                                   "description": "Asks go here by text; only its replies count"})
    email = fields.Email(required=True, validate=validate.Length(max=254))
    districts = fields.List(District(), required=True, validate=validate.Length(min=1, max=100),
                            metadata={"description": "Postcode districts covered", "example": ["LS6", "LS7"]})
    capabilities = fields.List(fields.String(validate=validate.OneOf(values_of(Capability))), required=True,
                               validate=validate.Length(max=len(Capability)))
    hourly_rate = fields.Decimal(required=True, places=2, as_string=True, validate=_pounds_an_hour,
                                 metadata={"type": "string", "format": "decimal", "example": "24.50",
                                           "description": "Pounds an hour, 0 to 9999.99, as a decimal string"})
    active = fields.Boolean(load_default=True)
    contract_ends_on = fields.Date(allow_none=True, load_default=None, validate=plausible_date)

    def get_attribute(self, obj, attr, default):
        if attr == "districts" and not isinstance(obj, dict):
            return obj.district_list
        if attr == "capabilities" and not isinstance(obj, dict):
            return obj.capability_list
        return super().get_attribute(obj, attr, default)


class ProviderQuery(Schema):
    active = fields.Boolean()


class _Period(Schema):
    starts_at = Instant(required=True, metadata={"example": "2026-12-04 18:00"})
    ends_at = Instant(required=True, metadata={"example": "2026-12-06 18:00", "description": "The planned end"})
    extension_reason = Text(max_length=1000, load_default=None, allow_none=True,
                            metadata={"description": "Past the cover limit: a coordinator's reason"})


class AskProvidersSchema(_Period):
    provider_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=20),
                               metadata={"description": "In the order to ask them"})
    mode = fields.String(load_default=AskMode.ALL_AT_ONCE, validate=validate.OneOf(values_of(AskMode)))
    capabilities = fields.List(fields.String(validate=validate.OneOf(values_of(Capability))), load_default=list,
                               metadata={"description": "What the care needs"})


class BookingSchema(_Period):
    provider_id = Id(required=True)
    note = Text(max_length=2000, load_default="")


class EndCoverSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(values_of(Outcome)))
    note = Text(max_length=2000, load_default="")


class ExtendCoverSchema(Schema):
    ends_at = Instant(required=True)
    reason = Text(max_length=1000, load_default="")


class ReferralSchema(Schema):
    note = Text(max_length=2000, load_default="", metadata={"description": "Kept on the record; not emailed"})


class CoverAskOutSchema(Schema):
    id = fields.Integer()
    provider_id = fields.Integer()
    code = fields.String()
    mode = fields.String()
    status = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    capabilities = fields.List(fields.String())
    sent_at = fields.DateTime(allow_none=True)
    answer_by = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class CoverOutSchema(Schema):
    id = fields.Integer()
    incident_id = fields.Integer()
    provider_id = fields.Integer()
    code = fields.String()
    status = fields.String()
    booked_by = fields.String()
    booked_at = fields.DateTime()
    starts_at = fields.DateTime()
    planned_end_at = fields.DateTime()
    note = fields.String()
    extension_reason = fields.String(allow_none=True)
    reminded_12h_at = fields.DateTime(allow_none=True)
    reminded_2h_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    ended_by = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_note = fields.String(allow_none=True)


class Warned(Schema):
    warnings = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                           metadata={"description": "Allowed, but worth a second look: a provider outside the "
                                                    "plan's district"})


class AskedOutSchema(Warned):
    asks = fields.List(fields.Nested(CoverAskOutSchema))


class BookedOutSchema(Warned):
    cover = fields.Nested(CoverOutSchema)


class IncidentCoverSchema(Schema):
    covers = fields.List(fields.Nested(CoverOutSchema))
    asks = fields.List(fields.Nested(CoverAskOutSchema))


class ReferralOutSchema(Schema):
    id = fields.Integer()
    incident_id = fields.Integer()
    cover_id = fields.Integer(allow_none=True)
    referred_at = fields.DateTime()
    referred_by = fields.String()
    sent_to = fields.String()
