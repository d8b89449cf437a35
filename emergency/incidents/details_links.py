"""The expiring link that gives the accepter the plan's details: made when they accept, opened
(and audited) until it expires or the incident closes. The caller commits."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from emergency.audit import service as audit
from emergency.extensions import db
from emergency.incidents.models import DetailsLink, Incident, Page
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind, IncidentStatus

DETAILS_LINK_HOURS = 24


def new_details_link(incident: Incident, page: Page, now) -> str:
    token = secrets.token_urlsafe(24)
    db.session.add(DetailsLink(incident_id=incident.id, page_id=page.id, token_hash=_hash(token),
                               expires_at=now + timedelta(hours=DETAILS_LINK_HOURS)))
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/details/{token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def details_for_link(token: str, now, *, viewer=None):
    """(incident, page) for a live details link, or None: a link dies after 24 hours or when
    its incident is resolved or cancelled. Every view is audited, and noted on the incident's
    timeline, with who viewed it: the console user if the browser is logged in to the
    console, else the accepter the link was sent to."""
    link = db.session.scalar(select(DetailsLink).where(DetailsLink.token_hash == _hash(token)))
    if link is None or link.expires_at <= now:
        return None
    incident, page = db.session.get(Incident, link.incident_id), db.session.get(Page, link.page_id)
    if incident.status in (IncidentStatus.RESOLVED, IncidentStatus.CANCELLED):
        return None
    # ids only: no names or numbers in the append-only log.
    audit.record("plan.details_viewed_by_accepter", user=viewer, now=now, plan_id=incident.plan_id,
                 actor=f"accepter of ask {page.id}",
                 detail=f"incident {incident.id}, ask {page.id} ({page.who})"
                        + (f", opened by console user {viewer.id}" if viewer else ""))
    note(incident, now, EventKind.DETAILS_VIEWED, f"{viewer.full_name} ({viewer.role.replace('_', ' ')}, in the console)"
         if viewer else f"{page.name} (the link sent to them)")
    return incident, page
