from datetime import datetime

from sqlalchemy import JSON, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime
from emergency.extensions import db


def sms_request_key(message_sid: str) -> str:
    """The replay record's key of a text, by Twilio's MessageSid."""
    return f"sms:{message_sid}"


class InboundRequest(db.Model):
    """A Twilio request already handled, by its MessageSid or CallSid (plus the step of the
    call), with the answer given: the same request delivered twice has one effect."""

    __tablename__ = "inbound_request"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(Text)


class PutThrough(db.Model):
    """A caller being put through to people, one at a time: who is to be rung in order, and
    which leg, if any, was taken with a key press. A leg answered without one (a voicemail, a
    hang-up during the screening) never ends the chain."""

    __tablename__ = "put_through"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    call_sid: Mapped[str | None] = mapped_column(String(64))
    # [[name, number], ...] in the order they are rung.
    people: Mapped[list] = mapped_column(JSON)
    taken_leg: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
