"""The front door and the health check."""
from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import func, select, text

from emergency.clock import local_zone, utc_now
from emergency.extensions import db
from emergency.incidents.engine import last_tick
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import LIVE_STATUSES
from emergency.outbox.failover import texts_carried_by
from emergency.outbox.service import provider_outages
from emergency.outbox.setup import current_outbox
from emergency.telephony import spool

blp = Blueprint("pages", __name__)


@blp.get("/")
def front_door():
    return render_template("pages/front_door.html")


@blp.get("/health")
def health():
    """Whether the database answers, Twilio takes messages, and every caller and texter has
    reached a person; 503 with the reason when not, for the council's monitoring. Also which
    provider carries texts."""
    now = utc_now()
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # any failure here means "not healthy", whatever its kind
        current_app.logger.warning("health check: database unreachable: %s", error)
        database = "unreachable"
    body = {"database": database, "time": now.isoformat(), "engine": _engine_health() if database == "ok" else None}
    problems = [] if database == "ok" else ["the database does not answer"]
    if database == "ok":
        body["providers"] = outages = provider_outages(now, current_app.config["PROVIDER_OUTAGE_ALERT_SECONDS"],
                                                       local_zone())
        problems += [outage["summary"] for outage in outages.values() if outage["summary"]]
        body["nobody_reached"] = unreached = _nobody_reached()
        if unreached:
            problems.append(f"{unreached} live incident{'s' if unreached != 1 else ''} reached nobody: "
                            f"call them back from the console")
        # Which provider carries texts, and since when (when texts have a second way out).
        body["texts"] = texts_carried_by(current_outbox().transports, local_zone())
    # On this machine's disk, so it is told whether or not the database answers.
    body["dead_letters"] = dead = len(spool.dead_letters())
    if dead:
        problems.append(f"{dead} kept text{'s' if dead != 1 else ''} could not be handled: see the console")
    body["status"] = "ok" if not problems else "failing: " + "; ".join(problems)
    return jsonify(body), 200 if not problems else 503


def _nobody_reached() -> int:
    """Live incidents the line could tell no person about (critical until a coordinator closes them)."""
    return db.session.scalar(select(func.count(Incident.id)).where(
        Incident.status.in_(LIVE_STATUSES), Incident.nobody_reached_at.is_not(None)))


def _engine_health():

    beat = last_tick()
    if beat is None:
        return {"last_tick_at": None}
    return {"last_tick_at": beat.last_tick_at.isoformat(), "instance": beat.instance, "last_tick_ms": beat.last_tick_ms,
            "slow_ticks": beat.slow_ticks, "overdue_seen": beat.overdue_seen}
