"""The escalation engine: a clock calls tick(now); the database holds every incident's state.

Due incidents are claimed so that several engines never take the same step twice: on
PostgreSQL a few at a time with row locks (FOR UPDATE SKIP LOCKED), their steps written and
committed together, or, if one fails, each again in its own savepoint; on SQLite, which has no
row locks and serves one instance, one at a time with a conditional update (a lease).
"""
import os
import socket
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from emergency.extensions import db
from emergency.incidents import caller_updates, steps, surveys, timeline
from emergency.incidents.models import EngineHeartbeat, Incident
from emergency.incidents.vocabulary import EventKind, IncidentStatus
from emergency.monitoring import metrics
from emergency.outbox import failover

MOST_PER_TICK = 20_000
# Claimed and committed together on PostgreSQL: a commit, a NOTIFY and a claim for every few
# steps rather than each, while the reply codes of a few's asks are held for about a tenth of a
# second (docs/benchmarks.md has 16 and 32 at 100,000 open incidents).
CLAIMED_TOGETHER = 32
LEASE = timedelta(seconds=60)
OVERDUE = timedelta(minutes=1)
INSTANCE = f"{socket.gethostname()}:{os.getpid()}"
WITH_DUE_WORK = (IncidentStatus.OPEN, IncidentStatus.RESOLVED)  # escalating, or waiting to send the survey


def _due(now):
    """An escalation step (or a survey) is due, or the caller's "still looking" text is."""
    return (or_(Incident.next_action_at <= now, Incident.caller_update_at <= now), Incident.status.in_(WITH_DUE_WORK))


def tick(now, instance: str = INSTANCE) -> int:
    """Take every due step; returns how many incidents were handled. `instance` names this
    engine in the heartbeat table."""
    started = time.perf_counter()
    overdue = db.session.scalar(
        select(func.count(Incident.id))
        .where(Incident.next_action_at < now - OVERDUE, Incident.status.in_(WITH_DUE_WORK))
    )
    db.session.commit()
    if overdue:
        current_app.logger.warning("engine: %d incident(s) overdue by more than a minute at %s", overdue, now)
    if db.session.get_bind().dialect.name == "postgresql":
        handled = _tick_with_row_locks(now)
    else:
        handled = _tick_with_leases(now)
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    metrics.TICK_SECONDS.observe(elapsed_ms / 1000)
    slow = elapsed_ms > current_app.config["ENGINE_TICK_SECONDS"] * 1000
    if slow:
        current_app.logger.warning("engine: tick took %d ms for %d incident(s)", elapsed_ms, handled)
    _heartbeat(instance, now, elapsed_ms, slow, overdue)
    return handled


class _SharedLookups:
    """Who is on duty and which numbers refuse texts, read once per tick, not per incident."""

    def __init__(self, now):
        self.now, self._on_duty, self._blocked, self._calls_down = now, steps.OnDutyWhenAsked(now), None, None

    def take(self, incident):
        """One incident's due work; a fault raises."""
        if incident.status == IncidentStatus.RESOLVED:
            surveys.send_survey(incident, self.now)
            return
        if incident.caller_update_at is not None and incident.caller_update_at <= self.now:
            caller_updates.send_caller_update(incident, self.now)
        if incident.next_action_at is None or incident.next_action_at > self.now:
            return  # only the caller's text was due
        metrics.STEP_LATENESS.observe(max(0.0, (self.now - incident.next_action_at).total_seconds()))
        if self._blocked is None:
            self._blocked = steps.sms_blocked_numbers()
            self._calls_down = failover.calls_cannot_be_made()
        steps.take_next_step(incident, self.now, self._on_duty, self._blocked, self._calls_down)

    def step(self, incident):
        """One incident's due work, in a savepoint: a fault in one incident is logged and
        retried shortly, and never holds up the others."""
        try:
            with db.session.begin_nested():
                self.take(incident)
        except Exception:
            current_app.logger.exception("engine: incident %s failed its step; retrying in a minute", incident.id,
                                         extra={"incident_id": incident.id})
            if incident.next_action_at is not None and incident.next_action_at <= self.now:
                incident.next_action_at = self.now + OVERDUE
            if incident.caller_update_at is not None and incident.caller_update_at <= self.now:
                incident.caller_update_at = self.now + OVERDUE
            timeline.note(incident, self.now, EventKind.ENGINE_ERROR, "the step failed and will be retried in a minute")


