"""Twilio's webhooks. They verify, translate, and answer TwiML; they never call Twilio's API
(the sender does). The same request delivered twice has one effect: its answer is kept."""
import re
from functools import wraps

from flask import Blueprint, Response, current_app, request, url_for
from sqlalchemy import insert
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import hand_over
from emergency.incidents.models import Page
from emergency.incidents.vocabulary import IncidentStatus
from emergency.outbox.models import OutboxMessage
from emergency.phones import PhoneNumberError, normalise_phone
from emergency.plans.cards import CARD_NUMBER_LENGTH
from emergency.records import get_or_none
from emergency.telephony import ask_calls, card_calls, delivery_status, incoming_texts, putting_through, spool, twiml
from emergency.telephony.models import InboundRequest, PutThrough, sms_request_key
from emergency.telephony.replies import keypad_digits
from emergency.telephony.spoken_digits import spoken_digits
from emergency.telephony.vocabulary import CallOutcome
from emergency.wording import phrase, prompts
from emergency.wording.languages import LANGUAGES, is_configured, spoken

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
        return xml(_put_through_without_records(phrase("voice.putting_through"), fallback))
    if request.endpoint == "twilio.put_through_screen_answer":
        return xml(twiml.screened_in())  # a person pressed 1; keeping no record beats losing the caller
    if request.endpoint == "twilio.put_through_next":
        fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
        return xml(_put_through_without_records(phrase("voice.still_trying"), fallback))
    return xml(twiml.say_and_hang_up(phrase("voice.fault_goodbye")))


def _keep_the_text(error: Exception) -> str:
    """The database could not be reached: the text is kept on disk, to be handled when it can.
    Anything else has already been handed to a person (webhooks.sms); reaching here means even
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
            session.add(InboundRequest(**record))
            session.commit()
        else:
            # An answer that read and wrote nothing (HELP): the record is the only
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


def _dedicated_language() -> str | None:
    """The language of the number called, when that number is dedicated to one."""
    try:
        called = normalise_phone(request.form.get("To", "").strip())
    except PhoneNumberError:
        return None
    return (current_app.config["LINE_NUMBER_LANGUAGES"] or {}).get(called)


def codes() -> list[str]:
    """The languages the line's menu offers."""
    return current_app.config["LINE_LANGUAGES"]


def _in_url(language: str) -> str | None:
    return None if language == "en" else language


def _caller_language() -> str:
    chosen = request.args.get("language", "en")
    return chosen if is_configured(chosen) else "en"


def _recordings(language: str) -> dict[str, str]:
    """The council's recordings for a language Twilio has no voice for: {phrase key: address}."""
    if spoken(language) == language:
        return {}
    return {key: url_for("twilio.prompt", language=language, key=key) for key in prompts.recorded(language)}


def _ask_for_card(language: str, welcomed: bool) -> str:
    apology = None
    if spoken(language) != language:
        apology = phrase("voice.no_voice_apology", language_name=LANGUAGES[language].english_name)
    return twiml.ask_for_card(url_for("twilio.voice_card", attempt=1, language=_in_url(language)), retry=False,
                              language=language, welcomed=welcomed, apology=apology,
                              recordings=_recordings(language))


@blp.get("/prompts/<language>/<key>")
def prompt(language, key):
    """A recording for <Play>. Fetched by Twilio unsigned; it holds only the line's fixed words."""
    recording = db.session.get(prompts.RecordedPrompt, (key, language)) if key in prompts.RECORDABLE else None
    if recording is None:
        return Response("no such recording", status=404, mimetype="text/plain")
    return Response(recording.audio, mimetype=recording.content_type, headers={"Cache-Control": "max-age=300"})


@blp.post("/voice")
@signed_by_twilio
def voice():
    """The language menu first, unless the number called speaks one language or only one is set."""
    dedicated = _dedicated_language()
    if dedicated or len(codes()) == 1:
        return xml(_ask_for_card(dedicated or codes()[0], welcomed=False))
    return xml(twiml.language_menu(url_for("twilio.voice_language"), codes()))


@blp.post("/voice/language")
@signed_by_twilio
def voice_language():
    """The key pressed in the language menu; no key (or one not offered) is English."""
    digit = keypad_digits(request.form.get("Digits"))[:1]
    offered = codes()
    chosen = offered[int(digit) - 1] if digit.isdigit() and 1 <= int(digit) <= len(offered) else "en"
    return xml(_ask_for_card(chosen, welcomed=True))


