"""Whether each provider is taking messages, as the sender finds when it hands them over, and
telling people when one has been out of reach long enough (once per outage)."""
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from emergency.clock import local_zone
from emergency.extensions import db
from emergency.outbox.models import PROVIDERS, ProviderHealth
from emergency.outbox.outcomes import OutageNotice, Outcomes
from emergency.outbox.service import describe_outage, provider_outage

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class Seen:
    """What one run of the sender saw of each provider. The local transport reaches nobody
    outside, so it has no health."""

    def __init__(self):
        self.reached, self.unreachable = set(), {}

    def answered(self, provider: str) -> None:
        if provider in PROVIDERS:
            self.reached.add(provider)

    def no_answer(self, provider: str, error: str) -> None:
        if provider in PROVIDERS:
            self.unreachable[provider] = error


def note(seen: Seen, now) -> None:
    """One write per provider per run: whether it answered, and since when it has not."""
    reached, unreachable = seen.reached, seen.unreachable
    if not reached and not unreachable:
        return
    insert = _INSERT[db.session.get_bind().dialect.name]
    for provider in reached | set(unreachable):
        db.session.execute(insert(ProviderHealth).values(provider=provider)
                           .on_conflict_do_nothing(index_elements=["provider"]))
    for provider in reached:
        db.session.execute(update(ProviderHealth).where(ProviderHealth.provider == provider)
                           .values(failing_since=None, last_success_at=now))
    for provider, error in unreachable.items():
        if provider in reached:
            continue  # some sends got through: not an outage
        db.session.execute(update(ProviderHealth).where(ProviderHealth.provider == provider,
                                                        ProviderHealth.failing_since.is_(None))
                           .values(failing_since=now))
        db.session.execute(update(ProviderHealth).where(ProviderHealth.provider == provider)
                           .values(last_error=error))
    db.session.commit()


def tell_of_twilio_outage(now, outcomes: Outcomes, after_seconds: int) -> None:
    """Once Twilio has refused every send for `after_seconds`, subscribers are told, with the
    same key for the whole outage, so that it is told once."""
    outage = provider_outage("twilio", now, after_seconds)
    if outage is None:
        return
    summary = describe_outage("twilio", outage, local_zone())
    body = (f"Carers Emergency Line: {summary}. Texts and calls are kept and will go as soon as Twilio "
            f"answers; escalations carry on by the clock. Check Twilio's status page and the line's "
            f"console. Last error: {outage['error']}")
    outcomes.outage(OutageNotice(key=f"provider-outage:twilio:{outage['since'].isoformat()}",
                                 subject=f"Carers Emergency Line: {summary}", body=body), now)
    db.session.commit()
