from datetime import date, datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from emergency.db_types import UTCDateTime
from emergency.extensions import db


class KeptReport(db.Model):
    """A period's report as counted once, so that its page, print view, tables and charts read
    the same figures without counting the register again: the sections' tables as JSON."""

    __tablename__ = "kept_report"
    __table_args__ = (UniqueConstraint("first", "last", name="uq_kept_report_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[date]
    last: Mapped[date]
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # [{"title": ..., "tables": [Table's fields, ...]}, ...]
    sections: Mapped[list] = mapped_column(JSON)
