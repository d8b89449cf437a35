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
