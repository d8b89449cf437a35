from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime
from emergency.extensions import db

NOTICE_KINDS = ("coordinators", "carer", "carer_letter")  # carer: a text; carer_letter: by post


class PlanReviewNotice(db.Model):
    """That someone was told a plan's review falls due on a date. The unique key makes the
    telling happen once per plan per due date, however many workers run the job."""

    __tablename__ = "plan_review_notice"
    __table_args__ = (
        UniqueConstraint("plan_id", "due_on", "kind", name="uq_plan_review_notice_once"),
        CheckConstraint(f"kind IN {NOTICE_KINDS}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    due_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(12))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
