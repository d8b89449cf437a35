"""Twilio's webhook for a text to the line: handled once, answered with the reply."""
from flask import current_app, request

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.telephony import incoming_texts, spool, twiml
from emergency.telephony.models import sms_request_key
from emergency.telephony.twilio_requests import blp, once, sender_number, signed_by_twilio, twilio_id, xml


@blp.post("/sms")
@signed_by_twilio
def sms():
    sid, sender = twilio_id("MessageSid"), sender_number()
    if not sid or sender is None:
        return xml(twiml.text_reply(None))

    def answer():
        try:
            return twiml.text_reply(incoming_texts.handle_text(sender, request.form.get("Body", ""), utc_now()))
        except Exception as error:
            db.session.rollback()
            if spool.keeps(error):
                raise  # the database cannot be reached: the text is kept on disk
            # A statement refused, a bug: the database answers, so a person is told now.
            current_app.logger.exception("sms from %s could not be handled", sender)
            return twiml.text_reply(incoming_texts.text_after_error(sender, utc_now()))

    return once(sms_request_key(sid), answer)
