"""GET /metrics in Prometheus's text format, for operations.

Multi-worker correct: most figures are read from the database at scrape time (any worker
answers with the same numbers); the few measured in the process (webhook requests and their
latency, engine tick durations, step lateness) use prometheus-client's multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set, which sums them over every worker.

Reached with a bearer token of a user with the `monitor` role, or from an address in
METRICS_ALLOW_FROM.
"""
import ipaddress
import os
import time
from datetime import timedelta

from flask import Blueprint, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents.models import INCIDENT_STATUSES, EngineHeartbeat, Incident, Page
from emergency.incidents.vocabulary import LIVE_STATUSES
from emergency.outbox.models import OutboxMessage, OutboxStatus
from emergency.reports.localsql import seconds_between
from emergency.rota import service as rota
from emergency.users.roles import Role
from emergency.users.service import user_for_token

blp = Blueprint("metrics", __name__)

# Seconds: the asks go out at once; help is arranged in minutes, or an hour at worst.
RESPONSE_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200)
GAP_DAYS = 14

PROCESS_REGISTRY = CollectorRegistry()
WEBHOOK_REQUESTS = Counter("cel_webhook_requests", "Twilio webhook requests answered, by route and status",
                           ["route", "status"], registry=PROCESS_REGISTRY)
WEBHOOK_SECONDS = Histogram("cel_webhook_request_seconds", "Time to answer a Twilio webhook, by route", ["route"],
                            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15), registry=PROCESS_REGISTRY)
TICK_SECONDS = Histogram("cel_engine_tick_seconds", "Duration of the escalation engine's ticks",
                         buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30), registry=PROCESS_REGISTRY)
# Critical: a call, a text or a kept text that no person could be told of (no address at all,
# or none that worked), or a kept text the line could not handle. Each is also logged at
# CRITICAL, and /health reports what is still outstanding.
NOBODY_REACHED = Counter("cel_nobody_reached", "Calls and texts no person could be told of, and kept texts the "
                         "line could not handle (critical), by what it was", ["what"], registry=PROCESS_REGISTRY)
STEP_LATENESS = Histogram("cel_escalation_step_lateness_seconds",
                          "How long after it fell due an escalation step was taken",
                          buckets=(1, 2, 5, 10, 30, 60, 120, 300, 600), registry=PROCESS_REGISTRY)


class _ProcessMetrics:
    def collect(self):
        yield from PROCESS_REGISTRY.collect()


