"""The words of cover's texts and email, from the catalogs. Texts carry the district only:
no health details, address or key-safe code."""
from datetime import datetime

from emergency.cover.vocabulary import Outcome
from emergency.incidents.messages import who_and_where
from emergency.providers.vocabulary import Capability
from emergency.wording import phrase

_CAPABILITIES = {
    Capability.PERSONAL_CARE: lambda: phrase("cover.capability.personal_care"),
    Capability.SITTING: lambda: phrase("cover.capability.sitting"),
    Capability.OVERNIGHT: lambda: phrase("cover.capability.overnight"),
    Capability.LIVE_IN: lambda: phrase("cover.capability.live_in"),
    Capability.DEMENTIA: lambda: phrase("cover.capability.dementia"),
    Capability.LEARNING_DISABILITY: lambda: phrase("cover.capability.learning_disability"),
    Capability.CHILDREN: lambda: phrase("cover.capability.children"),
}
_OUTCOMES = {
    Outcome.CARER_BACK: lambda: phrase("cover.outcome.carer_back"),
    Outcome.FAMILY_OR_FRIENDS: lambda: phrase("cover.outcome.family_or_friends"),
    Outcome.HOSPITAL: lambda: phrase("cover.outcome.hospital"),
    Outcome.LONGER_TERM_CARE: lambda: phrase("cover.outcome.longer_term_care"),
    Outcome.RESIDENTIAL_CARE: lambda: phrase("cover.outcome.residential_care"),
    Outcome.DIED: lambda: phrase("cover.outcome.died"),
    Outcome.OTHER: lambda: phrase("cover.outcome.other"),
}


def when(moment: datetime, zone, now: datetime) -> str:
    """18:00 today, 09:00 tomorrow, or Fri 18:00, in local time."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    days = (local.date() - today).days
    if days == 0:
        return f"{local:%H:%M} today"
    if days == 1:
        return f"{local:%H:%M} tomorrow"
    return f"{local:%a %d %b %H:%M}"


def district_of(snapshot: dict | None) -> str:
    return who_and_where(snapshot)[2] if snapshot else phrase("place.your_area")


def needs(capabilities) -> str:
    chosen = [_CAPABILITIES[Capability(c)]() for c in Capability if c in set(capabilities)]
    return phrase("cover.needs.joiner").join(chosen) if chosen else phrase("cover.needs.any")


def ask(snapshot, code: str, starts_at, ends_at, capabilities, zone, now) -> str:
    hours = round((ends_at - starts_at).total_seconds() / 3600)
    return phrase("cover.ask", district=district_of(snapshot), start=when(starts_at, zone, now), hours=hours,
                  needs=needs(capabilities), code=code)


def booked(snapshot, code, starts_at, ends_at, link, zone, now) -> str:
    return phrase("cover.booked", district=district_of(snapshot), start=when(starts_at, zone, now),
                  end=when(ends_at, zone, now), link=link, code=code)


def covered(snapshot, code) -> str:
    return phrase("cover.covered", district=district_of(snapshot), code=code)


def too_late(snapshot, code) -> str:
    return phrase("cover.too_late", district=district_of(snapshot), code=code)


def declined() -> str:
    return phrase("cover.declined")


def no_ask(code) -> str:
    return phrase("cover.no_ask", code=code)


def officer_accepted(provider, incident, starts_at, ends_at, zone, now) -> str:
    return phrase("cover.officer.accepted", provider=provider.name, incident=incident.id,
                  district=district_of(incident.plan_snapshot), start=when(starts_at, zone, now),
                  end=when(ends_at, zone, now))


def officer_no_answer(provider, incident, next_provider, others_waiting: bool, timed_out: bool) -> str:
    if next_provider is not None:
        after = phrase("cover.officer.asking_next", provider=next_provider.name)
    elif others_waiting:
        after = phrase("cover.officer.others_waiting")
    else:
        after = phrase("cover.officer.nobody_left")
    values = {"provider": provider.name, "incident": incident.id, "district": district_of(incident.plan_snapshot),
              "next": after}
    return phrase("cover.officer.timed_out", **values) if timed_out else phrase("cover.officer.declined", **values)


def reminder(cover, incident, zone, now) -> str:
    _, cared_for, district = who_and_where(incident.plan_snapshot)
    return phrase("cover.reminder", cared_for=cared_for, district=district, provider=cover.provider.name,
                  end=when(cover.planned_end_at, zone, now), incident=incident.id)


def ended_to_provider(snapshot, code) -> str:
    return phrase("cover.ended.provider", district=district_of(snapshot), code=code)


def ended_to_officer(cover, incident) -> str:
    return phrase("cover.ended.officer", incident=incident.id, district=district_of(incident.plan_snapshot),
                  provider=cover.provider.name, outcome=_OUTCOMES[Outcome(cover.outcome)]())


def home_thanks() -> str:
    return phrase("cover.home.thanks")


def home_to_confirm() -> str:
    return phrase("cover.home.to_confirm")


def home_confirm_with_carer(number, incident) -> str:
    return phrase("cover.home.confirm_with_carer", number=number, incident=incident.id,
                  district=district_of(incident.plan_snapshot))


def referral_subject(incident) -> str:
    return phrase("cover.referral.subject", incident=incident.id)


def referral_body(card, incident, link, by, at) -> str:
    return phrase("cover.referral.body", card=card, incident=incident.id, link=link, by=by, at=at)
