from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime, one_of, values_of
from emergency.extensions import db


class Channel(StrEnum):
    SMS = "sms"
    CALL = "call"
    EMAIL = "email"  # coordinators' alerts only
    LETTER = "letter"  # a PDF posted by GOV.UK Notify, or printed from the console's print queue


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting to go
    SENDING = "sending"  # handed to the provider, answer not yet recorded
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a crash cut the send off: never sent again
    CANCELLED = "cancelled"  # never sent: its incident closed while the provider could not be reached


class Purpose(StrEnum):
    """What a message is for."""

    ASK = "ask"  # asking a contact or officer to go
    FALLBACK = "fallback"  # the fallback number, rung when nobody accepted
    COVERED = "covered"  # telling those still asked that someone else is going
    TOO_LATE = "too_late"  # telling a late accepter that someone else is going
    DETAILS = "details"  # the accepter's details link
    CALLER_CONFIRMATION = "caller_confirmation"  # the caller: help is arranged
    CALLER_UPDATE = "caller_update"  # the caller: still looking, or nobody found
    SURVEY = "survey"  # the carer, a day after: how well were the needs met?
    HAND_OVER = "hand_over"  # a person is told to call back a caller the line could not act for
    KEPT_TEXT_REPLY = "kept_text_reply"  # the answer to a text kept on disk while the database was down
    TEXT_REPLY = "text_reply"  # the answer to a text received through Notify, which cannot answer in its reply
    DEAD_LETTER_ALERT = "dead_letter_alert"  # coordinators: a kept text the line could not handle
    COORDINATOR_ALERT = "coordinator_alert"  # coordinators: a round finished, or an incident exhausted
    PROVIDER_OUTAGE_ALERT = "provider_outage_alert"
    ROTA_GAP_ALERT = "rota_gap_alert"
    CONSENT = "consent"  # a contact asked to agree to be named in a plan
    REVIEW_LIST = "review_list"  # coordinators: plans due for review
    REVIEW_REMINDER = "review_reminder"  # a carer: their plan is due for review
    LETTER = "letter"  # a letter about a plan, by post (its kind is on the letter: emergency.outbox.letters)
    MOBILE_CODE = "mobile_code"  # a carer applying or reviewing online: the code that confirms their mobile
    APPLICATION_DECISION = "application_decision"  # a carer: their application was approved or declined
    COVER_ASK = "cover_ask"  # a care provider asked to cover an incident
    COVER_UPDATE = "cover_update"  # a provider, officer or carer told how cover stands
    SOCIAL_CARE_REFERRAL = "social_care_referral"  # the council's adult social care front door, by email


CHANNELS = values_of(Channel)
STATUSES = values_of(OutboxStatus)
# The outside systems messages leave through; each has its own health.
PROVIDERS = ("twilio", "email", "notify")


class Circuit(StrEnum):
    """A provider's circuit breaker (emergency.outbox.circuit)."""

    CLOSED = "closed"  # it carries what it is given
    OPEN = "open"  # it failed for the failover window: its texts go another way
    HALF_OPEN = "half_open"  # a probe is asking whether it answers again


CIRCUITS = values_of(Circuit)


class OutboxMessage(db.Model):
    """An outbound text or call, recorded before anything is sent. The idempotency key makes
    a second attempt to queue the same message a no-op."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(one_of("channel", Channel), name="channel_known"),
        CheckConstraint(one_of("status", OutboxStatus), name="status_known"),
        CheckConstraint(one_of("purpose", Purpose), name="purpose_known"),
        # Texts and calls go to a phone number, emails to an address; a letter's address is in its PDF.
        CheckConstraint(
            "(channel = 'email' AND to_email IS NOT NULL) OR channel = 'letter' "
            "OR (channel NOT IN ('email', 'letter') AND to_number IS NOT NULL)",
            name="addressed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(6))
    to_number: Mapped[str | None] = mapped_column(String(20), index=True)
    to_email: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("page.id"), index=True)
    # The incident a hand-over is about, so that one that cannot go by phone goes by email.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The provider the message was handed to (twilio, notify, email, local): set when it is
    # claimed, so that a send cut off by a crash says who may have it, and kept once a hand-over
    # may have reached it, so that the message is never handed to another.
    provider: Mapped[str | None] = mapped_column(String(10))
    provider_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    provider_status: Mapped[str | None] = mapped_column(String(20))
    # Status callbacks can arrive out of order: only a later one may change the status.
    provider_sequence: Mapped[int] = mapped_column(Integer, default=-1)
    # What a text costs: SMS segments, GSM-7 or UCS-2 (outbox/segments.py); None for calls and emails.
    segments: Mapped[int | None] = mapped_column(SmallInteger)


def provider_for(channel: str) -> str:
    return "email" if channel == "email" else "twilio"


class ProviderHealth(db.Model):
    """Whether a provider (Twilio, the mail server, Notify) is taking messages: `failing_since`
    is set by the first send that could not reach it and cleared by the next that could. Its
    circuit breaker (used when texts have a second way out) is kept here too, so that every
    process sending texts sees the same one."""

    __tablename__ = "provider_health"
    __table_args__ = (CheckConstraint(f"provider IN {PROVIDERS}", name="provider_known"),
                      CheckConstraint(f"circuit IN {CIRCUITS}", name="circuit_known"))

    provider: Mapped[str] = mapped_column(String(10), primary_key=True)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    circuit: Mapped[str] = mapped_column(String(9), default=Circuit.CLOSED, server_default=Circuit.CLOSED.value)
    # When the circuit last opened or closed: since when texts have gone the way they go now.
    circuit_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Open: when to ask next whether it answers again; half-open: when a probe not heard back
    # from (its process died) is given up and another may start.
    probe_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SmsOptOut(db.Model):
    """A number that texted STOP (or that the phone company reports opted out): asks to it
    go by call only until it texts START."""

    __tablename__ = "sms_opt_out"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Postage(StrEnum):
    FIRST = "first"
    SECOND = "second"
    ECONOMY = "economy"


class OutboxLetter(db.Model):
    """The letter an outbox message of the letter channel carries: its PDF, kept only until it
    has left (handed to Notify, or marked posted from the print queue), and what it is about."""

    __tablename__ = "outbox_letter"
    __table_args__ = (CheckConstraint(one_of("postage", Postage), name="postage_known"),)

    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), primary_key=True)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pages: Mapped[int] = mapped_column(SmallInteger)
    postage: Mapped[str] = mapped_column(String(7))
    # The plan the letter is about and which letter it is (its words say it; the outbox knows no plans).
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    queued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Letters printed here rather than by Notify: when someone said they went in the post.
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
