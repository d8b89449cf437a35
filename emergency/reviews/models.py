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


REVIEW_OUTCOMES = ("unchanged", "changed")


class CarerReviewLink(db.Model):
    """The link in the carer's review reminder: single use (claimed by the first browser to open
    it), expiring, kept only as a hash of its token. `based_on_version` is the plan's version the
    carer was shown, so that changes made since are seen as stale when the coordinator merges."""

    __tablename__ = "carer_review_link"
    __table_args__ = (CheckConstraint(f"outcome IS NULL OR outcome IN {REVIEW_OUTCOMES}", name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    based_on_version: Mapped[int | None]
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(12))
