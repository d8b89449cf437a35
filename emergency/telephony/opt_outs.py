"""Numbers that texted STOP: asks to them go by call only, and coordinators can see them."""
from sqlalchemy import select, update

from emergency.extensions import db
from emergency.rota.models import DutyOfficer
from emergency.telephony.models import SmsOptOut


def opt_out(phone: str, now) -> None:
    if db.session.get(SmsOptOut, phone) is None:
        db.session.add(SmsOptOut(phone=phone, opted_out_at=now))
    db.session.execute(update(DutyOfficer).where(DutyOfficer.mobile == phone, DutyOfficer.sms_opted_out_at.is_(None))
                       .values(sms_opted_out_at=now))


def opt_in(phone: str) -> None:
    opted_out = db.session.get(SmsOptOut, phone)
    if opted_out is not None:
        db.session.delete(opted_out)
    db.session.execute(update(DutyOfficer).where(DutyOfficer.mobile == phone).values(sms_opted_out_at=None))


def blocked_numbers() -> frozenset[str]:
    return frozenset(db.session.scalars(select(SmsOptOut.phone)))


def opt_outs():
    return select(SmsOptOut).order_by(SmsOptOut.opted_out_at.desc())
