"""The front door and the health check."""
from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text

from emergency.clock import utc_now
from emergency.extensions import db

blp = Blueprint("pages", __name__)


@blp.get("/")
def front_door():
    return render_template("pages/front_door.html")


@blp.get("/health")
def health():
    """Whether the database answers; 503 when it does not, for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # any failure here means "not healthy", whatever its kind
        current_app.logger.warning("health check: database unreachable: %s", error)
        database = "unreachable"
    body = {"database": database, "time": utc_now().isoformat(), "engine": _engine_health() if database == "ok" else None}
    return jsonify(body), 200 if database == "ok" else 503


def _engine_health():
    from emergency.incidents.engine import last_tick

    beat = last_tick()
    if beat is None:
        return {"last_tick_at": None}
    return {"last_tick_at": beat.last_tick_at.isoformat(), "instance": beat.instance, "last_tick_ms": beat.last_tick_ms,
            "slow_ticks": beat.slow_ticks, "overdue_seen": beat.overdue_seen}
