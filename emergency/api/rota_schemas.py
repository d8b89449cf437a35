"""The rota on the wire."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emergency.api.fields import ClockTime, Id, Instant, MobileNumber, Name, Text, plausible_date
from emergency.outbox import opt_outs
from emergency.rota.calendar import TIERS, WEEKDAYS
from emergency.rota.models import CONTACT_PREFERENCES, OVERRIDE_KINDS
from emergency.wording.languages import codes as language_codes

TIER = validate.Range(min=min(TIERS), max=max(TIERS))


def _isoformat(moment):
    return moment.isoformat() if moment else None


class OfficerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Name(required=True)
    mobile = MobileNumber(required=True, metadata={"example": "07700 900123"})
    role = Text(required=True, max_length=100, required_text=True, metadata={"example": "senior social worker"})
    active = fields.Boolean(load_default=True)
    contact_preference = fields.String(load_default="both", validate=validate.OneOf(CONTACT_PREFERENCES))
    language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(language_codes()),
                             metadata={"description": "BCP 47 code of a configured language: the officer is asked in "
                                                      "it (English for a new officer when left out; unchanged on an "
                                                      "update)"})
    # Read from the opt-out list, which belongs to the number, so it never goes stale when
    # an officer's mobile changes.
    sms_opted_out_at = fields.Function(
        lambda officer: _isoformat(opt_outs.opted_out_at(officer.mobile)), dump_only=True,
        metadata={"type": "string", "format": "date-time", "nullable": True,
                  "description": "When the number texted STOP; asks then go by call"})


class OfficerQuery(Schema):
    active = fields.Boolean()


class PatternSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Name(required=True, metadata={"example": "Weekday nights"})
    tier = fields.Integer(strict=True, required=True, validate=TIER)
    days = fields.List(fields.String(validate=validate.OneOf(WEEKDAYS)), required=True,
                       validate=validate.Length(min=1, max=7), metadata={"description": "Days the shift starts on"})
    starts = ClockTime(required=True, metadata={"example": "17:00"})
    ends = ClockTime(required=True, metadata={"example": "09:00", "description": "Not after `starts`: ends next day"})
    officer_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=52),
                              metadata={"description": "Officers taking turns, in order"})
    starts_on = fields.Date(required=True, validate=plausible_date,
                            metadata={"description": "The first officer covers the week (Monday to Sunday) of this date"})
    ends_on = fields.Date(allow_none=True, load_default=None, validate=plausible_date)
    rotate_every_weeks = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=52))

    @validates_schema
    def days_once(self, data, **kwargs):
        if len(set(data.get("days", []))) != len(data.get("days", [])):
            raise ValidationError("name each day once", "days")


class PatternOutSchema(PatternSchema):
    officer_ids = fields.Method("turn_officer_ids")

    def turn_officer_ids(self, pattern):
        return [turn.officer_id for turn in pattern.turns]


class OverrideSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(OVERRIDE_KINDS))
    tier = fields.Integer(strict=True, required=True, validate=TIER)
    officer_id = Id(required=True, metadata={"description": "Who is added, removed, or comes in"})
    replaces_officer_id = Id(allow_none=True, load_default=None, metadata={"description": "For replace: who goes"})
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    note = Text(max_length=500, load_default="")
    created_by = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class SpanQuery(Schema):
    """A stretch of time; defaults are filled in by the view."""

    starts = Instant(data_key="from", attribute="starts", metadata={"description": "Default: now"})
    ends = Instant(data_key="to", attribute="ends", metadata={"description": "Default: 28 days after from"})
    officer_id = Id(strict=False, metadata={"description": "Only this officer's shifts"})


class OnDutyQuery(Schema):
    at = Instant(metadata={"description": "Default: now. Local time or with an offset"})


class TierOnDutySchema(Schema):
    tier = fields.Integer()
    officers = fields.List(fields.Nested(OfficerSchema))


class OnDutySchema(Schema):
    at = fields.DateTime()
    out_of_hours = fields.Boolean()
    tiers = fields.List(fields.Nested(TierOnDutySchema))


class GapQuery(Schema):
    days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=92))
    tier = fields.Integer(load_default=1, validate=TIER)


class GapSchema(Schema):
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    hours = fields.Float()
    local = fields.String(metadata={"example": "Sat 28 Nov 17:00-Sun 29 Nov 09:00"})


class ShiftSchema(Schema):
    tier = fields.Integer()
    officer_id = fields.Integer()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()


class ImportResultSchema(Schema):
    imported = fields.Integer()
    already_on_the_rota = fields.Integer(metadata={"description": "Shifts skipped: the rota already had them"})
    override_ids = fields.List(fields.Integer())


class FeedRequestSchema(Schema):
    officer_id = Id(allow_none=True, load_default=None, metadata={"description": "Leave out for the whole rota"})


class FeedSchema(Schema):
    id = fields.Integer()
    officer_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class NewFeedSchema(FeedSchema):
    url = fields.String(metadata={"description": "Shown once: subscribe to it in a calendar app"})