class DatabaseMetrics:
    """Figures read from the database at scrape time."""

    def __init__(self, now):
        self.now = now

    def collect(self):
        yield self._incidents_by_status()
        dialect = db.session.get_bind().dialect.name
        first_ask = (select(Incident.opened_at.label("opened_at"), func.min(Page.sent_at).label("sent_at"))
                     .join(Page, Page.incident_id == Incident.id).where(Page.who != "fallback")
                     .group_by(Incident.id, Incident.opened_at).subquery())
        yield _histogram("cel_incident_first_ask_seconds", "Time from opening an incident to its first ask",
                         seconds_between(dialect, first_ask.c.opened_at, first_ask.c.sent_at), first_ask)
        yield _histogram("cel_incident_acceptance_seconds", "Time from opening an incident to its acceptance",
                         seconds_between(dialect, Incident.opened_at, Incident.accepted_at), Incident.__table__,
                         Incident.accepted_at.is_not(None))
        yield from self._engine()
        yield from self._outbox()
        yield self._rota_gaps()

    def _incidents_by_status(self):
        counts = dict(db.session.execute(select(Incident.status, func.count()).group_by(Incident.status)).all())
        family = GaugeMetricFamily("cel_incidents", "Incidents by status", labels=["status"])
        for status in INCIDENT_STATUSES:
            family.add_metric([status], counts.get(status, 0))
        return family

    def _engine(self):
        live = db.session.scalar(select(func.count()).where(Incident.status.in_(LIVE_STATUSES)))
        yield GaugeMetricFamily("cel_incidents_live", "Incidents open, accepted or exhausted (on the console)",
                                value=live)
        beats = db.session.scalars(select(EngineHeartbeat)).all()
        latest = max((beat.last_tick_at for beat in beats), default=None)
        yield GaugeMetricFamily("cel_engine_last_tick_age_seconds", "Seconds since any engine last ticked (-1: never)",
                                value=-1 if latest is None else (self.now - latest).total_seconds())
        family = GaugeMetricFamily("cel_engine_last_tick_duration_seconds", "Each engine's last tick's duration",
                                   labels=["instance"])
        for beat in beats:
            family.add_metric([beat.instance], beat.last_tick_ms / 1000)
        yield family

    def _outbox(self):
        rows = db.session.execute(
            select(OutboxMessage.status, OutboxMessage.channel, func.count())
            .group_by(OutboxMessage.status, OutboxMessage.channel)
        ).all()
        family = GaugeMetricFamily("cel_outbox_messages", "Outbound texts and calls by status and channel",
                                   labels=["status", "channel"])
        for status, channel, count in rows:
            family.add_metric([status, channel], count)
        yield family
        failures = db.session.execute(
            select(OutboxMessage.channel, OutboxMessage.purpose, func.count())
            .where(OutboxMessage.status.in_((OutboxStatus.FAILED, OutboxStatus.UNKNOWN)))
            .group_by(OutboxMessage.channel, OutboxMessage.purpose)
        ).all()
        family = GaugeMetricFamily("cel_outbox_send_failures", "Texts and calls that failed (or may not have gone), "
                                   "by channel and kind of message", labels=["channel", "kind"])
        for channel, purpose, count in failures:
            family.add_metric([channel, purpose], count)
        yield family

    def _rota_gaps(self):
        holes = rota.gaps(self.now, self.now + timedelta(days=GAP_DAYS))
        hours = sum((b - a).total_seconds() for a, b in holes) / 3600
        return GaugeMetricFamily("cel_rota_tier1_gap_hours", f"Out-of-hours hours with nobody on first call in the "
                                 f"next {GAP_DAYS} days", value=round(hours, 3))


def _histogram(name, documentation, seconds, source, *where):
    """A cumulative histogram counted in SQL, over every incident so far."""
    columns = [func.count().filter(seconds <= bound) for bound in RESPONSE_BUCKETS]
    row = db.session.execute(select(*columns, func.count(), func.sum(seconds)).select_from(source).where(*where)).one()
    buckets = [(str(float(bound)), count) for bound, count in zip(RESPONSE_BUCKETS, row, strict=False)]
    total = row[len(RESPONSE_BUCKETS)]
    return HistogramMetricFamily(name, documentation, buckets=[*buckets, ("+Inf", total)],
                                 sum_value=float(row[-1] or 0))


def _allowed_address(address: str | None, allowed: str) -> bool:
    if not address or not allowed.strip():
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(allowed))


def _networks(allowed: str) -> list:
    try:
        return [ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed.split(",") if entry.strip()]
    except ValueError as error:
        raise RuntimeError(f"METRICS_ALLOW_FROM must list addresses or networks like 10.0.0.0/8: {error}") from None


def _token_user():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


@blp.get("/metrics")
def metrics():
    """Prometheus metrics; for a monitor token or an allowed address."""
    user = _token_user()
    if user is None and not _allowed_address(request.remote_addr, current_app.config["METRICS_ALLOW_FROM"]):
        return Response("metrics: send a monitor user's token as 'Authorization: Bearer <token>'\n", 401,
                        {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain"})
    if user is not None and user.role != Role.MONITOR:
        return Response("metrics: this token's user does not have the monitor role\n", 403,
                        {"Content-Type": "text/plain"})
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(DatabaseMetrics(utc_now()))
    body = generate_latest(registry)
    db.session.rollback()
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def _start_timer():
    if request.blueprint == "twilio":
        g.webhook_started = time.perf_counter()


def _count_webhook(response):
    started = g.pop("webhook_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        WEBHOOK_REQUESTS.labels(route, str(response.status_code)).inc()
        WEBHOOK_SECONDS.labels(route).observe(time.perf_counter() - started)
    return response


def register(app) -> None:
    _networks(app.config["METRICS_ALLOW_FROM"] or "")  # refuse a setting that cannot be read, at start
    app.register_blueprint(blp)
    app.before_request(_start_timer)
    app.after_request(_count_webhook)
