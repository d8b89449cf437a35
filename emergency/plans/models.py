from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.db_types import UTCDateTime, values_of
from emergency.extensions import db
from emergency.plans.vocabulary import ConsentStatus, PlanStatus

PLAN_STATUSES = values_of(PlanStatus)
CONSENT_STATUSES = values_of(ConsentStatus)


class ContingencyPlan(db.Model):
    __tablename__ = "contingency_plan"
    __table_args__ = (CheckConstraint(f"status IN {PLAN_STATUSES}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_number: Mapped[str] = mapped_column(String(10), unique=True)
    status: Mapped[str] = mapped_column(String(12), index=True)

    carer_name: Mapped[str] = mapped_column(String(200), index=True)
    carer_mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    carer_landline: Mapped[str | None] = mapped_column(String(20), index=True)
    carer_address_line1: Mapped[str] = mapped_column(String(200))
    carer_address_line2: Mapped[str | None] = mapped_column(String(200))
    carer_town: Mapped[str] = mapped_column(String(100))
    carer_postcode: Mapped[str] = mapped_column(String(8), index=True)
    # A configured language's code (emergency/wording/languages.py), or "other" with what the carer said.
    carer_preferred_language: Mapped[str] = mapped_column(String(50))
    carer_other_language: Mapped[str | None] = mapped_column(String(50))
    carer_large_print: Mapped[bool] = mapped_column(default=False, server_default=false())  # the card and letter

    how_to_get_in: Mapped[str] = mapped_column(Text, default="")
    key_holders: Mapped[str] = mapped_column(Text, default="")
    instructions: Mapped[str] = mapped_column(Text, default="")
    # Escalation for this plan; empty means the service's settings.
    escalation_wait_minutes: Mapped[int | None]
    escalation_rounds: Mapped[int | None]
    escalation_channels: Mapped[str | None] = mapped_column(String(4))

    last_reviewed_on: Mapped[date | None]
    review_due_on: Mapped[date] = mapped_column(index=True)
    # The carer asked not to be texted when the review falls due.
    review_texts_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the plan's personal data was erased on request; the row stays as a stub that
    # the audit log and the anonymised incidents point at, and keeps its card number unissued.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic lock: an update carries the version it was based on.
    version: Mapped[int] = mapped_column(Integer, default=1)

    cared_for: Mapped[list["CaredForPerson"]] = relationship(
        order_by="CaredForPerson.position", cascade="all, delete-orphan", back_populates="plan"
    )
    contacts: Mapped[list["EmergencyContact"]] = relationship(
        order_by="EmergencyContact.position", cascade="all, delete-orphan", back_populates="plan"
    )
    key_safe: Mapped["KeySafeCode | None"] = relationship(
        cascade="all, delete-orphan", back_populates="plan"
    )

    __mapper_args__ = {"version_id_col": version}


class CaredForPerson(db.Model):
    __tablename__ = "cared_for_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200), index=True)
    date_of_birth: Mapped[date | None]
    lives_with_carer: Mapped[bool] = mapped_column(default=True)
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    needs: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    medication: Mapped[str] = mapped_column(Text, default="")
    medication_location: Mapped[str] = mapped_column(Text, default="")
    allergies: Mapped[str] = mapped_column(Text, default="")
    mobility_needs: Mapped[str] = mapped_column(Text, default="")
    communication_needs: Mapped[str] = mapped_column(Text, default="")
    gp_name: Mapped[str] = mapped_column(String(200), default="")
    gp_practice: Mapped[str] = mapped_column(String(200), default="")
    gp_phone: Mapped[str | None] = mapped_column(String(20))
    other_care: Mapped[str] = mapped_column(Text, default="")
    routines: Mapped[str] = mapped_column(Text, default="")
    pets: Mapped[str] = mapped_column(Text, default="")
    can_be_left_alone: Mapped[bool] = mapped_column(default=False)
    safe_alone_minutes: Mapped[int | None]

    plan: Mapped[ContingencyPlan] = relationship(back_populates="cared_for")


class EmergencyContact(db.Model):
    __tablename__ = "emergency_contact"
    __table_args__ = (
        CheckConstraint(f"consent_status IN {CONSENT_STATUSES}", name="consent_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200), index=True)
    relationship_to_carer: Mapped[str] = mapped_column(String(100))
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    landline: Mapped[str | None] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")  # asked in
    # [{"days": ["mon", ...], "from": "HH:MM", "to": "HH:MM"}]; empty means any time.
    availability: Mapped[list] = mapped_column(JSON, default=list)
    holds_key: Mapped[bool] = mapped_column(default=False)
    consent_status: Mapped[str] = mapped_column(String(10), default="pending")
    consent_recorded_on: Mapped[date | None]

    plan: Mapped[ContingencyPlan] = relationship(back_populates="contacts")


class KeySafeCode(db.Model):
    """Kept apart from the plan so that no list, snapshot or version can carry it."""

    __tablename__ = "key_safe_code"

    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    plan: Mapped[ContingencyPlan] = relationship(back_populates="key_safe")


class PlanVersion(db.Model):
    """One change to a plan: who, when, what kind, the plan afterwards, and the fields that
    changed."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plan.id"), index=True)
    number: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_by: Mapped[str] = mapped_column(String(80))
    change: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict] = mapped_column(JSON)
    changes: Mapped[list] = mapped_column(JSON)


# A name search is "contains" (lower(name) LIKE '%hughes%'), which a B-tree cannot answer: on
# PostgreSQL a trigram index (pg_trgm) finds the rows without reading the register. SQLite has
# no trigram index and reads the table, as it always has.
for _index in (
    Index("ix_contingency_plan_carer_name_trgm", func.lower(ContingencyPlan.carer_name).label("carer_name_lower"),
          postgresql_using="gin", postgresql_ops={"carer_name_lower": "gin_trgm_ops"}),
    Index("ix_cared_for_person_name_trgm", func.lower(CaredForPerson.name).label("name_lower"),
          postgresql_using="gin", postgresql_ops={"name_lower": "gin_trgm_ops"}),
):
    _index.ddl_if(dialect="postgresql")
