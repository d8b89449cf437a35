"""Which providers to offer for an incident: those covering the plan's postcode district and
able to do everything the care needs come first. Pure but for the one query."""
import re

from sqlalchemy import or_, select

from emergency.cover.texts import district_of
from emergency.extensions import db
from emergency.providers.models import CareProvider
from emergency.providers.vocabulary import Capability

# Words in the plan's free-text needs that suggest what to tick; the officer decides.
_SUGGESTED_BY = {
    Capability.DEMENTIA: r"dementia|alzheimer",
    Capability.LEARNING_DISABILITY: r"learning disab|down'?s syndrome|autis",
    Capability.PERSONAL_CARE: r"wash|bath|dress|toilet|continence|personal care|hoist",
    Capability.OVERNIGHT: r"night",
}


def suggested_capabilities(snapshot: dict | None) -> list[str]:
    if not snapshot:
        return []
    words = " ".join(str(person.get(key) or "") for person in snapshot.get("cared_for", [])
                     for key in ("needs", "conditions", "mobility_needs", "communication_needs", "routines")).lower()
    return [c.value for c, pattern in _SUGGESTED_BY.items() if re.search(pattern, words)]


def covers_district(provider: CareProvider, district: str) -> bool:
    return district in provider.district_list


def ranked_providers(snapshot: dict | None, capabilities, today) -> tuple[list[CareProvider], list[CareProvider]]:
    """(matching, others) among active providers whose contract has not ended, each by name."""
    district, wanted = district_of(snapshot), set(capabilities)
    matching, others = [], []
    in_contract = or_(CareProvider.contract_ends_on.is_(None), CareProvider.contract_ends_on >= today)
    for provider in db.session.scalars(select(CareProvider).where(CareProvider.active, in_contract)
                                       .order_by(CareProvider.name, CareProvider.id)):
        fits = covers_district(provider, district) and wanted <= set(provider.capability_list)
        (matching if fits else others).append(provider)
    return matching, others


def district_warnings(snapshot: dict | None, chosen: dict[str, CareProvider]) -> dict[str, list[str]]:
    """{field: [warning]} for each chosen provider that does not cover the plan's district:
    allowed (the officer may know better), but said."""
    district = district_of(snapshot)
    return {field: [f"{provider.name} does not cover {district}"]
            for field, provider in chosen.items() if not covers_district(provider, district)}
