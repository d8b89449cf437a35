"""The front door and the health check."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from emergency.clock import utc_now
from emergency.extensions import db

blp = Blueprint("pages", __name__)

_FRONT_DOOR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Carers Emergency Line</title></head>
<body><h1>Carers Emergency Line</h1>
<p>The service is running.</p>
<ul>
<li><a href="/console/">Coordinators' console</a> (live incidents; log in with a password from
<code>flask --app emergency users set-password USERNAME</code>)</li>
<li><a href="/api/docs">API documentation</a> (log in with a bearer token:
<code>flask --app emergency users token USERNAME</code>)</li>
<li><a href="/api/openapi.json">OpenAPI description</a></li>
<li><a href="/health">Health</a></li>
</ul></body></html>"""


@blp.get("/")
def front_door():
    return _FRONT_DOOR


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
