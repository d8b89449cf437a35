"""Twilio's requests about what the outbox sent: the words a call says, and delivery status callbacks."""
import re

from flask import Response, request

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.outbox.models import OutboxMessage
from emergency.records import get_or_none
from emergency.telephony import delivery_status, twiml
from emergency.telephony.twilio_requests import blp, signed_by_twilio, twilio_id, xml
from emergency.wording import phrase


@blp.post("/say/<int:message_id>")
@signed_by_twilio
def say(message_id):
    message = get_or_none(OutboxMessage, message_id)
    return xml(twiml.say_and_hang_up(message.body if message else phrase("voice.goodbye")))


@blp.post("/status")
@signed_by_twilio
def status():
    form = request.form
    provider_id = twilio_id("MessageSid") or twilio_id("CallSid")
    state = (form.get("MessageStatus") or form.get("CallStatus") or "").lower()
    sequence = form.get("SequenceNumber", "")
    error_code = form.get("ErrorCode", "")
    if provider_id and re.fullmatch(r"[a-z\-]{1,20}", state):
        delivery_status.delivery_report(provider_id, state, error_code if error_code.isdigit() else None,
                                        int(sequence) if sequence.isdigit() and len(sequence) < 9 else None, utc_now())
        db.session.commit()
    return Response("", status=204)
