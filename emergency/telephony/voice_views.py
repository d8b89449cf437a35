"""Twilio's webhooks for a call to the line: the language menu, the council's recordings, the
card number keyed or said (and read back), and what follows: the words, or a put-through."""
from flask import Response, current_app, request, url_for

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.phones import PhoneNumberError, normalise_phone
from emergency.plans.cards import CARD_NUMBER_LENGTH
from emergency.telephony import card_calls, putting_through, twiml
from emergency.telephony.put_through_twiml import put_through_urls, put_through_without_records
from emergency.telephony.replies import keypad_digits
from emergency.telephony.spoken_digits import spoken_digits
from emergency.telephony.twilio_requests import blp, once, sender_number, signed_by_twilio, twilio_id, xml
from emergency.telephony.vocabulary import CallOutcome
from emergency.wording import phrase, prompts
from emergency.wording.languages import LANGUAGES, is_configured, spoken


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


def _start_put_through(plan, call_sid: str | None, now, language: str = "en") -> str:
    if plan.incident_id is None:
        return put_through_without_records(plan.words, plan.people[0][1] if plan.people else None)
    said_in = spoken(language)
    if not plan.people:
        words = phrase("voice.person_will_call_back", said_in) if plan.told else phrase("voice.sorry_nobody_reached",
                                                                                         said_in)
        return twiml.say_and_hang_up(words, said_in)
    put_through = putting_through.start_put_through(plan, call_sid, now)
    putting_through.leg_rung(put_through, 0, now)
    return twiml.put_through(plan.words, plan.people[0][1], *put_through_urls(put_through.id, 0), language=said_in)
