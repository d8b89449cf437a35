"""Letters in the outbox: queued like any message (the sender hands each to Notify, or leaves it
in the local print queue), listed by plan, and, without Notify, printed together and marked
posted from the console's print queue. A letter's PDF is kept only until it has left."""
import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, update

from emergency.extensions import db
from emergency.outbox import delivery_reports
from emergency.outbox.models import Channel, OutboxLetter, OutboxMessage, OutboxStatus, Purpose
from emergency.outbox.service import queue_message
from emergency.outbox.transport import SendFailed, Transports

POSTED = "posted"  # the provider status of a letter someone posted from the print queue


@dataclass(frozen=True)
class QueuedLetter:
    message: OutboxMessage
    letter: OutboxLetter


def queue_letter(*, key: str, pdf: bytes, description: str, postage: str, plan_id: int | None, kind: str,
                 now, by_user_id: int | None = None) -> tuple[int, bool]:
    """Record a letter to post, once per key: (its message id, whether it is new). The
    description is what the outbox shows of it; the letter's words are only in its PDF."""
    existing = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
    message_id = queue_message(key=key, channel=Channel.LETTER, body=description, purpose=Purpose.LETTER, now=now)
    if existing is not None:
        return message_id, False
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    db.session.add(OutboxLetter(message_id=message_id, pdf=pdf, pages=pages, postage=postage, plan_id=plan_id,
                                kind=kind, queued_by_id=by_user_id))
    db.session.flush()
    return message_id, True


def _letters():
    return (select(OutboxMessage, OutboxLetter).join(OutboxLetter, OutboxLetter.message_id == OutboxMessage.id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


def letters_about(plan_id: int) -> list[QueuedLetter]:
    """The plan's letters, newest first."""
    return [QueuedLetter(*row) for row in db.session.execute(_letters().where(OutboxLetter.plan_id == plan_id))]


def waiting_to_print() -> list[QueuedLetter]:
    """Letters in the print queue (left by the local transport), oldest first."""
    query = (_letters().where(OutboxMessage.provider == "local", OutboxMessage.status == OutboxStatus.SENT,
                              OutboxLetter.posted_at.is_(None), OutboxLetter.pdf.is_not(None))
             .order_by(None).order_by(OutboxMessage.created_at, OutboxMessage.id))
    return [QueuedLetter(*row) for row in db.session.execute(query)]


def one_pdf(letters: list[QueuedLetter]) -> bytes:
    """The letters, one after another, as one PDF to print; each starts on a new sheet."""
    writer = PdfWriter()
    for queued in letters:
        writer.append(PdfReader(io.BytesIO(queued.letter.pdf)))
        if queued.letter.pages % 2:
            writer.add_blank_page()  # printed double-sided, the next letter starts on a sheet of its own
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mark_posted(message_ids: list[int], *, by_user_id: int, now) -> list[int]:
    """Those of these letters still waiting in the print queue are posted: their PDFs go.
    Returns the ids marked (a letter marked by someone else meanwhile is left alone)."""
    waiting = {queued.message.id: queued for queued in waiting_to_print()}
    marked = []
    for message_id in message_ids:
        queued = waiting.get(message_id)
        if queued is None:
            continue
        queued.letter.posted_at, queued.letter.posted_by_id, queued.letter.pdf = now, by_user_id, None
        queued.message.status, queued.message.provider_status = OutboxStatus.DELIVERED, POSTED
        marked.append(message_id)
    db.session.flush()
    return marked


def forget_letters_about(plan_id: int) -> int:
    """A plan erased: its letters' PDFs go, and letters not yet handed over are never sent.
    Returns how many letters held a PDF."""
    held = db.session.execute(update(OutboxLetter).where(OutboxLetter.plan_id == plan_id, OutboxLetter.pdf.is_not(None))
                              .values(pdf=None).execution_options(synchronize_session=False)).rowcount
    waiting = select(OutboxLetter.message_id).where(OutboxLetter.plan_id == plan_id)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(waiting), OutboxMessage.status == OutboxStatus.PENDING)
                       .values(status=OutboxStatus.CANCELLED, last_error="not sent: the plan was erased")
                       .execution_options(synchronize_session=False))
    return held


def ask_notify_about_letters(now, transports: Transports) -> int:
    """Ask Notify how each letter it took and has not yet said is posted (or failed) has fared,
    in case a status callback never came. Returns how many were asked about; stops at the first
    question Notify does not answer (the next run asks again)."""
    notify = transports.letter
    if not hasattr(notify, "status_of"):
        return 0
    open_letters = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == Channel.LETTER, OutboxMessage.provider == notify.provider,
        OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.provider_id.is_not(None)).order_by(OutboxMessage.id)).all()
    asked = 0
    for message in open_letters:
        try:
            report = notify.status_of(message.provider_id)
        except SendFailed:
            break
        delivery_reports.record(message.provider_id, report, now)
        asked += 1
    return asked
