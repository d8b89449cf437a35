"""The booked provider's details link: what the care needs, live until the cover ends. Every
view is audited; the key-safe code has a page of its own, audited apart."""
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select

from emergency.audit import service as audit
from emergency.cover.models import Cover, CoverLink
from emergency.cover.vocabulary import CoverStatus
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(cover: Cover, now) -> str:
    token = secrets.token_urlsafe(24)
    db.session.add(CoverLink(cover_id=cover.id, token_hash=_hash(token), created_at=now))
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/cover/{token}"


def cover_for_link(token: str, now, *, viewer=None, key_safe: bool = False):
    """(cover, incident) while the cover is live, or None; the view is audited and noted."""
    link = db.session.scalar(select(CoverLink).where(CoverLink.token_hash == _hash(token)))
    if link is None:
        return None
    cover = db.session.get(Cover, link.cover_id)
    if cover.status != CoverStatus.LIVE:
        return None
    incident = db.session.get(Incident, cover.incident_id)
    what = "key-safe code" if key_safe else "details"
    audit.record("plan.key_safe_viewed_by_provider" if key_safe else "plan.details_viewed_by_provider", user=viewer,
                 now=now, plan_id=incident.plan_id, actor=f"care provider {cover.provider_id}",
                 detail=f"incident {incident.id}, cover {cover.id}" + (f", opened by console user {viewer.id}"
                                                                        if viewer else ""))
    note(incident, now, EventKind.DETAILS_VIEWED, f"{cover.provider.name} (cover provider's link): {what}"
         if viewer is None else f"{viewer.full_name} (in the console, through the cover link): {what}")
    return cover, incident
