"""GOV.UK Notify's callbacks: texts received on the line's Notify inbound number, and delivery
receipts for what Notify sent. They verify Notify's bearer token, translate, and answer; they
never call Notify (the sender does).

A received text is handled exactly as one through Twilio (emergency.telephony.incoming_texts), once
per Notify message id; Notify cannot carry a reply in its answer, so the reply goes through the
outbox. Notify tries a callback again when it gets a 5xx or no answer, never after a 4xx: a
body that cannot be read gets a 400 naming the field, and a database that cannot take a text
has it kept on disk (emergency.telephony.spool) and answered 200.
"""
import hmac
from functools import wraps

from flask import Blueprint, current_app, jsonify, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from werkzeug.exceptions import HTTPException

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.outbox import delivery_reports, notify_transport
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.phones import PhoneNumberError, normalise_phone
from emergency.telephony import incoming_texts, spool
from emergency.telephony.models import InboundRequest, sms_request_key

blp = Blueprint("notify", __name__, url_prefix="/notify")


class ReceivedText(Schema):
    class Meta:
        unknown = EXCLUDE  # Notify may add fields

    id = fields.UUID(required=True)
    source_number = fields.String(required=True, validate=validate.Regexp(r"^\+?[0-9 ]{3,20}$",
                                                                         error="Not a phone number."))
    message = fields.String(required=True, validate=validate.Length(max=5000))


class DeliveryReceipt(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.Regexp(r"^[a-z\-]{1,30}$", error="Not a status."))


def bearer_from_notify(view):
    """Only Notify knows the token; anything else gets 401 and changes nothing."""

    @wraps(view)
    def checked(*args, **kwargs):
        expected = current_app.config["NOTIFY_CALLBACK_TOKEN"]
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
            current_app.logger.warning("notify callback refused: no valid bearer token for %s", request.path)
            response = jsonify(message="A valid bearer token is required.")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response, 401
        return view(*args, **kwargs)

    return checked


def _parsed(schema: Schema) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError({"json": ["The body must be a JSON object."]})
    return schema.load(body)


@blp.errorhandler(ValidationError)
def malformed(error):
    return jsonify(errors=error.messages), 400


@blp.errorhandler(Exception)
def kept_or_tried_again(error):
    """A received text the database cannot take is kept on disk and answered 200; anything
    else gets a 500, and Notify sends it again later."""
    if isinstance(error, HTTPException):  # a body that is not JSON, too large, a wrong method: said in JSON
        errors = (getattr(error, "data", None) or {}).get("errors") or {"request": [error.description]}
        return jsonify(errors=errors), error.code
    db.session.rollback()
    current_app.logger.exception("notify callback %s failed", request.path)
    if request.endpoint == "notify.received_text":
        text = _safely_parsed(ReceivedText())
        if text is not None and spool.keep(_spool_id(text["id"]), _sender(text["source_number"]), text["message"],
                                           utc_now()):
            return jsonify(kept=True), 200
    return jsonify(message="Not handled; please try again."), 500


def _safely_parsed(schema: Schema) -> dict | None:
    try:
        return _parsed(schema)
    except ValidationError:
        return None


def _spool_id(notify_id) -> str:
    """The id a kept text is known by: its replay record is sms_request_key of it."""
    return f"notify:{notify_id}"


def _sender(source_number: str) -> str:
    """Notify gives numbers in international form without the plus (447700900123)."""
    raw = source_number.replace(" ", "")
    if not raw.startswith(("+", "0")):
        raw = "+" + raw
    try:
        return normalise_phone(raw)
    except PhoneNumberError:
        return raw  # a number phonenumbers does not know is kept as sent, never dropped


@blp.post("/received-text")
@bearer_from_notify
def received_text():
    """A text to the line's Notify inbound number: handled as a text through Twilio is."""
    text = _parsed(ReceivedText())
    key, sender, now = sms_request_key(_spool_id(text["id"])), _sender(text["source_number"]), utc_now()
    if db.session.get(InboundRequest, key) is not None:
        return jsonify(handled="already"), 200
    try:
        reply = incoming_texts.handle_text(sender, text["message"], now)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("text from %s through Notify could not be handled", sender)
        reply = incoming_texts.text_after_error(sender, now)
    if reply:
        queue_message(key=f"notify-text:{text['id']}:reply", channel=Channel.SMS, to_number=sender, body=reply,
                      purpose=Purpose.TEXT_REPLY, now=now)
    db.session.add(InboundRequest(key=key, received_at=now, answer=reply or ""))
    try:
        db.session.commit()
    except Exception:
        # The same text delivered twice at once: the delivery that committed first has its effect.
        db.session.rollback()
        if db.session.get(InboundRequest, key) is None:
            raise
        return jsonify(handled="already"), 200
    return jsonify(handled="now"), 200


@blp.post("/delivery-receipt")
@bearer_from_notify
def delivery_receipt():
    """How a text or email Notify took has fared: recorded in the outbox as Twilio's reports are."""
    receipt = _parsed(DeliveryReceipt())
    delivery_reports.record(str(receipt["id"]), notify_transport.delivery_report(receipt["status"]), utc_now())
    db.session.commit()
    return "", 204
