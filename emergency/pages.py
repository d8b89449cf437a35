"""The front door and the health check."""
from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text

from emergency.clock import local_zone, utc_now
from emergency.extensions import db
from emergency.incidents.engine import last_tick
from emergency.outbox.failover import texts_carried_by
from emergency.outbox.service import provider_outages
from emergency.outbox.setup import current_outbox

blp = Blueprint("pages", __name__)


@blp.get("/")
def front_door():
    return render_template("pages/front_door.html")


@blp.get("/health")
def health():
    """Whether the database answers and Twilio takes messages; 503 with the reason when not,
    for load balancers and the council's monitoring. Also which provider carries texts."""
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
        # Which provider carries texts, and since when (when texts have a second way out).
        body["texts"] = texts_carried_by(current_outbox().transports, local_zone())
    body["status"] = "ok" if not problems else "failing: " + "; ".join(problems)
    return jsonify(body), 200 if not problems else 503


def _engine_health():

    beat = last_tick()
    if beat is None:
        return {"last_tick_at": None}
    return {"last_tick_at": beat.last_tick_at.isoformat(), "instance": beat.instance, "last_tick_ms": beat.last_tick_ms,
            "slow_ticks": beat.slow_ticks, "overdue_seen": beat.overdue_seen}