def _tick_with_row_locks(now) -> int:
    # A few incidents a transaction: a step's new asks hold their reply codes (unique per
    # number among open asks) until it commits, so another engine paging the same officer
    # waits for the few, not a whole tick. Two engines picking each other's codes for the same
    # number at once would deadlock; PostgreSQL ends one of the statements, and its few are
    # taken again one by one.
    handled, lookups = 0, _SharedLookups(now)
    while handled < MOST_PER_TICK:
        claimed = _claim(Incident.next_action_at, now) | _claim(Incident.caller_update_at, now)
        if not claimed:
            break
        try:
            # Written once, at the commit, in one flush for the few (a flush, and a savepoint,
            # for each step cost more than the step's own statements).
            with db.session.no_autoflush:
                for incident in claimed.values():
                    lookups.take(incident)
            db.session.commit()
            handled += len(claimed)
        except Exception:
            db.session.rollback()
            handled += _one_by_one(list(claimed), now, lookups)
    return handled


def _one_by_one(incident_ids: list[int], now, lookups: _SharedLookups) -> int:
    """The few again after they failed together, each in its own savepoint: a fault stays with
    the incident whose step caused it, and the others' steps are taken. Returns how many."""
    incidents = _locked(select(Incident).where(Incident.id.in_(incident_ids), *_due(now)).order_by(Incident.id))
    for incident in incidents:
        lookups.step(incident)
    db.session.commit()
    return len(incidents)


def _claim(due_at, now) -> dict[int, Incident]:
    """Up to CLAIMED_TOGETHER incidents whose `due_at` has come, locked for this transaction,
    read in that column's index order, so a claim reads what it returns however many are due
    (one query for either column reads every due row to sort them)."""
    incidents = _locked(select(Incident).where(due_at <= now, Incident.status.in_(WITH_DUE_WORK))
                        .order_by(due_at, Incident.id).limit(CLAIMED_TOGETHER))
    return {incident.id: incident for incident in incidents}


def _locked(query) -> list[Incident]:
    """The incidents `query` finds that no other engine holds, locked, with their pages."""
    return db.session.scalars(query.with_for_update(skip_locked=True).options(selectinload(Incident.pages))).all()


def _tick_with_leases(now) -> int:
    handled, lookups = 0, _SharedLookups(now)
    due_ids = db.session.scalars(
        select(Incident.id).where(*_due(now)).order_by(Incident.next_action_at, Incident.id)
        .limit(MOST_PER_TICK)
    ).all()
    db.session.commit()
    for incident_id in due_ids:
        # The claim is the transaction's first write, so it also takes SQLite's write lock
        # before the incident is read: nobody can change it between reading and writing.
        claimed = db.session.execute(
            update(Incident)
            .where(Incident.id == incident_id, *_due(now),
                   or_(Incident.claimed_until.is_(None), Incident.claimed_until < now))
            .values(claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        incident = db.session.get(Incident, incident_id, populate_existing=True)
        lookups.step(incident)
        incident.claimed_until = None
        db.session.commit()
        handled += 1
    return handled


def _heartbeat(instance: str, now, elapsed_ms: int, slow: bool, overdue: int) -> None:
    beat = db.session.get(EngineHeartbeat, instance)
    if beat is None:
        beat = EngineHeartbeat(instance=instance, slow_ticks=0, overdue_seen=0)
        db.session.add(beat)
    beat.last_tick_at, beat.last_tick_ms = now, elapsed_ms
    beat.slow_ticks += int(slow)
    beat.overdue_seen += overdue
    db.session.commit()


def last_tick():
    return db.session.scalar(select(EngineHeartbeat).order_by(EngineHeartbeat.last_tick_at.desc()))
