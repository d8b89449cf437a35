"""The audit log: append a line whenever someone creates, changes or views sensitive details."""
from sqlalchemy import select

from emergency.audit.models import AuditEvent
from emergency.extensions import db

SYSTEM_ACTOR = "system"


def record(action: str, *, user, now, plan_id: int | None = None, detail: str = "",
           actor: str | None = None) -> AuditEvent:
    """actor: who acted when it was not a logged-in user (the accepter of an ask)."""
    event = AuditEvent(
        at=now,
        user_id=user.id if user else None,
        actor=user.username if user else (actor or SYSTEM_ACTOR)[:80],
        action=action,
        plan_id=plan_id,
        detail=detail,
    )
    db.session.add(event)
    return event


def events_for_plan(plan_id: int):
    """A query, newest first, for the caller to page."""
    return (
        select(AuditEvent)
        .where(AuditEvent.plan_id == plan_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
