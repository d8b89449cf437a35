"""Which provider carries each message, when texts have a second way out (Twilio first, GOV.UK
Notify while Twilio fails).

Each provider's circuit breaker (emergency.outbox.circuit) is kept in `provider_health`, so
that every process sending texts sees the same one; each change is a locked read and write of
its row. A message is handed to one provider only: once a hand-over may have reached a
provider (it was taken, refused, or timed out after sending), the message stays with it; only
a try that surely never left (a refused connection) lets a later try go another way.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from emergency import wakeup
from emergency.database import insert_of
from emergency.extensions import db
from emergency.outbox import circuit
from emergency.outbox.circuit import Breaker
from emergency.outbox.models import PROVIDERS, Channel, Circuit, OutboxMessage, OutboxStatus, ProviderHealth
from emergency.outbox.outcomes import Outcomes
from emergency.outbox.service import PROVIDER_NAMES
from emergency.outbox.transport import Transports

NEVER = timedelta.max  # the window when texts have no second way out: a circuit never opens


def breaker_of(row: ProviderHealth | None) -> Breaker:
    if row is None:
        return Breaker()
    return Breaker(Circuit(row.circuit), row.failing_since, row.circuit_changed_at, row.probe_at)


def store(row: ProviderHealth, breaker: Breaker) -> None:
    row.circuit, row.failing_since = breaker.circuit, breaker.failing_since
    row.circuit_changed_at, row.probe_at = breaker.changed_at, breaker.probe_at


def locked_row(provider: str) -> ProviderHealth:
    """The provider's health row, made if need be, locked until the transaction ends."""
    insert = insert_of(db.session)
    db.session.execute(insert(ProviderHealth).values(provider=provider, circuit=Circuit.CLOSED)
                       .on_conflict_do_nothing(index_elements=["provider"]))
    return db.session.scalar(select(ProviderHealth).where(ProviderHealth.provider == provider)
                             .with_for_update().execution_options(populate_existing=True))


class Routes:
    """One run of the sender's view of the circuits: read when the run starts, changed as
    answers come in (so that a probe that finds Twilio back sends the rest of the run through
    it), and written back by health.note when the run ends."""

    def __init__(self, transports: Transports, window: timedelta, outcomes: Outcomes | None = None):
        self.transports, self.outcomes = transports, outcomes or Outcomes()
        self.active = transports.sms_backup is not None
        self.window = window if self.active else NEVER
        self.breakers: dict[str, Breaker] = {}

    def load(self, now: datetime) -> None:
        """Read every circuit; open those whose provider has answered nothing for the window."""
        if not self.active:
            return
        for provider in PROVIDERS:
            if (row := db.session.get(ProviderHealth, provider)) is None:
                continue
            breaker = breaker_of(row)
            if circuit.as_time_passes(breaker, now, self.window) != breaker:
                row = locked_row(provider)  # another process may have opened it meanwhile: only one tells
                before = breaker_of(row)
                breaker = circuit.as_time_passes(before, now, self.window)
                store(row, breaker)
                if before.carrying and not breaker.carrying:
                    self.opened(provider, now)
            self.breakers[provider] = breaker
        db.session.commit()

    def texts_carrier(self) -> str:
        backup = self.transports.sms_backup
        return circuit.carrier(self.transports.sms.provider, backup.provider if backup else None, self.breakers)

    def provider_for(self, message: OutboxMessage) -> str:
        """The provider a message already may have (it stays there), else the one carrying its channel now."""
        if message.provider is not None and self.transports.by_provider(message.provider) is not None:
            return message.provider
        if message.channel == Channel.SMS:
            return self.texts_carrier()
        if message.channel == Channel.LETTER:
            return self.transports.letters.provider
        return (self.transports.voice if message.channel == Channel.CALL else self.transports.email).provider

    def saw(self, provider: str, answered: bool, now: datetime) -> None:
        if self.active and provider in PROVIDERS:
            breaker = self.breakers.get(provider, Breaker())
            self.breakers[provider] = (circuit.answered(breaker, now) if answered
                                       else circuit.failed(breaker, now, self.window))

    def probes_due(self, now: datetime) -> list:
        """[(provider, transport)] whose probe this run makes: each due probe is claimed (the
        circuit made half-open) by one process only."""
        due = []
        for provider, breaker in list(self.breakers.items()):
            transport = self.transports.by_provider(provider)
            if not circuit.probe_due(breaker, now) or not hasattr(transport, "probe"):
                continue
            row = locked_row(provider)
            if circuit.probe_due(breaker_of(row), now):
                self.breakers[provider] = circuit.probing(breaker_of(row), now)
                store(row, self.breakers[provider])
                due.append((provider, transport))
            db.session.commit()
        return due


    def opened(self, provider: str, now: datetime) -> None:
        """A provider's circuit has just opened. Texts waiting for it, that no provider may have
        yet, go at once another way rather than at their next try. If it carries calls, the
        calls waiting for it cannot be made: subscribers hear of each, so that nobody waits for
        one (an ask that could only be a call moves on)."""
        current_app.logger.warning("outbox: %s has failed every send for %s: texts go another way", provider, self.window)
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.channel == Channel.SMS,
                   OutboxMessage.provider.is_(None), OutboxMessage.next_attempt_at > now)
            .values(next_attempt_at=now).execution_options(synchronize_session=False))
        wakeup.after_commit(wakeup.SENDER)
        if provider != self.transports.voice.provider:
            return
        held = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.channel == Channel.CALL)
            .order_by(OutboxMessage.id)).all()
        for message in held:
            self.outcomes.call_held(message, now)


def texts_carried_by(transports: Transports, zone) -> dict | None:
    """{provider, since, summary} of the provider carrying texts now (summary only while the
    backup carries them), or None when texts have one way out."""
    if transports.sms_backup is None:
        return None
    breakers = {row.provider: breaker_of(row) for row in db.session.scalars(select(ProviderHealth))}
    provider = circuit.carrier(transports.sms.provider, transports.sms_backup.provider, breakers)
    # The way texts go changes when the first provider's circuit opens or closes.
    since = breakers.get(transports.sms.provider, Breaker()).changed_at
    summary = None
    if provider != transports.sms.provider:
        summary = (f"texts are going through {PROVIDER_NAMES[provider]} since {since.astimezone(zone):%H:%M}: "
                   f"{PROVIDER_NAMES[transports.sms.provider]} has not answered; calls wait until it does")
    return {"provider": provider, "since": since.isoformat() if since else None, "summary": summary}


def calls_cannot_be_made() -> bool:
    """Whether the calls' provider is known to be failing while texts go another way: then a
    call waits for it to answer again, and nobody should wait for a call."""
    row = db.session.get(ProviderHealth, "twilio")
    return row is not None and row.circuit != Circuit.CLOSED