@blp.post("/voice/card")
@signed_by_twilio
def voice_card():
    attempt = 2 if request.args.get("attempt") == "2" else 1
    language = _caller_language()
    keyed = keypad_digits(request.form.get("Digits"))
    heard = "" if keyed else spoken_digits(request.form.get("SpeechResult", "")[:500])
    if heard and len(heard) == CARD_NUMBER_LENGTH:
        # Said, not keyed: read it back before acting on it (Confidence, often missing, is not needed).
        confirm = url_for("twilio.voice_card_confirm", attempt=attempt, language=_in_url(language), card=heard)
        return xml(twiml.confirm_card(heard, confirm, language))
    return _card(keyed or heard, attempt, language)


@blp.post("/voice/card/confirm")
@signed_by_twilio
def voice_card_confirm():
    """1: the card number read back is right. Anything else counts as a miss, as a wrong number would."""
    attempt = 2 if request.args.get("attempt") == "2" else 1
    language = _caller_language()
    card = request.args.get("card", "")
    confirmed = keypad_digits(request.form.get("Digits"))[:1] == "1"
    return _card(card if confirmed and card.isdigit() and card.isascii() else "", attempt, language)


def _card(digits: str, attempt: int, language: str):
    caller, call = sender_number(), twilio_id("CallSid")

    def answer():
        now = utc_now()
        try:
            outcome, said = card_calls.card_by_keypad(caller, digits, attempt == 1, now, language)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("call from %s could not be handled", caller)
            outcome, said = CallOutcome.CONNECT, card_calls.connect_after_error(caller, now)
        if outcome == CallOutcome.RETRY:
            return twiml.ask_for_card(url_for("twilio.voice_card", attempt=2, language=_in_url(language)), retry=True,
                                      language=language, recordings=_recordings(language))
        if outcome == CallOutcome.OPENED:
            return twiml.say_and_hang_up(said, language)
        return _start_put_through(said, call, now, language)

    return once(f"voice:{call}:card:{attempt}" if call else None, answer)


# Putting a caller through: one person at a time, each leg screened ("press 1 to take it").

_NO_RECORDS = 0  # the put-through id used when the database could not be reached


def _put_through_urls(put_through_id: int, leg: int) -> tuple[str, str]:
    return (url_for("twilio.put_through_screen", put_through_id=put_through_id, leg=leg),
            url_for("twilio.put_through_next", put_through_id=put_through_id, leg=leg))


def _put_through_without_records(words: str, fallback: str | None) -> str:
    """With no database: the fallback number alone, still screened, so a voicemail cannot take it."""
    if not fallback:
        return twiml.nobody_reached()
    return twiml.put_through(words, fallback, *_put_through_urls(_NO_RECORDS, 0))


def _start_put_through(plan, call_sid: str | None, now, language: str = "en") -> str:
    if plan.incident_id is None:
        return _put_through_without_records(plan.words, plan.people[0][1] if plan.people else None)
    said_in = spoken(language)
    if not plan.people:
        words = phrase("voice.person_will_call_back", said_in) if plan.told else phrase("voice.sorry_nobody_reached",
                                                                                         said_in)
        return twiml.say_and_hang_up(words, said_in)
    put_through = putting_through.start_put_through(plan, call_sid, now)
    putting_through.leg_rung(put_through, 0, now)
    return twiml.put_through(plan.words, plan.people[0][1], *_put_through_urls(put_through.id, 0), language=said_in)


def _leg() -> int:
    leg = request.args.get("leg", "0")
    return int(leg) if leg.isdigit() and len(leg) <= 2 else 0


def _put_through(put_through_id: int) -> PutThrough | None:
    return get_or_none(PutThrough, put_through_id)


@blp.post("/put-through/<int:put_through_id>/screen")
@signed_by_twilio
def put_through_screen(put_through_id):
    return xml(twiml.screen(url_for("twilio.put_through_screen_answer", put_through_id=put_through_id, leg=_leg())))


@blp.post("/put-through/<int:put_through_id>/screen/answer")
@signed_by_twilio
def put_through_screen_answer(put_through_id):
    """1 takes the call; anything else, or nothing (a voicemail), ends this leg untaken."""
    if keypad_digits(request.form.get("Digits"))[:1] != "1":
        return xml(twiml.hang_up())
    put_through, leg = _put_through(put_through_id), _leg()
    if put_through is None or leg >= len(put_through.people):
        return xml(twiml.screened_in())

    def answer():
        if putting_through.leg_taken(put_through, leg, utc_now()):
            return twiml.screened_in()
        return twiml.say_and_hang_up(phrase("voice.someone_else_took"))

    return once(f"put-through:{put_through_id}:{leg}:taken", answer)


