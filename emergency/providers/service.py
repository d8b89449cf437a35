"""Care providers: list, add, change, deactivate. Every change is audited; the caller commits."""
from sqlalchemy import select

from emergency.audit import service as audit
from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.providers.models import CareProvider, ProviderCapability, ProviderDistrict
from emergency.records import get_or_not_found

FIELDS = ("name", "bookings_phone", "mobile", "email", "hourly_rate", "active", "contract_ends_on")


def get_provider(provider_id: int, field: str = "provider_id") -> CareProvider:
    return get_or_not_found(CareProvider, provider_id, "care provider", field)


def providers(active: bool | None = None):
    query = select(CareProvider).order_by(CareProvider.name, CareProvider.id)
    return query if active is None else query.where(CareProvider.active == active)


def save_provider(provider: CareProvider | None, data: dict, *, by, now) -> CareProvider:
    """Add a provider (provider None) or change one; audited with what changed (no numbers)."""
    is_new = provider is None
    provider = provider or CareProvider(created_at=now)
    clash = db.session.scalar(select(CareProvider).where(CareProvider.mobile == data["mobile"],
                                                         CareProvider.id != provider.id, CareProvider.active))
    if clash is not None and data.get("active", True):
        raise RuleBroken(f"{clash.name} already has this mobile number: replies could not tell them apart",
                         field="mobile")
    changed = [name for name in FIELDS if name in data and getattr(provider, name, None) != data[name]]
    for name in FIELDS:
        if name in data:
            setattr(provider, name, data[name])
    districts = sorted(set(data["districts"]))
    capabilities = sorted(set(data["capabilities"]))
    if provider.district_list != districts:
        changed.append("districts")
        provider.districts = [ProviderDistrict(district=d) for d in districts]
    if provider.capability_list != capabilities:
        changed.append("capabilities")
        provider.capabilities = [ProviderCapability(capability=c) for c in capabilities]
    db.session.add(provider)
    db.session.flush()
    if is_new or changed:
        audit.record("provider.added" if is_new else "provider.changed", user=by, now=now,
                     detail=f"care provider {provider.id}" + ("" if is_new else f": {', '.join(changed)}"))
    return provider


def set_active(provider: CareProvider, active: bool, *, by, now) -> CareProvider:
    if provider.active != active:
        provider.active = active
        audit.record("provider.reactivated" if active else "provider.deactivated", user=by, now=now,
                     detail=f"care provider {provider.id}")
        db.session.flush()
    return provider


def provider_for_mobile(mobile: str) -> CareProvider | None:
    return db.session.scalar(select(CareProvider).where(CareProvider.mobile == mobile)
                             .order_by(CareProvider.active.desc(), CareProvider.id))
