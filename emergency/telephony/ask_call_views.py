"""Twilio's webhooks for a call that asks a person to help: the ask read out, and the key they
press (a repeat of an acceptance reads the essentials again)."""
from flask import request, url_for

from emergency.clock import utc_now
from emergency.incidents.models import Page
from emergency.incidents.vocabulary import IncidentStatus
from emergency.records import get_or_none
from emergency.telephony import ask_calls, twiml
from emergency.telephony.replies import keypad_digits
from emergency.telephony.twilio_requests import Answer, blp, once, signed_by_twilio, twilio_id, xml
from emergency.wording import phrase
from emergency.wording.languages import spoken


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