@blp.post("/put-through/<int:put_through_id>/next")
@signed_by_twilio
def put_through_next(put_through_id):
    """The Dial's action: end the call if the person took it, else ring the next one."""
    put_through, leg = _put_through(put_through_id), _leg()
    if put_through is None or leg >= len(put_through.people):
        return xml(twiml.say_and_hang_up(phrase("voice.after_unrecorded")))
    dial_status = request.form.get("DialCallStatus", "").lower()
    dial_status = dial_status if re.fullmatch(r"[a-z\-]{1,20}", dial_status) else ""
    duration = request.form.get("DialCallDuration", "")
    seconds = int(duration) if duration.isdigit() and len(duration) < 9 else None
    caller_gone = request.form.get("CallStatus", "").lower() in ("completed", "canceled")

    def answer():
        now = utc_now()
        if putting_through.leg_ended(put_through, leg, dial_status, seconds, now) or caller_gone:
            return twiml.hang_up()
        following = leg + 1
        if following >= len(put_through.people):
            putting_through.nobody_took_the_call(put_through, now)
            return twiml.nobody_reached()
        putting_through.leg_rung(put_through, following, now)
        return twiml.put_through(phrase("voice.still_trying.stay"),
                                 put_through.people[following][1], *_put_through_urls(put_through.id, following))

    return once(f"put-through:{put_through_id}:{leg}:next", answer)


def _page(page_id: int) -> Page | None:
    return get_or_none(Page, page_id)


@blp.post("/ask/<int:page_id>")
@signed_by_twilio
def ask(page_id):
    page = _page(page_id)
    said_in = spoken(page.language) if page else "en"
    if page is None or page.incident.status not in (IncidentStatus.OPEN, IncidentStatus.EXHAUSTED):
        return xml(twiml.say_and_hang_up(phrase("ask.call.already_covered", said_in), said_in))
    attempt = 2 if request.args.get("attempt") == "2" else 1
    return xml(twiml.ask_by_phone(ask_calls.ask_words(page), url_for("twilio.ask_answer", page_id=page_id, attempt=attempt),
                                  said_in))


@blp.post("/ask/<int:page_id>/answer")
@signed_by_twilio
def ask_answer(page_id):
    page = _page(page_id)
    if page is None:
        return xml(twiml.say_and_hang_up(phrase("ask.call.goodbye")))
    attempt = 2 if request.args.get("attempt") == "2" else 1
    digit = keypad_digits(request.form.get("Digits"))[:1]
    said_in = spoken(page.language)

    def answer():
        now = utc_now()
        if digit == "1":
            said = ask_calls.keypress(page, digit, now)
            if _accepted_by(page):
                return Answer(twiml.say_and_hang_up(said, said_in), kept=accepted_kept(said_in))
            return twiml.say_and_hang_up(said, said_in)
        if digit == "2":
            return twiml.say_and_hang_up(ask_calls.keypress(page, digit, now), said_in)
        if attempt == 1:
            return twiml.repeat_ask(url_for("twilio.ask", page_id=page_id, attempt=2))
        ask_calls.unanswered_call(page, now)
        return twiml.say_and_hang_up(phrase("ask.call.no_key", said_in), said_in)

    def again(kept):
        """Twilio repeats a request when the first answer did not reach it, so the accepter
        may not have heard the essentials: read them again from the plan as it is now, while
        the incident is still theirs."""
        if kept == accepted_kept(said_in) and _accepted_by(page):
            return twiml.say_and_hang_up(phrase("ask.call.thanks_for_going", said_in)
                                         + ask_calls.essentials(page, utc_now()), said_in)
        return kept

    call = twilio_id("CallSid")
    return once(f"ask:{call}:{page_id}:{attempt}" if call else None, answer, again)


def accepted_kept(language: str) -> str:
    """What is kept for a repeat of an acceptance: no secret, only the thanks."""
    return twiml.say_and_hang_up(phrase("ask.call.accepted_kept", language), language)


def _accepted_by(page: Page) -> bool:
    return page.incident.status == IncidentStatus.ACCEPTED and page.incident.accepted_page_id == page.id


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
