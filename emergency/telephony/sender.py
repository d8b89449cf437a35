"""Takes due messages out of the outbox and hands them to the gateway.

A message is marked `sending` and committed before the gateway is called. If the process
dies before the answer is recorded, the message stays `sending`; a later run marks it
`unknown` and never sends it again (at most once), and the escalation treats it as failed
so that it moves on rather than wait for an answer that may never come.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from emergency.extensions import db
from emergency.incidents import service as incidents
from emergency.incidents.models import Page
from emergency.outbox.models import OutboxMessage
from emergency.redaction import redact_secret_links
from emergency.telephony import opt_outs
from emergency.telephony.gateway import OPTED_OUT, SendFailed

MOST_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=2)
BATCH = 200


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** (attempts - 1), 300))


def send_due(now, gateway) -> int:
    """Send what is due; returns how many messages were handed over."""
    _give_up_on_interrupted_sends(now)
    due = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()
    db.session.commit()
    sent = 0
    for message_id in due:
        # Claiming is a conditional update: of several senders, exactly one gets each message.
        claimed = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .values(status="sending", attempts=OutboxMessage.attempts + 1, sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed != 1:
            continue
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        _hand_over(message, gateway, now)
        db.session.commit()
        sent += 1
    return sent


def _hand_over(message: OutboxMessage, gateway, now) -> None:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    status_callback = f"{base}/twilio/status"
    try:
        if message.channel == "sms":
            provider_id = gateway.send_sms(message.to_number, message.body, status_callback)
        else:
            script = f"{base}/twilio/ask/{message.page_id}" if message.purpose == "ask" else f"{base}/twilio/say/{message.id}"
            provider_id = gateway.start_call(message.to_number, script, status_callback)
    except SendFailed as failure:
        message.last_error = str(failure)
        if failure.transient and message.attempts < MOST_ATTEMPTS:
            message.status, message.next_attempt_at = "pending", now + retry_delay(message.attempts)
            return
        message.status = "failed"
        message.body = redact_secret_links(message.body)
        if failure.code == OPTED_OUT:
            opt_outs.opt_out(message.to_number, now)
        channel_failed(message, now, str(failure))
        return
    message.status = "sent"
    # The provider has the text now; a details link must not stay readable in the outbox.
    message.body = redact_secret_links(message.body)
    message.provider_id = provider_id if provider_id != "local" else f"local-{message.id}"


def _give_up_on_interrupted_sends(now) -> None:
    stuck = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.sent_at < now - STUCK_AFTER)
    ).all()
    for message in stuck:
        message.status, message.last_error = "unknown", "interrupted while sending; not sent again"
        current_app.logger.error("outbox: message %s to %s was interrupted while sending", message.id, message.to_number)
        channel_failed(message, now, "sending was interrupted")
    db.session.commit()


def channel_failed(message: OutboxMessage, now, why: str) -> None:
    """One channel of an ask failed. The ask has failed once none of its channels can still
    reach the person; then the escalation moves on at once."""
    if message.page_id is None or message.purpose != "ask":
        return
    page = db.session.get(Page, message.page_id)
    incidents.note(page.incident, now, "delivery failed", f"{message.channel} to {page.name}: {why}")
    others = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.page_id == page.id, OutboxMessage.purpose == "ask", OutboxMessage.id != message.id)).all()
    if all(other.status in ("failed", "unknown") for other in others):
        incidents.page_failed(page, now, why)
