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
    return frozenset(db.session.scalars(select(SmsOptOut.phone)))


def opt_outs():
    return select(SmsOptOut).order_by(SmsOptOut.opted_out_at.desc())
