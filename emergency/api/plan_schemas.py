"""What a plan looks like on the wire. The same nested schemas read input and describe output."""
import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from emergency.api.fields import CardNumber, Id, MobileNumber, Name, PhoneNumber, Postcode, PostcodeOrDistrict, Text
from emergency.clock import local_today
from emergency.plans.models import CONSENT_STATUSES, PLAN_STATUSES
from emergency.records import LARGEST_ID
from emergency.wording.languages import OTHER_LANGUAGE, language_named
from emergency.wording.languages import codes as language_codes

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_EARLIEST = date(1900, 1, 1)
_LATEST = date(2100, 12, 31)


class CalendarDate(fields.Date):
    """A date; plan snapshots already hold ISO strings, which pass through on output."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


def _not_in_future(value):
    if value > local_today():
        raise ValidationError("must not be in the future")


def _plausible(value):
    if not _EARLIEST <= value <= _LATEST:
        raise ValidationError(f"must be between {_EARLIEST} and {_LATEST}")


class AddressSchema(Schema):
    line1 = Text(required=True, max_length=200, required_text=True)
    line2 = Text(max_length=200, allow_none=True, load_default=None)
    town = Name(required=True)
    postcode = Postcode(required=True, metadata={"example": "LS6 2AB"})


class CarerSchema(Schema):
    name = Name(required=True)
    mobile = MobileNumber(allow_none=True, load_default=None, metadata={"example": "07700 900123"},
                          landline_goes="put a landline in the landline box")
    landline = PhoneNumber(allow_none=True, load_default=None)
    address = fields.Nested(AddressSchema, required=True)
    preferred_language = fields.String(
        load_default="en", validate=validate.OneOf([*language_codes(), OTHER_LANGUAGE]),
        metadata={"description": "A configured language's BCP 47 code, or `other` with `other_language`. A "
                                 "language's name (\"Welsh\", \"Cymraeg\") is read as its code; any other name as "
                                 "`other` with that name."})
    other_language = Text(max_length=50, allow_none=True, load_default=None,
                          metadata={"description": "The carer's language when it is none of the configured ones"})
    large_print = fields.Boolean(load_default=False, metadata={"description": "Print the card in large print"})

    @pre_load
    def language_by_name(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("preferred_language"), str):
            said = data["preferred_language"].strip()
            code = language_named(said)
            if code is None and said and said.lower() != OTHER_LANGUAGE:
                data = {**data, "preferred_language": OTHER_LANGUAGE, "other_language": said[:50]}
            else:
                data = {**data, "preferred_language": code or said.lower() or "en"}
        return data

    @validates_schema
    def reachable(self, data, **kwargs):
        if not data.get("mobile") and not data.get("landline"):
            raise ValidationError("give the carer's mobile or landline number", "mobile")
        if data.get("preferred_language") == OTHER_LANGUAGE and not data.get("other_language"):
            raise ValidationError("say which language the carer prefers", "other_language")


class GPSchema(Schema):
    name = Text(max_length=200, load_default="")
    practice = Text(max_length=200, load_default="")
    phone = PhoneNumber(allow_none=True, load_default=None)


class CaredForSchema(Schema):
    id = Id(allow_none=True, load_default=None, metadata={"description": "Leave out for a new person"})
    name = Name(required=True)
    date_of_birth = CalendarDate(allow_none=True, load_default=None, validate=[_not_in_future, _plausible])
    lives_with_carer = fields.Boolean(load_default=True)
    address = fields.Nested(AddressSchema, allow_none=True, load_default=None)
    needs = Text(load_default="")
    conditions = Text(load_default="")
    medication = Text(load_default="")
    medication_location = Text(load_default="")
    allergies = Text(load_default="")
    mobility_needs = Text(load_default="")
    communication_needs = Text(load_default="")
    gp = fields.Nested(GPSchema, load_default=dict)
    other_care = Text(load_default="", metadata={"description": "Care already coming in"})
    routines = Text(load_default="")
    pets = Text(load_default="")
    can_be_left_alone = fields.Boolean(load_default=False)
    safe_alone_minutes = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=0, max=7 * 24 * 60)
    )

    @validates_schema
    def consistent(self, data, **kwargs):
        if not data.get("lives_with_carer", True) and not data.get("address"):
            raise ValidationError("give the address of someone who does not live with the carer", "address")
        if not data.get("can_be_left_alone") and data.get("safe_alone_minutes"):
            raise ValidationError(
                "leave this out, or set can_be_left_alone, for someone who cannot be left alone",
                "safe_alone_minutes",
            )


class AvailabilityWindowSchema(Schema):
    days = fields.List(
        fields.String(validate=validate.OneOf(WEEKDAYS)), required=True, validate=validate.Length(min=1, max=7)
    )
    from_ = fields.String(data_key="from", attribute="from", required=True,
                          validate=validate.Regexp(_CLOCK_TIME, error="must be HH:MM, 00:00 to 23:59"))
    to = fields.String(required=True, validate=validate.Regexp(_CLOCK_TIME, error="must be HH:MM, 00:00 to 23:59"))

    @validates_schema
    def has_length(self, data, **kwargs):
        if data.get("from") == data.get("to"):
            raise ValidationError("from and to must differ; leave availability empty for any time", "to")
        if len(set(data.get("days", []))) != len(data.get("days", [])):
            raise ValidationError("name each day once", "days")


class ConsentSchema(Schema):
    status = fields.String(load_default="pending", validate=validate.OneOf(CONSENT_STATUSES))
    recorded_on = CalendarDate(allow_none=True, load_default=None, validate=[_not_in_future, _plausible])

    @validates_schema
    def dated(self, data, **kwargs):
        if data.get("status", "pending") != "pending" and not data.get("recorded_on"):
            raise ValidationError("give the date consent was given or refused", "recorded_on")


class ContactSchema(Schema):
    id = Id(allow_none=True, load_default=None, metadata={"description": "Leave out for a new contact"})
    name = Name(required=True)
    relationship = Text(required=True, max_length=100, required_text=True, metadata={"example": "daughter"})
    mobile = MobileNumber(allow_none=True, load_default=None, landline_goes="put a landline in the landline box")
    landline = PhoneNumber(allow_none=True, load_default=None)
    availability = fields.List(
        fields.Nested(AvailabilityWindowSchema),
        load_default=list,
        validate=validate.Length(max=14),
        metadata={"description": "When the contact may be called, London time; "
                  "a window whose `to` is before its `from` runs overnight. Empty: any time."},
    )
    holds_key = fields.Boolean(load_default=False)
    language = fields.String(load_default="en", validate=validate.OneOf(language_codes()),
                             metadata={"description": "BCP 47 code of a configured language: the contact is asked in it"})
    consent = fields.Nested(ConsentSchema, load_default=lambda: {"status": "pending", "recorded_on": None})

    @validates_schema
    def reachable(self, data, **kwargs):
        if not data.get("mobile") and not data.get("landline"):
            raise ValidationError("give the contact's mobile or landline number", "mobile")


class HomeAccessSchema(Schema):
    how_to_get_in = Text(load_default="")
    key_holders = Text(load_default="", metadata={"description": "People outside the plan who hold a key"})
    has_key_safe_code = fields.Boolean(dump_only=True)


class EscalationSchema(Schema):
    wait_minutes = fields.Integer(strict=True, allow_none=True, load_default=None,
                                  validate=validate.Range(min=1, max=120),
                                  metadata={"description": "Wait for an answer before asking the next; empty: the service's"})
    rounds = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(min=1, max=10))
    channels = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("sms", "call", "both")))


class PlanSchema(Schema):
    status = fields.String(load_default="draft", validate=validate.OneOf(("draft", "active")))
    carer = fields.Nested(CarerSchema, required=True)
    cared_for = fields.List(fields.Nested(CaredForSchema), required=True, validate=validate.Length(min=1, max=10))
    home_access = fields.Nested(HomeAccessSchema, load_default=dict)
    contacts = fields.List(fields.Nested(ContactSchema), load_default=list, validate=validate.Length(max=10),
                           metadata={"description": "In the order they are to be asked"})
    instructions = Text(max_length=10000, load_default="")
    escalation = fields.Nested(EscalationSchema, load_default=dict)
    last_reviewed_on = CalendarDate(allow_none=True, load_default=None, validate=[_not_in_future, _plausible])
    review_due_on = CalendarDate(allow_none=True, load_default=None, validate=_plausible,
                                 metadata={"description": "Default: 12 months after the last review"})
    review_texts_opt_out = fields.Boolean(load_default=False, metadata={
        "description": "The carer is not texted two weeks before the review date"})


class PlanUpdateSchema(PlanSchema):
    status = fields.String(required=True, validate=validate.OneOf(("draft", "active", "suspended")))
    version = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=LARGEST_ID),
                             metadata={"description": "The version this change is based on"})


class PlanOutSchema(PlanSchema):
    id = fields.Integer()
    card_number = fields.String(metadata={"example": "4820175936"})
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PlanSummarySchema(Schema):
    id = fields.Integer()
    card_number = fields.String()
    status = fields.String()
    carer_name = fields.String()
    cared_for_names = fields.List(fields.String())
    postcode = fields.String()
    review_due_on = CalendarDate()


class PlanSearchArgs(Schema):
    name = Text(max_length=200, metadata={"description": "Part of the carer's or a cared-for person's name"})
    card_number = CardNumber()
    phone = PhoneNumber(metadata={"description": "The carer's or a contact's number"})
    postcode = PostcodeOrDistrict(metadata={"description": "A full postcode or a district (LS6)"})
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES),
                           metadata={"description": "Default: every status but archived"})


class DueForReviewArgs(Schema):
    within_days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=3650))


class ArchiveSchema(Schema):
    reason = Text(required=True, max_length=1000, required_text=True)


class EraseSchema(Schema):
    reason = Text(required=True, max_length=500, required_text=True,
                  metadata={"description": "Why, e.g. the request's reference; no personal details (it is kept)"})
    confirm = fields.String(required=True, validate=validate.Length(max=40),
                            metadata={"description": "The plan's card number, as a second confirmation"})


class ErasureSchema(Schema):
    plan_id = fields.Integer()
    erased_at = fields.DateTime()
    incidents_anonymised = fields.Integer()
    versions_removed = fields.Integer()


class KeySafeSchema(Schema):
    code = Text(required=True, allow_none=True, max_length=20,
                metadata={"description": "null removes the code"})


class ChangeSchema(Schema):
    field = fields.String()
    from_ = fields.Raw(data_key="from", attribute="from", allow_none=True)
    to = fields.Raw(allow_none=True)


class PlanVersionSchema(Schema):
    number = fields.Integer()
    changed_at = fields.DateTime()
    changed_by = fields.String()
    change = fields.String()
    reason = fields.String()
    changes = fields.List(fields.Nested(ChangeSchema))
    snapshot = fields.Dict(metadata={"description": "The plan after this change"})


class AuditEventSchema(Schema):
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    detail = fields.String()
