from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime
from emergency.extensions import db

CHANNELS = ("sms", "call")
STATUSES = ("pending", "sending", "sent", "delivered", "failed")


class OutboxMessage(db.Model):
    """An outbound text or call, recorded before anything is sent. The idempotency key makes
    a second attempt to queue the same message a no-op."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS}", name="channel_known"),
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(4))
    to_number: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(64))
