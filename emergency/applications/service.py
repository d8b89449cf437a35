"""Applications in the coordinators' queue: sent from a draft, listed with how long each has
waited in working days, moved through their statuses, every step audited."""
import secrets
from datetime import date

from sqlalchemy import select

from emergency.applications import drafts
from emergency.applications.models import Application, ApplicationDraft
from emergency.applications.vocabulary import OPEN_STATUSES, ApplicationKind, ApplicationStatus
from emergency.audit import service as audit
from emergency.errors import Conflict, NotFound, RuleBroken
from emergency.extensions import db

# Readable references without letters that look like digits (no I, L, O, U, 0, 1).
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_TRIES = 20


def missing_answers(draft: ApplicationDraft) -> list[str]:
    """What an application still needs before it can be sent, by the page that asks it."""
    answers = draft.answers
    missing = []
    if draft.kind == ApplicationKind.APPLICATION:
        if not answers.get("carer"):
            missing.append("about_you")
        if not answers.get("cared_for"):
            missing.append("cared_for")
        if "home_access" not in answers:
            missing.append("getting_in")
        if not drafts.FEWEST_CONTACTS <= len(answers.get("contacts", [])) <= drafts.MOST_CONTACTS:
            missing.append("contacts")
    else:
        if not answers.get("referrer"):
            missing.append("referrer")
        if not answers.get("carer"):
            missing.append("carer")
    return missing


def _reference() -> str:
    for _ in range(_REFERENCE_TRIES):
        text = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{text[:4]}-{text[4:]}"
        if db.session.scalar(select(Application.id).where(Application.reference == reference)) is None:
            return reference
    raise Conflict("no free reference could be found; try again")


def send(draft: ApplicationDraft, *, now) -> Application:
    """The draft becomes an application in the queue; the draft is deleted."""
    if missing_answers(draft):
        raise RuleBroken("the application is not complete", field="form")
    if draft.kind == ApplicationKind.APPLICATION and not draft.answers.get("declared"):
        raise RuleBroken("the declaration is not made", field="declared")
    mobile = (draft.answers.get("carer") or {}).get("mobile")
    if draft.kind == ApplicationKind.APPLICATION and mobile and not drafts.mobile_confirmed(draft):
        raise RuleBroken("the mobile is not confirmed", field="code")
    application = Application(reference=_reference(), kind=draft.kind, status=ApplicationStatus.NEW,
                              answers=draft.answers, changed_fields=[], mobile_confirmed=bool(mobile)
                              and drafts.mobile_confirmed(draft), received_at=now, status_changed_at=now,
                              address_hash=draft.address_hash)
    db.session.add(application)
    db.session.delete(draft)
    db.session.flush()
    audit.record("application.received", user=None, now=now, actor="front door",
                 detail=f"{draft.kind} {application.reference}")
    return application


def get(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("no such application")
    return application


def queue(statuses=OPEN_STATUSES, kind: str | None = None, most: int = 200) -> list[Application]:
    """Oldest first: the longest waiting at the top."""
    query = select(Application).where(Application.status.in_(statuses))
    if kind:
        query = query.where(Application.kind == kind)
    return list(db.session.scalars(query.order_by(Application.received_at, Application.id).limit(most)))


def working_days_between(start: date, end: date, bank_holidays, office_days=frozenset(range(5))) -> int:
    """Whole working days after `start` up to and including `end`: weekends (the days that are
    not office days) and bank holidays do not count. Pure."""
    days = 0
    day = start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        if day.weekday() in office_days and day not in bank_holidays:
            days += 1
    return days


def office_weekdays(office_hours) -> frozenset[int]:
    """The office's days (mon, tue, ...) as weekday numbers (Monday is 0), for working days."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return frozenset(names.index(day) for day in office_hours.days)


def move(application: Application, status: str, *, by, now, allowed_from) -> None:
    if application.status not in allowed_from:
        raise Conflict(f"this {application.kind.replace('_', ' ')} is already {application.status.replace('_', ' ')}",
                       field="status")
    application.status = status
    application.status_changed_at = now
    audit.record(f"application.{status}", user=by, now=now, plan_id=application.plan_id,
                 detail=f"{application.kind} {application.reference}")


def start_review(application: Application, *, by, now) -> None:
    move(application, ApplicationStatus.IN_REVIEW, by=by, now=now, allowed_from=(ApplicationStatus.NEW,))


def withdraw(application: Application, *, by, now) -> None:
    move(application, ApplicationStatus.WITHDRAWN, by=by, now=now, allowed_from=OPEN_STATUSES)


def record_viewed(application: Application, *, by, now) -> None:
    audit.record("application.viewed", user=by, now=now, plan_id=application.plan_id,
                 detail=f"{application.kind} {application.reference}")
