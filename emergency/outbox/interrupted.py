"""Messages left `sending` by a sender that died between handing them over and recording the
answer (a crash, a kill -9, a deploy).

A provider that can be asked whether it has a message (Notify, by the message's reference)
settles it: Notify has it, so it is recorded as sent with Notify's id and status; Notify has
none, so it never left and it goes again. Any other provider cannot be asked, so the message
is `unknown` and never sent again (at most once), and subscribers hear that it failed, so that
an escalation moves on rather than waits on an ask that may never have gone.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from emergency.extensions import db
from emergency.outbox import delivery_reports
from emergency.outbox.models import OutboxMessage, OutboxStatus
from emergency.outbox.outcomes import Outcomes
from emergency.outbox.transport import SendFailed, Transports
from emergency.redaction import redact_secret_links

STUCK_AFTER = timedelta(minutes=2)
# A provider that could be asked but does not answer: after this long, give the message up as unknown.
ASK_FOR_AT_MOST = timedelta(minutes=30)


def settle(now, outcomes: Outcomes, transports: Transports) -> None:
    stuck = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.sent_at < now - STUCK_AFTER)
        .order_by(OutboxMessage.id)
    ).all()
    not_answering = set()  # a provider that did not answer one question is not asked the rest this run
    for message in stuck:
        transport = transports.by_provider(message.provider) if message.provider else None
        if hasattr(transport, "find") and _settled_by_asking(message, transport, now, not_answering):
            db.session.commit()
            continue
        message.status, message.last_error = OutboxStatus.UNKNOWN, "interrupted while sending; not sent again"
        current_app.logger.error("outbox: message %s to %s was interrupted while sending", message.id,
                                 message.to_number or message.to_email)
        outcomes.delivery_failed(message, now, "sending was interrupted")
        db.session.commit()


def _settled_by_asking(message: OutboxMessage, transport, now, not_answering: set) -> bool:
    """True when settled, or left to ask again on a later run; False: it cannot be known."""
    try:
        if message.provider in not_answering:
            raise SendFailed(f"{message.provider} did not answer just now", transient=True)
        found = transport.find(f"outbox-{message.id}")
    except SendFailed as failure:
        not_answering.add(message.provider)
        if now - message.sent_at < ASK_FOR_AT_MOST:
            current_app.logger.warning("outbox: cannot ask %s about message %s yet: %s", message.provider, message.id,
                                       failure)
            return True  # asked again on the next run
        return False
    if found is None:
        current_app.logger.warning("outbox: message %s was cut off before %s had it; it goes again", message.id,
                                   message.provider)
        message.status, message.next_attempt_at, message.provider = OutboxStatus.PENDING, now, None
        return True
    provider_id, report = found
    current_app.logger.warning("outbox: message %s was cut off after %s took it", message.id, message.provider)
    message.status, message.provider_id = OutboxStatus.SENT, provider_id
    message.body = redact_secret_links(message.body)
    db.session.flush()
    delivery_reports.record(provider_id, report, now)  # how it has fared since, as a receipt would say
    return True
