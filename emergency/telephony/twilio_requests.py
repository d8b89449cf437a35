"""Twilio's webhooks: the blueprint the view modules add their views to, and what they share.
They verify, translate, and answer TwiML; they never call Twilio's API (the sender does). The
same request delivered twice has one effect: its answer is kept. Whatever fails, Twilio still
gets TwiML."""
import re
from functools import wraps

from flask import Blueprint, Response, current_app, request
from sqlalchemy import insert
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import hand_over
from emergency.phones import PhoneNumberError, normalise_phone
from emergency.telephony import spool, twiml
from emergency.telephony.models import InboundRequest
from emergency.telephony.put_through_twiml import put_through_without_records
from emergency.wording import phrase

blp = Blueprint("twilio", __name__, url_prefix="/twilio")
_PLAIN_NUMBER = re.compile(r"^\+?[0-9]{3,15}$")
_TWILIO_ID = re.compile(r"^[A-Za-z0-9]{2,64}$")


def twilio_id(field: str) -> str | None:
    """A MessageSid or CallSid, or None for anything that is not one."""
    value = request.form.get(field, "")
    return value if _TWILIO_ID.match(value) else None


def public_url() -> str:
    """The URL exactly as Twilio called it. Behind a proxy request.url has the wrong scheme and
    host, and Werkzeug re-encodes the query string, so build it from the configured base."""
    query = request.environ.get("QUERY_STRING", "")
    path = request.environ.get("SCRIPT_NAME", "") + request.environ.get("PATH_INFO", "")
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path + (f"?{query}" if query else "")


def signed_by_twilio(view):
    @wraps(view)
    def checked(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature", "")
        tokens = [t for t in (current_app.config["TWILIO_AUTH_TOKEN"], current_app.config["TWILIO_AUTH_TOKEN_SECONDARY"]) if t]
        url = public_url()
        if not signature or not any(RequestValidator(token).validate(url, request.form, signature) for token in tokens):
            current_app.logger.warning("twilio webhook refused: no valid signature for %s", url)
            return Response("signature required", status=403, mimetype="text/plain")
        return view(*args, **kwargs)

    return checked


def xml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


_CALLER_ENDPOINTS = ("twilio.voice", "twilio.voice_language", "twilio.voice_card", "twilio.voice_card_confirm")


@blp.errorhandler(Exception)
def answer_whatever_went_wrong(error):
    """Whatever fails, Twilio gets TwiML: a caller is put through to the fallback number
    (no database needed), a texter is told to call; never Twilio's own error message."""
    if isinstance(error, HTTPException):
        return error
    db.session.rollback()
    current_app.logger.exception("twilio webhook %s failed", request.path)
    if request.endpoint == "twilio.status":
        return Response("", status=500)  # not a person waiting; Twilio logs it for us
    if request.endpoint == "twilio.sms":
        return xml(twiml.text_reply(_keep_the_text(error)))
    if request.endpoint in _CALLER_ENDPOINTS:
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        if not fallback:
            hand_over.nobody_reached(None, utc_now(), f"a call from {sender_number()} failed and there is no fallback "
                                                      f"number to put it through to", what="call")
        return xml(put_through_without_records(phrase("voice.putting_through"), fallback))
    if request.endpoint == "twilio.put_through_screen_answer":
        return xml(twiml.screened_in())  # a person pressed 1; keeping no record beats losing the caller
    if request.endpoint == "twilio.put_through_next":
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        return xml(put_through_without_records(phrase("voice.still_trying"), fallback))
    return xml(twiml.say_and_hang_up(phrase("voice.fault_goodbye")))


def _keep_the_text(error: Exception) -> str:
    """The database could not be reached: the text is kept on disk, to be handled when it can.
    Anything else has already been handed to a person (sms_views.sms); reaching here means even
    that failed, a fault of ours, and keeping the text beats losing it."""
    sid, sender = twilio_id("MessageSid"), sender_number()
    if not spool.keeps(error):
        hand_over.nobody_reached(None, utc_now(), f"a text from {sender} could neither be handled nor handed to a "
                                                  f"person ({type(error).__name__}); kept on disk", what="text")
    kept = bool(sid and sender) and spool.keep(sid, sender, request.form.get("Body", ""), utc_now())
    if not kept:
        hand_over.nobody_reached(None, utc_now(), f"a text from {sender} could not even be kept on disk", what="text")
    return phrase("text.kept_please_call") if kept else phrase("text.sorry_please_call")


class Answer(str):
    """TwiML to give now, with a form to keep for repeats that holds no secret: the plan's
    essentials read out to an accepter are never stored (they would outlive a change of the
    key-safe code, and the record itself)."""

    def __new__(cls, given: str, kept: str):
        answer = super().__new__(cls, given)
        answer.kept = kept
        return answer


def once(key: str | None, answer, again=None):
    """Answer a Twilio request; a repeat of the same request gets the first answer again, or
    what again(kept answer) makes of it (re-rendered from the database as it now stands). The
    effect and the record of the answer commit together. Without a key (no valid Sid) there is
    nothing to recognise a repeat by."""
    if key is None:
        body = answer()
        db.session.commit()
        return xml(body)
    # No look for the record first: that was a round trip on every request to spare a rare
    # repeat some work. A repeat's effect is rolled back when its record clashes with the first's.
    try:
        body = answer()
        record = {"key": key, "received_at": utc_now(), "answer": getattr(body, "kept", body)}
        session = db.session()
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            session.execute(insert(InboundRequest), record)  # a plain INSERT: no unit of work for one row
            session.commit()
        else:
            # An answer that neither read nor wrote: the record is the only
            # write, atomic by itself, so one round trip instead of BEGIN, INSERT and COMMIT.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(insert(InboundRequest), record)
    except Exception:
        # The same request delivered again (or twice at once): the delivery that committed first
        # has its effect; ours (or its failure, the first having changed things) is rolled back
        # and we give its answer.
        db.session.rollback()
        done = db.session.get(InboundRequest, key)
        if done is None:
            raise
        return xml(again(done.answer) if again else done.answer)
    return xml(str(body))


def sender_number() -> str | None:
    """E.164 where possible; a number phonenumbers does not know (a new range, a foreign
    network) is kept as sent rather than dropping someone's emergency."""
    raw = request.form.get("From", "").strip()
    try:
        return normalise_phone(raw)
    except PhoneNumberError:
        return raw if _PLAIN_NUMBER.match(raw) else None
