"""Queue outbound texts and calls. Sending them is the telephony sender's job."""
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from emergency.extensions import db
from emergency.outbox.models import OutboxMessage

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def queue_message(*, key: str, channel: str, to_number: str, body: str, purpose: str, now,
                  page_id: int | None = None) -> int:
    """Record a message to send, once per key, and return its id: a second call with the same
    key, from this process or another at the same moment, returns the message already queued."""
    insert = _INSERT[db.session.get_bind().dialect.name]
    queued = db.session.scalar(
        insert(OutboxMessage)
        .values(idempotency_key=key, channel=channel, to_number=to_number, body=body, purpose=purpose,
                status="pending", created_at=now, next_attempt_at=now, attempts=0, page_id=page_id,
                provider_sequence=-1)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    if queued is not None:
        return queued
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))


def messages(*, purpose: str | None = None, to_number: str | None = None):
    """A query, newest first, for the caller to page."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if purpose:
        query = query.where(OutboxMessage.purpose == purpose)
    if to_number:
        query = query.where(OutboxMessage.to_number == to_number)
    return query
