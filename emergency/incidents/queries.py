"""Finding incidents: one by its id, or a list by status, date and who was asked."""
from sqlalchemy import select

from emergency.incidents.models import HandOver, Incident, Page
from emergency.records import get_or_not_found


def get_incident(incident_id: int) -> Incident:
    return get_or_not_found(Incident, incident_id, "incident", "incident_id")


def incidents(*, status=None, opened_from=None, opened_to=None, officer_id=None):
    """A query, newest first. With officer_id, only incidents that officer was asked to help
    with or handed (told to call a caller back)."""
    query = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc())
    if status:
        query = query.where(Incident.status == status)
    if opened_from:
        query = query.where(Incident.opened_at >= opened_from)
    if opened_to:
        query = query.where(Incident.opened_at < opened_to)
    if officer_id is not None:
        query = query.where(Incident.id.in_(select(Page.incident_id).where(Page.officer_id == officer_id)
                                            .union(select(HandOver.incident_id).where(HandOver.officer_id == officer_id))))
    return query
