from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.db_types import UTCDateTime
from emergency.extensions import db
from emergency.rota.calendar import TIERS

CONTACT_PREFERENCES = ("sms", "call", "both")
OVERRIDE_KINDS = ("add", "remove", "replace")


class DutyOfficer(db.Model):
    __tablename__ = "duty_officer"
    __table_args__ = (
        CheckConstraint(f"contact_preference IN {CONTACT_PREFERENCES}", name="contact_preference_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    mobile: Mapped[str] = mapped_column(String(20), unique=True)
    role: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    contact_preference: Mapped[str] = mapped_column(String(5), default="both")
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")  # asked in
    # Set when the phone company reports that the number texted STOP; texts then go unsent.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)


class RotaPattern(db.Model):
    """A recurring shift in a tier, covered by its officers in weekly turns."""

    __tablename__ = "rota_pattern"
    __table_args__ = (CheckConstraint(f"tier IN {TIERS}", name="tier_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[int]
    # Days the shift starts on: ["mon", ...]
    days: Mapped[list] = mapped_column(JSON)
    starts: Mapped[time] = mapped_column(Time())
    ends: Mapped[time] = mapped_column(Time())
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    rotate_every_weeks: Mapped[int] = mapped_column(default=1)

    turns: Mapped[list["RotaPatternTurn"]] = relationship(
        order_by="RotaPatternTurn.position", cascade="all, delete-orphan"
    )


class RotaPatternTurn(db.Model):
    """One officer's place in a pattern's rotation."""

    __tablename__ = "rota_pattern_turn"

    pattern_id: Mapped[int] = mapped_column(ForeignKey("rota_pattern.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("duty_officer.id"), index=True)

    officer: Mapped[DutyOfficer] = relationship()


class RotaOverride(db.Model):
    """A one-off change for a time range; overrides beat patterns, later ones earlier ones."""

    __tablename__ = "rota_override"
    __table_args__ = (
        CheckConstraint(f"kind IN {OVERRIDE_KINDS}", name="kind_known"),
        CheckConstraint(f"tier IN {TIERS}", name="tier_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    tier: Mapped[int]
    officer_id: Mapped[int] = mapped_column(ForeignKey("duty_officer.id"), index=True)
    replaces_officer_id: Mapped[int | None] = mapped_column(ForeignKey("duty_officer.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarFeed(db.Model):
    """An iCal feed reached by an unguessable token (stored hashed): one officer's shifts,
    or the whole rota when officer_id is empty."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("duty_officer.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    officer: Mapped[DutyOfficer | None] = relationship()
