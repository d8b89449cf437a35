from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.db_types import UTCDateTime, one_of
from emergency.extensions import db
from emergency.plans.models import EmergencyContact
from emergency.plans.vocabulary import ConsentRequestStatus


class ConsentRequest(db.Model):
    """One text asking a contact whether they agree to be named in a plan, and its answer.
    The reply code is unique among the open requests to one number, so "AGREE 314" names one."""

    __tablename__ = "consent_request"
    __table_args__ = (
        CheckConstraint(one_of("status", ConsentRequestStatus), name="status_known"),
        Index("uq_consent_request_open_phone_code", "phone", "code", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A contact removed from the plan takes its requests with it: nothing is left to answer.
    contact_id: Mapped[int] = mapped_column(ForeignKey("emergency_contact.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_by: Mapped[str] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contact: Mapped[EmergencyContact] = relationship(passive_deletes=True)
