from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emergency.applications.vocabulary import DECLINE_REASONS, ApplicationKind, ApplicationStatus
from emergency.db_types import UTCDateTime, one_of
from emergency.extensions import db


class ApplicationDraft(db.Model):
    """An application being filled in on the public pages, found by the token in the browser's
    signed session. Answers are plan-shaped (the plan's schemas check them); it becomes an
    application when sent, and is deleted then or, unsent, by the daily retention job."""

    __tablename__ = "application_draft"
    __table_args__ = (CheckConstraint("kind IN ('application', 'referral')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # A keyed hash of the client's address, for the rate limits (the address itself is not kept).
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The mobile the code confirmed, and when: answers naming another number need a new code.
    confirmed_mobile: Mapped[str | None] = mapped_column(String(20))
    mobile_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Application(db.Model):
    """A carer's application, a professional's referral or a carer's review changes, in the
    coordinators' queue until approved, declined or withdrawn."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(one_of("status", ApplicationStatus), name="status_known"),
        CheckConstraint(one_of("kind", ApplicationKind), name="kind_known"),
        CheckConstraint("decline_reason IS NULL OR decline_reason IN ("
                        + ", ".join(f"'{reason}'" for reason in DECLINE_REASONS) + ")", name="decline_reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), index=True)
    # Plan-shaped answers (a referral's also hold the referrer and the carer's consent).
    answers: Mapped[dict] = mapped_column(JSON)
    # A review update: the plan it changes, the version it was based on, and the fields changed.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    based_on_version: Mapped[int | None]
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)
    mobile_confirmed: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decline_reason: Mapped[str | None] = mapped_column(String(20))
    decline_words: Mapped[str | None] = mapped_column(Text)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)


class MobileCode(db.Model):
    """A 6-digit code texted to confirm a mobile: kept as a keyed hash, with its expiry and the
    tries made. The rows also count the texts sent, for the caps per number, per address and in all."""

    __tablename__ = "mobile_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("application_draft.id", ondelete="SET NULL"), index=True)
    to_number: Mapped[str] = mapped_column(String(20), index=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tries: Mapped[int] = mapped_column(SmallInteger, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
