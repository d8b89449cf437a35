from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime
from emergency.extensions import db


class InboundRequest(db.Model):
    """A Twilio request already handled, by its MessageSid or CallSid (plus the step of the
    call), with the answer given: the same request delivered twice has one effect."""

    __tablename__ = "inbound_request"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(Text)


class SmsOptOut(db.Model):
    """A number that texted STOP (or that the phone company reports opted out): asks to it
    go by call only until it texts START."""

    __tablename__ = "sms_opt_out"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime())
