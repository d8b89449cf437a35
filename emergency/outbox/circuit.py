"""A circuit breaker per provider, and which provider carries texts. Pure: time passed in.

- closed: the provider carries what it is given. Once it has failed every send (unreachable,
  a timeout, a 5xx or 429) for the failover window, the circuit opens.
- open: texts go the other way. Every PROBE_EVERY the provider is asked whether it answers
  (a probe that sends no message); while the probe is under way the circuit is half-open.
- half-open: a probe is under way. It answering closes the circuit; it failing opens it
  again until the next probe. A probe not heard back from (its process died) may be started
  again once PROBE_LEASE has passed.
Any send the provider answers (even with a refusal) closes its circuit.
"""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from emergency.outbox.models import Circuit

PROBE_EVERY = timedelta(seconds=30)
PROBE_LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class Breaker:
    circuit: Circuit = Circuit.CLOSED
    failing_since: datetime | None = None  # the first of an unbroken run of failures
    changed_at: datetime | None = None  # when the circuit last opened or closed
    probe_at: datetime | None = None  # open: the next probe; half-open: when the probe under way is given up

    @property
    def carrying(self) -> bool:
        return self.circuit == Circuit.CLOSED


def _opened(failing_since: datetime, now: datetime) -> Breaker:
    return Breaker(Circuit.OPEN, failing_since, now, now + PROBE_EVERY)


def failed(breaker: Breaker, now: datetime, window: timedelta) -> Breaker:
    """A send or a probe that did not reach the provider."""
    since = breaker.failing_since or now
    if breaker.circuit == Circuit.CLOSED:
        return _opened(since, now) if now - since >= window else replace(breaker, failing_since=since)
    if breaker.circuit == Circuit.HALF_OPEN:  # the probe failed: ask again later
        return Breaker(Circuit.OPEN, since, breaker.changed_at, now + PROBE_EVERY)
    return replace(breaker, failing_since=since)


def answered(breaker: Breaker, now: datetime) -> Breaker:
    """A send or a probe the provider answered."""
    if breaker.circuit == Circuit.CLOSED:
        return replace(breaker, failing_since=None)
    return Breaker(Circuit.CLOSED, None, now, None)


def as_time_passes(breaker: Breaker, now: datetime, window: timedelta) -> Breaker:
    """Opens a closed circuit whose provider has answered nothing for the window, although no
    send has just failed: the messages waiting for it are not kept waiting for their next try."""
    if breaker.circuit == Circuit.CLOSED and breaker.failing_since is not None and now - breaker.failing_since >= window:
        return _opened(breaker.failing_since, now)
    return breaker


def probe_due(breaker: Breaker, now: datetime) -> bool:
    return breaker.circuit != Circuit.CLOSED and breaker.probe_at is not None and breaker.probe_at <= now


def probing(breaker: Breaker, now: datetime) -> Breaker:
    return replace(breaker, circuit=Circuit.HALF_OPEN, probe_at=now + PROBE_LEASE)


def carrier(primary: str, backup: str | None, breakers: dict[str, Breaker]) -> str:
    """The provider that carries texts: the primary while its circuit is closed, else the backup
    while its own is; with both failing, the primary, whose return its probe finds first."""
    if backup is None or breakers.get(primary, Breaker()).carrying:
        return primary
    return backup if breakers.get(backup, Breaker()).carrying else primary
