"""Numbers that texted STOP: a fact about a phone number, which the outbox honours. Asks to
them go by call only, and coordinators can see them."""
from sqlalchemy import select

from emergency.extensions import db
from emergency.outbox.models import SmsOptOut


def opt_out(phone: str, now) -> None:
    if db.session.get(SmsOptOut, phone) is None:
        db.session.add(SmsOptOut(phone=phone, opted_out_at=now))


def opt_in(phone: str) -> None:
    opted_out = db.session.get(SmsOptOut, phone)
    if opted_out is not None:
        db.session.delete(opted_out)


def opted_out_at(phone: str | None):
    """When this number texted STOP, or None while texts may reach it."""
    opted_out = db.session.get(SmsOptOut, phone) if phone else None
    return opted_out.opted_out_at if opted_out else None


def blocked_numbers() -> frozenset[str]:
    """Every number that texted STOP: for the engine's tick, which asks many people at once."""
    return frozenset(db.session.scalars(select(SmsOptOut.phone)))


class OptedOutAmong:
    """Which numbers texted STOP (`number in ...`), for one opening or alert: the numbers named
    here are read in one query, any other when first asked about, never the whole list, which
    grows with every STOP the line has had."""

    def __init__(self, numbers=()):
        wanted = {number for number in numbers if number}
        self._opted_out = dict.fromkeys(wanted, False)
        if wanted:
            self._opted_out.update(dict.fromkeys(
                db.session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(wanted))), True))

    def __contains__(self, number) -> bool:
        if number not in self._opted_out:
            self._opted_out[number] = opted_out_at(number) is not None
        return self._opted_out[number]


def opt_outs():
    return select(SmsOptOut).order_by(SmsOptOut.opted_out_at.desc())
