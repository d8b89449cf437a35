"""Work committed now is taken now, not at the next poll.

A service that queues a message or makes a step due now calls `after_commit(kind)`. When the
transaction commits, the in-process scheduler's job of that kind is run at once, and on
PostgreSQL a NOTIFY (sent inside the transaction, so only if it commits) wakes an engine
running in another process (`flask engine run`, which LISTENs). If a nudge is lost, the
poll still finds the work.
"""
from flask import current_app, has_app_context
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from emergency.extensions import db

SENDER, ENGINE = "outbox", "engine"
CHANNEL = "emergency_line_work"
_PENDING = "wake"


def after_commit(kind: str) -> None:
    db.session.info.setdefault(_PENDING, set()).add(kind)


@event.listens_for(Session, "before_commit")
def _notify_other_processes(session):
    if session.in_nested_transaction():
        return  # a savepoint's release (these events come for savepoints too): not yet committed
    kinds = session.info.get(_PENDING)
    if kinds and session.get_bind().dialect.name == "postgresql":
        for kind in sorted(kinds):
            session.execute(text("SELECT pg_notify(:channel, :kind)"), {"channel": CHANNEL, "kind": kind})


@event.listens_for(Session, "after_commit")
def _wake_this_process(session):
    if session.in_nested_transaction():
        return
    kinds = session.info.pop(_PENDING, None)
    if kinds and has_app_context():
        nudges = current_app.extensions.get("nudges")
        if nudges is not None:
            for kind in kinds:
                nudges.nudge(kind)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    if session.in_nested_transaction():
        return  # a savepoint rolled back: what the transaction queued before it still stands
    session.info.pop(_PENDING, None)
