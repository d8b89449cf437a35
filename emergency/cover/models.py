from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.cover.vocabulary import AskMode, AskStatus, BookedBy, CoverStatus, EndedBy, Outcome
from emergency.db_types import UTCDateTime, one_of
from emergency.extensions import db
from emergency.providers.models import CareProvider


class CoverAsk(db.Model):
    """One text asking one provider to cover an incident, from a start for some hours."""

    __tablename__ = "cover_ask"
    __table_args__ = (
        CheckConstraint(one_of("status", AskStatus), name="status_known"),
        CheckConstraint(one_of("mode", AskMode), name="mode_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # A reply "ACCEPT 512" names one open ask of that number.
        Index("uq_cover_ask_open_phone_code", "phone", "code", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_cover_ask_answer_by", "answer_by", postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(13))
    position: Mapped[int]  # the order the officer chose; one at a time asks go in this order
    status: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capabilities: Mapped[list] = mapped_column(JSON)  # what the care needs, as the officer ticked
    asked_by: Mapped[str] = mapped_column(String(80))
    # The officer or coordinator who asked, to be told of a timeout (their login, if any).
    asked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    provider: Mapped[CareProvider] = relationship()


class Cover(db.Model):
    """Replacement care booked from a provider for an incident, from a start to a planned end."""

    __tablename__ = "cover"
    __table_args__ = (
        CheckConstraint(one_of("status", CoverStatus), name="status_known"),
        CheckConstraint(one_of("booked_by", BookedBy), name="booked_by_known"),
        CheckConstraint(one_of("outcome", Outcome), name="outcome_known"),
        CheckConstraint(one_of("ended_by", EndedBy), name="ended_by_known"),
        CheckConstraint("planned_end_at > starts_at", name="ends_after_start"),
        # One live cover per incident, whatever races: the second accept's insert is refused.
        Index("uq_cover_live_incident", "incident_id", unique=True,
              sqlite_where=text("status = 'live'"), postgresql_where=text("status = 'live'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"), index=True)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("cover_ask.id"))
    # The code the provider answers with (DONE 512); an ask's code, or a new one for a phone booking.
    code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(5), default=CoverStatus.LIVE)
    booked_by: Mapped[str] = mapped_column(String(5))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    booked_by_user: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    # Past the cover limit: a coordinator's reason, who and when (reported).
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extended_by: Mapped[str | None] = mapped_column(String(80))
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Each reminder once: set by the conditional update that sends it.
    reminded_12h_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_2h_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(8))
    ended_by_name: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    # A HOME text from a number that is not the carer's: the officer confirms with the carer first.
    home_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    provider: Mapped[CareProvider] = relationship()


class CoverLink(db.Model):
    """The booked provider's details link; the token is stored hashed. It dies when cover ends."""

    __tablename__ = "cover_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    cover_id: Mapped[int] = mapped_column(ForeignKey("cover.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SocialCareReferral(db.Model):
    """A hand-over to the council's adult social care front door, by email."""

    __tablename__ = "social_care_referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("cover.id"))
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    referred_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    sent_to: Mapped[str] = mapped_column(String(254))
