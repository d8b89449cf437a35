from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.db_types import UTCDateTime, one_of, values_of
from emergency.extensions import db
from emergency.incidents.vocabulary import (
    AskChannels,
    Asked,
    EventKind,
    IncidentStatus,
    NeedsPersonReason,
    Origin,
    PageStatus,
    Stage,
)

INCIDENT_STATUSES = values_of(IncidentStatus)
PAGE_STATUSES = values_of(PageStatus)
STAGES = values_of(Stage)


class Incident(db.Model):
    """One emergency. Holds the plan as it was when opened, so editing the plan mid-emergency
    does not change who is asked, and its place in the escalation."""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint(one_of("status", IncidentStatus), name="status_known"),
        CheckConstraint(one_of("stage", Stage), name="stage_known"),
        CheckConstraint(one_of("channel", Origin), name="channel_known"),
        CheckConstraint(one_of("channels", AskChannels), name="channels_known"),
        CheckConstraint(one_of("needs_person_reason", NeedsPersonReason), name="needs_person_reason_known"),
        # The engine's question: what is due? Only rows with work to do are in the index.
        Index("ix_incident_due", "next_action_at", postgresql_where="next_action_at IS NOT NULL"),
        Index("ix_incident_caller_update_due", "caller_update_at", postgresql_where="caller_update_at IS NOT NULL"),
        # Every text asks for the texter's latest incident (their language, a live call of theirs).
        Index("ix_incident_caller_number", "caller_number", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty for a call that could not be tied to a plan (unknown card): it is still listed.
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    plan_snapshot: Mapped[dict | None] = mapped_column(JSON)
    caller_number: Mapped[str | None] = mapped_column(String(20))
    # The language the caller chose on the line: the texts to them follow it.
    caller_language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Why the line handed it to a person (status needs_person); kept after it is closed.
    needs_person_reason: Mapped[str | None] = mapped_column(String(20))
    # Set when the line found no person it could tell about it (no address at all, or none
    # that worked): a critical failure, on the console and /health while the incident is live.
    nobody_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Escalation position: the next contact to try, or the rota round and next tier.
    stage: Mapped[str] = mapped_column(String(10), default="contacts")
    next_contact: Mapped[int] = mapped_column(SmallInteger, default=0)
    rota_round: Mapped[int] = mapped_column(SmallInteger, default=1)
    next_tier: Mapped[int] = mapped_column(SmallInteger, default=1)
    # Steps taken so far; pages carry the step that sent them.
    step: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the caller is next told "still looking" (CALLER_UPDATE_MINUTES), while it is open.
    caller_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # SQLite has no row locks: an engine leases a due incident until this moment.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    wait_seconds: Mapped[int] = mapped_column(Integer)
    rounds: Mapped[int] = mapped_column(SmallInteger)
    channels: Mapped[str] = mapped_column(String(4))

    # use_alter: incident and page refer to each other, so this key is added after both tables.
    accepted_page_id: Mapped[int | None] = mapped_column(ForeignKey("page.id", use_alter=True))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(80))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The carer was texted the survey a day after it was resolved; the rating is their answer.
    survey_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    survey_rating: Mapped[int | None] = mapped_column(SmallInteger)
    # Set when names, numbers, free text and the plan snapshot were removed (retention or a
    # plan's erasure); what reports count stays.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    version: Mapped[int] = mapped_column(Integer, default=1)

    pages: Mapped[list["Page"]] = relationship(order_by="Page.id", back_populates="incident",
                                               foreign_keys="Page.incident_id")
    # Set only by the conditional UPDATE that decides who wins (incidents.answers.accept).
    accepted_page: Mapped["Page | None"] = relationship(foreign_keys=[accepted_page_id], viewonly=True)
    events: Mapped[list["IncidentEvent"]] = relationship(order_by="IncidentEvent.id", back_populates="incident")

    # Any two writers of one incident row (the engine, an accept) cannot both succeed unseen.
    __mapper_args__ = {"version_id_col": version}


class Page(db.Model):
    """One ask to one person within an incident, answered with its code."""

    __tablename__ = "page"
    __table_args__ = (
        CheckConstraint(one_of("status", PageStatus), name="status_known"),
        CheckConstraint(one_of("who", Asked), name="who_known"),
        CheckConstraint(one_of("channels", AskChannels), name="channels_known"),
        Index("ix_page_phone_code", "phone", "code"),
        # A reply "ACCEPT 42" must name one ask: two open asks to one number never share a
        # code, even when two processes pick one at the same moment.
        Index("uq_page_open_phone_code", "phone", "code", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    who: Mapped[str] = mapped_column(String(10))  # Asked
    contact_index: Mapped[int | None] = mapped_column(SmallInteger)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("duty_officer.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")  # asked in
    channels: Mapped[str] = mapped_column(String(4))
    step: Mapped[int] = mapped_column(SmallInteger)
    tier: Mapped[int | None] = mapped_column(SmallInteger)
    rota_round: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(10), default="open")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    incident: Mapped[Incident] = relationship(back_populates="pages", foreign_keys=[incident_id])


class IncidentEvent(db.Model):
    """The incident's timeline."""

    __tablename__ = "incident_event"
    __table_args__ = (CheckConstraint(one_of("kind", EventKind), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")

    incident: Mapped[Incident] = relationship(back_populates="events")


class HandOver(db.Model):
    """A duty officer told to call back a caller the line could not act for (a hand-over): that
    officer may open the incident in the console, as one asked to help may."""

    __tablename__ = "hand_over"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("duty_officer.id"), primary_key=True, index=True)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DetailsLink(db.Model):
    """An expiring link that shows the accepter the plan's details; the token is stored hashed."""

    __tablename__ = "details_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EngineHeartbeat(db.Model):
    """Each engine's last tick, for /health."""

    __tablename__ = "engine_heartbeat"

    instance: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_tick_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_tick_ms: Mapped[int] = mapped_column(Integer)
    slow_ticks: Mapped[int] = mapped_column(Integer, default=0)
    overdue_seen: Mapped[int] = mapped_column(Integer, default=0)
