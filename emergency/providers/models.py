from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.db_types import UTCDateTime, one_of
from emergency.extensions import db
from emergency.providers.vocabulary import Capability


class CareProvider(db.Model):
    """A home-care agency the council commissions for emergency cover."""

    __tablename__ = "care_provider"
    __table_args__ = (CheckConstraint("hourly_rate >= 0", name="hourly_rate_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Answered day and night: where officers ring to book by phone.
    bookings_phone: Mapped[str] = mapped_column(String(20))
    # Where asks go by text, and the only number whose replies count.
    mobile: Mapped[str] = mapped_column(String(20), index=True)
    email: Mapped[str] = mapped_column(String(254))
    # Pounds an hour, for the estimated cost in reports.
    hourly_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    active: Mapped[bool] = mapped_column(default=True)
    contract_ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    districts: Mapped[list["ProviderDistrict"]] = relationship(
        order_by="ProviderDistrict.district", cascade="all, delete-orphan")
    capabilities: Mapped[list["ProviderCapability"]] = relationship(
        order_by="ProviderCapability.capability", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def district_list(self) -> list[str]:
        return [row.district for row in self.districts]

    @property
    def capability_list(self) -> list[str]:
        return [row.capability for row in self.capabilities]


class ProviderDistrict(db.Model):
    """A postcode district (LS6, EN5) a provider covers."""

    __tablename__ = "provider_district"

    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"), primary_key=True)
    district: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)


class ProviderCapability(db.Model):
    __tablename__ = "provider_capability"
    __table_args__ = (CheckConstraint(one_of("capability", Capability), name="capability_known"),)

    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"), primary_key=True)
    capability: Mapped[str] = mapped_column(String(20), primary_key=True)
