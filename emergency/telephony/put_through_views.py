"""Twilio's webhooks while a caller is put through: the screen a person hears, their key press,
and the end of each leg, which rings the next person."""
import re

from flask import request, url_for

from emergency.clock import utc_now
from emergency.records import get_or_none
from emergency.telephony import putting_through, twiml
from emergency.telephony.models import PutThrough
from emergency.telephony.put_through_twiml import put_through_urls
from emergency.telephony.replies import keypad_digits
from emergency.telephony.twilio_requests import blp, once, signed_by_twilio, xml
from emergency.wording import phrase

# Putting a caller through: one person at a time, each leg screened ("press 1 to take it").


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
                                 put_through.people[following][1], *put_through_urls(put_through.id, following))

    return once(f"put-through:{put_through_id}:{leg}:next", answer)
