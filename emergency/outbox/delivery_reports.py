"""What a provider later says about a message it took (delivered, failed, a call that ended),
recorded on the message and handed to whoever subscribed. Each provider's callback is put into
these terms by its transport's module; the webhook that receives it commits."""
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from emergency.extensions import db
from emergency.outbox import opt_outs
from emergency.outbox.models import Channel, OutboxMessage, OutboxStatus
from emergency.outbox.outcomes import current_outcomes


class Outcome(StrEnum):
    UNDER_WAY = "under way"  # queued, sent, ringing: nothing to act on yet
    DELIVERED = "delivered"
    FAILED = "failed"
    CALL_ENDED = "call ended"  # answered, by a person or by voicemail


@dataclass(frozen=True)
class DeliveryReport:
    provider_status: str  # the provider's own word, kept on the message
    outcome: Outcome
    order: int  # reports can arrive out of order: only a later one changes the message
    why: str | None = None  # for a failure: the provider's status and error code
    opted_out: bool = False  # the number has opted out of texts


def record(provider_id: str, report: DeliveryReport, now) -> None:
    """Apply a report to the message the provider knows by `provider_id`; an unknown id, or a
    report older than one already applied, changes nothing."""
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message is None or report.order <= message.provider_sequence:
        return
    message.provider_sequence, message.provider_status = report.order, report.provider_status
    if report.opted_out:
        opt_outs.opt_out(message.to_number, now)
    outcomes = current_outcomes()
    if report.outcome == Outcome.FAILED:
        message.status, message.last_error = OutboxStatus.FAILED, report.why
        outcomes.delivery_failed(message, now, message.last_error)
    elif report.outcome == Outcome.DELIVERED:
        message.status = OutboxStatus.DELIVERED
    elif report.outcome == Outcome.CALL_ENDED and message.channel == Channel.CALL:
        if outcomes.unanswered_call(message):
            # Answered but no key pressed: voicemail, or hung up. Only a keypress is a person.
            message.status, message.last_error = OutboxStatus.FAILED, "answered without a keypress"
            outcomes.delivery_failed(message, now, "the call ended without a keypress")
        else:
            message.status = OutboxStatus.DELIVERED
