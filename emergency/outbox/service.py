"""Queue outbound texts, calls and emails, list them, and say whether a provider is out of reach.
Sending them is the sender's job (emergency.outbox.sender)."""
from sqlalchemy import func, select

from emergency import wakeup
from emergency.database import insert_of
from emergency.extensions import db
from emergency.outbox.models import PROVIDERS, Channel, OutboxMessage, OutboxStatus, ProviderHealth
from emergency.outbox.segments import segments as sms_segments


def queue_message(*, key: str, channel: str, to_number: str | None = None, body: str, purpose: str, now,
                  page_id: int | None = None, to_email: str | None = None, subject: str | None = None,
                  incident_id: int | None = None) -> int:
    """Record a message to send, once per key, and return its id: a second call with the same
    key, from this process or another at the same moment, returns the message already queued.
    The sender is woken when the transaction commits."""
    insert = insert_of(db.session)
    queued = db.session.scalar(
        insert(OutboxMessage)
        .values(message_row(key=key, channel=channel, to_number=to_number, to_email=to_email, subject=subject,
                            body=body, purpose=purpose, now=now, page_id=page_id, incident_id=incident_id))
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    if queued is not None:
        wakeup.after_commit(wakeup.SENDER)
        return queued
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))


def message_row(*, key: str, channel: str, body: str, purpose: str, now, to_number: str | None = None,
                to_email: str | None = None, subject: str | None = None, page_id: int | None = None,
                incident_id: int | None = None) -> dict:
    """A message to send, as the row queue_messages records."""
    return {"idempotency_key": key, "channel": channel, "to_number": to_number, "to_email": to_email,
            "subject": subject, "body": body, "purpose": purpose, "status": OutboxStatus.PENDING, "created_at": now,
            "next_attempt_at": now, "attempts": 0, "page_id": page_id, "incident_id": incident_id,
            "provider_sequence": -1, "segments": sms_segments(body) if channel == Channel.SMS else None}


def queue_messages(rows: list[dict]) -> None:
    """Record several messages (message_row) in one INSERT, each once per key as queue_message
    records one: for a hot path that queues a text and a call together and needs no ids back."""
    insert = insert_of(db.session)
    # The rows as parameters, not in the statement: its compiled form is cached, and SQLAlchemy
    # still sends them as one INSERT with many VALUES.
    queued = db.session.scalars(insert(OutboxMessage.__table__)
                                .on_conflict_do_nothing(index_elements=["idempotency_key"])
                                .returning(OutboxMessage.id), rows).all()
    if queued:
        wakeup.after_commit(wakeup.SENDER)


def messages(*, purpose: str | None = None, to_number: str | None = None):
    """A query, newest first, for the caller to page."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if purpose:
        query = query.where(OutboxMessage.purpose == purpose)
    if to_number:
        query = query.where(OutboxMessage.to_number == to_number)
    return query


def provider_outage(provider: str, now, after_seconds: int) -> dict | None:
    """{since, waiting, error} when the provider has refused every send for at least
    `after_seconds`; None while it works, or has failed only briefly."""
    health = db.session.get(ProviderHealth, provider)
    if health is None or health.failing_since is None or (now - health.failing_since).total_seconds() < after_seconds:
        return None
    channels = ("email",) if provider == "email" else ("sms", "call")
    waiting = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.channel.in_(channels)))
    return {"since": health.failing_since, "waiting": waiting, "error": health.last_error}


PROVIDER_NAMES = {"twilio": "Twilio", "email": "the mail server", "notify": "GOV.UK Notify"}


def describe_outage(provider: str, outage: dict, zone) -> str:
    """'cannot reach Twilio since 17:03 — 12 messages waiting', in local time."""
    since = outage["since"].astimezone(zone)
    waiting = outage["waiting"]
    return (f"cannot reach {PROVIDER_NAMES[provider]} since {since:%H:%M} — "
            f"{waiting} message{'' if waiting == 1 else 's'} waiting")


def provider_outages(now, after_seconds: int, zone) -> dict:
    """For each provider: whether it has been down long enough to say so, and in words."""
    found = {}
    for provider in PROVIDERS:
        outage = provider_outage(provider, now, after_seconds)
        found[provider] = {"summary": describe_outage(provider, outage, zone) if outage else None,
                           "since": outage["since"].isoformat() if outage else None,
                           "waiting": outage["waiting"] if outage else 0,
                           "last_error": outage["error"] if outage else None}
    return found


def pending_texts_to(number: str) -> list[OutboxMessage]:
    """Texts queued for this number and not yet sent, oldest first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_number == number, OutboxMessage.channel == Channel.SMS,
                                    OutboxMessage.status == OutboxStatus.PENDING).order_by(OutboxMessage.id)))
