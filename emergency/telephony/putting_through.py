"""Putting a caller through to people, one at a time: who is rung, which leg took the call, and
each leg on the incident's timeline. Callers commit."""
from sqlalchemy import update

from emergency.extensions import db
from emergency.incidents import timeline
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import EventKind
from emergency.telephony.models import PutThrough


class PutThroughPlan:
    """What a caller put through to people hears first, who is rung in order, the incident
    the call is recorded on (None when the database could not be reached), and whether a
    person was told by text or email to call them back."""

    def __init__(self, words: str, people: list[list[str]], incident_id: int | None, told: bool = False):
        self.words, self.people, self.incident_id, self.told = words, people, incident_id, told


def start_put_through(plan: PutThroughPlan, call_sid: str | None, now) -> PutThrough:
    put_through = PutThrough(incident_id=plan.incident_id, call_sid=call_sid, people=plan.people, created_at=now)
    db.session.add(put_through)
    db.session.flush()
    return put_through


def leg_rung(put_through: PutThrough, leg: int, now) -> None:
    name, number = put_through.people[leg]
    _note_call(put_through, now, f"rang {name} ({number}), leg {leg + 1} of {len(put_through.people)}")


def leg_taken(put_through: PutThrough, leg: int, now) -> bool:
    """A key press on the screened leg: the person takes the call. Only one leg can."""
    taken = db.session.execute(
        update(PutThrough).where(PutThrough.id == put_through.id, PutThrough.taken_leg.is_(None))
        .values(taken_leg=leg).execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.refresh(put_through)
    if taken:
        name, number = put_through.people[leg]
        _note_call(put_through, now, f"{name} ({number}) pressed 1 and took the call")
    return put_through.taken_leg == leg


def leg_ended(put_through: PutThrough, leg: int, dial_status: str, seconds: int | None, now) -> bool:
    """The Dial for one leg is over. True when a person took the call (the chain ends);
    False when it moves on: not answered, busy, or answered without a key press (a voicemail)."""
    name, _ = put_through.people[leg]
    took = put_through.taken_leg == leg and dial_status in ("completed", "answered")
    length = f" after {seconds} s" if seconds is not None else ""
    if took:
        outcome = f"{name}: talked with the caller{length}"
    elif dial_status in ("completed", "answered"):
        outcome = f"{name}: answered but no key was pressed (a voicemail or a hang-up){length}; moving on"
    else:
        outcome = f"{name}: not taken ({dial_status or 'no status'}){length}; moving on"
    _note_call(put_through, now, outcome)
    return took


def nobody_took_the_call(put_through: PutThrough, now) -> None:
    _note_call(put_through, now, "nobody took the call; the caller was told to call 999 if in danger or call again")


def _note_call(put_through: PutThrough, now, detail: str) -> None:
    if put_through.incident_id is not None:
        timeline.note(db.session.get(Incident, put_through.incident_id), now, EventKind.PUT_THROUGH, detail)
