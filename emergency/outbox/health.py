"""Whether each provider is taking messages, as the sender finds when it hands them over, and
telling people when one has been out of reach long enough (once per outage)."""
from flask import current_app

from emergency.clock import local_zone
from emergency.extensions import db
from emergency.outbox import circuit, failover
from emergency.outbox.models import PROVIDERS
from emergency.outbox.outcomes import OutageNotice, Outcomes
from emergency.outbox.service import PROVIDER_NAMES, describe_outage, provider_outage


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


def note(seen: Seen, now, routes=None) -> None:
    """One write per provider per run: whether it answered, since when it has not, and (when
    texts have a second way out) its circuit breaker, each a locked read and write of its row."""
    reached, unreachable = seen.reached, seen.unreachable
    window = routes.window if routes is not None else failover.NEVER
    for provider in sorted(reached | set(unreachable)):
        row = failover.locked_row(provider)
        breaker = failover.breaker_of(row)
        if provider in reached:  # some sends got through: not an outage
            row.last_success_at = now
            after = circuit.answered(breaker, now)
        else:
            row.last_error = unreachable[provider]
            after = circuit.failed(breaker, now, window)
        failover.store(row, after)
        if breaker.carrying and not after.carrying:
            routes.opened(provider, now)
        elif not breaker.carrying and after.carrying:
            current_app.logger.warning("outbox: %s answers again and carries texts again", provider)
    db.session.commit()


def tell_of_twilio_outage(now, outcomes: Outcomes, after_seconds: int, texts_go_by: str | None = None) -> None:
    """Once Twilio has refused every send for `after_seconds`, subscribers are told, with the
    same key for the whole outage, so that it is told once. `texts_go_by`: the provider
    carrying texts meanwhile, if not Twilio."""
    outage = provider_outage("twilio", now, after_seconds)
    if outage is None:
        return
    summary = describe_outage("twilio", outage, local_zone())
    kept = (f"Texts are going through {PROVIDER_NAMES[texts_go_by]} meanwhile; calls are kept and will go as soon "
            f"as Twilio answers" if texts_go_by else "Texts and calls are kept and will go as soon as Twilio answers")
    body = (f"Carers Emergency Line: {summary}. {kept}; escalations carry on by the clock. Check Twilio's status "
            f"page and the line's console. Last error: {outage['error']}")
    outcomes.outage(OutageNotice(key=f"provider-outage:twilio:{outage['since'].isoformat()}",
                                 subject=f"Carers Emergency Line: {summary}", body=body), now)
    db.session.commit()
