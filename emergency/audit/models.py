from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime
from emergency.extensions import db


class AuditEvent(db.Model):
    """Who created, changed or viewed sensitive details. Append-only: the migration adds
    triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(50))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
