"""Applications and referrals being filled in on the public pages: started within the limit per
client address, found by the token the browser keeps, answered page by page."""
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from emergency.applications.limits import may_start
from emergency.applications.models import ApplicationDraft
from emergency.applications.settings import FrontDoorSettings
from emergency.errors import DomainError
from emergency.extensions import db

# A draft nobody sent is deleted by the daily retention job after this long.
UNSENT_KEPT_FOR = timedelta(days=1)
MOST_CARED_FOR = 10
MOST_CONTACTS = 4
FEWEST_CONTACTS = 2


class TooManyStarted(DomainError):
    status_code = 429


def start(kind: str, *, address: str, now, settings: FrontDoorSettings) -> ApplicationDraft:
    started = db.session.scalar(select(func.count(ApplicationDraft.id)).where(
        ApplicationDraft.address_hash == address, ApplicationDraft.created_at > now - timedelta(hours=1)))
    if not may_start(started, settings):
        raise TooManyStarted("too many applications started from this address in the last hour")
    draft = ApplicationDraft(token=secrets.token_urlsafe(32), kind=kind, answers={}, address_hash=address,
                             created_at=now, updated_at=now)
    db.session.add(draft)
    db.session.flush()
    return draft


def find(token, kind: str, now) -> ApplicationDraft | None:
    if not isinstance(token, str) or not token:
        return None
    draft = db.session.scalar(select(ApplicationDraft).where(ApplicationDraft.token == token))
    if draft is None or draft.kind != kind or draft.created_at < now - UNSENT_KEPT_FOR:
        return None
    return draft


def answer(draft: ApplicationDraft, key: str, value, now) -> None:
    """Sets one answer (a new dict, so that the JSON column sees the change)."""
    draft.answers = {**draft.answers, key: value}
    draft.updated_at = now


def set_row(draft: ApplicationDraft, key: str, index: int, value, now) -> None:
    """Puts a cared-for person or a contact at its place in the list (index == length adds one)."""
    rows = list(draft.answers.get(key, []))
    if index < len(rows):
        rows[index] = value
    else:
        rows.append(value)
    answer(draft, key, rows, now)


def remove_row(draft: ApplicationDraft, key: str, index: int, now) -> None:
    rows = list(draft.answers.get(key, []))
    if 0 <= index < len(rows):
        del rows[index]
        answer(draft, key, rows, now)


def confirm_mobile(draft: ApplicationDraft, number: str, now) -> None:
    draft.confirmed_mobile = number
    draft.mobile_confirmed_at = now


def mobile_confirmed(draft: ApplicationDraft) -> bool:
    mobile = (draft.answers.get("carer") or {}).get("mobile")
    return bool(mobile) and draft.confirmed_mobile == mobile


