"""The 6-digit codes that confirm a carer's mobile: texted through the outbox within the limits,
kept as a keyed hash, good for a few minutes and a few tries."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from emergency.applications.limits import CodeCounts, code_refusal
from emergency.applications.models import MobileCode
from emergency.applications.settings import FrontDoorSettings
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.wording import phrase


class CodeRefused(DomainError):
    """A limit stops the text: `which` is 'number', 'address' or 'everyone'."""

    status_code = 429

    def __init__(self, which: str):
        super().__init__(f"no more codes for now ({which})", "code")
        self.which = which


def _hash(code: str, settings: FrontDoorSettings) -> str:
    return hmac.new(settings.secret_key.encode(), f"mobile-code:{code}".encode(), hashlib.sha256).hexdigest()


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(MobileCode.id)).where(*conditions))


def counts(number: str, address: str, now) -> CodeCounts:
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    return CodeCounts(
        to_number_last_day=_count(MobileCode.to_number == number, MobileCode.sent_at > day_ago),
        from_address_last_hour=_count(MobileCode.address_hash == address, MobileCode.sent_at > hour_ago),
        everyone_last_hour=_count(MobileCode.sent_at > hour_ago))


def send_code(number: str, *, address: str, now, settings: FrontDoorSettings, language: str,
              draft_id: int | None = None) -> MobileCode:
    """Texts a new code to a UK mobile (the caller has checked it is one); raises CodeRefused at a limit.
    Earlier codes for the same draft stop working."""
    refusal = code_refusal(counts(number, address, now), settings)
    if refusal:
        raise CodeRefused(refusal)
    if draft_id is not None:
        for earlier in db.session.scalars(select(MobileCode).where(MobileCode.draft_id == draft_id,
                                                                   MobileCode.used_at.is_(None))):
            earlier.used_at = now
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = MobileCode(draft_id=draft_id, to_number=number, address_hash=address, code_hash=_hash(code, settings),
                     sent_at=now, expires_at=now + settings.code_lifetime, tries=0)
    db.session.add(row)
    db.session.flush()
    minutes = int(settings.code_lifetime.total_seconds() // 60)
    queue_message(key=f"mobile-code-{row.id}", channel=Channel.SMS, to_number=number,
                  body=phrase("front_door.code_text", language, code=code, minutes=minutes),
                  purpose=Purpose.MOBILE_CODE, now=now)
    return row


def latest_code(draft_id: int) -> MobileCode | None:
    return db.session.scalar(select(MobileCode).where(MobileCode.draft_id == draft_id)
                             .order_by(MobileCode.sent_at.desc(), MobileCode.id.desc()).limit(1))


def check_code(row: MobileCode | None, typed: str, *, now, settings: FrontDoorSettings) -> str:
    """'confirmed', 'wrong', 'expired' or 'no_tries_left' (both need a new code), 'none' (no code sent)."""
    if row is None:
        return "none"
    if row.used_at is not None or row.expires_at <= now:
        return "expired"
    if row.tries >= settings.code_tries:
        return "no_tries_left"
    row.tries += 1
    if hmac.compare_digest(row.code_hash, _hash(typed.strip(), settings)):
        row.used_at = now
        return "confirmed"
    return "no_tries_left" if row.tries >= settings.code_tries else "wrong"
