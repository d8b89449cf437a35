"""What the outbox's delivery outcomes mean for cover: an ask whose text could not be
delivered (a failure, or a number that texted STOP) is moved on from at once rather than left
to time out; a STOP from a provider's mobile does the same (replies.stopped). The outbox never
imports cover: it calls what is subscribed here."""
import re

from sqlalchemy import update

from emergency.cover.models import CoverAsk
from emergency.cover.service import no_answer
from emergency.cover.vocabulary import AskStatus
from emergency.extensions import db
from emergency.outbox.models import OutboxMessage, Purpose
from emergency.outbox.outcomes import Outcomes

_ASK_KEY = re.compile(r"^cover-ask:(\d+)$")  # as service.send_ask queues it


def delivery_failed(message: OutboxMessage, now, why: str) -> None:
    """An ask's text that could not be delivered."""
    found = _ASK_KEY.match(message.idempotency_key or "") if message.purpose == Purpose.COVER_ASK else None
    if found is None:
        return
    unreachable(int(found.group(1)), now)


def unreachable(ask_id: int, now) -> None:
    """An open ask no text can reach moves on at once: claimed by a conditional update, so that
    a timeout or a second report moves on from it once."""
    claimed = db.session.execute(
        update(CoverAsk).where(CoverAsk.id == ask_id, CoverAsk.status == AskStatus.OPEN)
        .values(status=AskStatus.UNDELIVERED).execution_options(synchronize_session=False)).rowcount
    if claimed == 1:
        no_answer(db.session.get(CoverAsk, ask_id, populate_existing=True), now, status=AskStatus.UNDELIVERED)


def subscribe_to(outcomes: Outcomes) -> None:
    outcomes.subscribe(delivery_failed=delivery_failed)
