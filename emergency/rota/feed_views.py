"""Calendar feeds, reached without a login by an unguessable address (outside the API spec)."""
from datetime import timedelta

from flask import Blueprint, Response, abort
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.rota import service
from emergency.rota.ical import rota_calendar
from emergency.rota.models import DutyOfficer

blp = Blueprint("feeds", __name__)
DAYS_BEHIND, DAYS_AHEAD = 30, 90


@blp.get("/feeds/<token>.ics")
def calendar_feed(token):
    feed = service.feed_for_token(token)
    if feed is None:
        abort(404)
    now = utc_now()
    runs = service.duty_runs(now - timedelta(days=DAYS_BEHIND), now + timedelta(days=DAYS_AHEAD), officer_id=feed.officer_id)
    names = {officer.id: officer.name for officer in db.session.scalars(select(DutyOfficer))}
    title = f"On call: {feed.officer.name}" if feed.officer else "Out-of-hours rota"
    body = rota_calendar(runs, names, title, now, whole_rota=feed.officer is None)
    return Response(body, mimetype="text/calendar")
