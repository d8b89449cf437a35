"""Who may see which incident and read which plan: coordinators and admins everything, a duty
officer only what they were asked about or handed."""
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents.models import HandOver, Incident, Page
from emergency.incidents.queries import incidents
from emergency.incidents.vocabulary import LIVE_STATUSES
from emergency.rota.models import DutyOfficer
from emergency.users.roles import sees_only_own_asks


def officer_id_for(user) -> int | None:
    """The rota officer a duty_officer login is tied to (`flask users link-officer`)."""

    return db.session.scalar(select(DutyOfficer.id).where(DutyOfficer.user_id == user.id))


def visible_to(user, incident: Incident) -> bool:
    """Coordinators and admins see every incident; a duty officer those they were asked about
    or handed, and no other."""
    if not sees_only_own_asks(user):
        return True
    officer_id = officer_id_for(user)
    return officer_id is not None and (any(page.officer_id == officer_id for page in incident.pages)
                                       or db.session.get(HandOver, (incident.id, officer_id)) is not None)


def may_read_plan(user, plan_id: int) -> bool:
    """Coordinators and admins read every plan; a duty officer only the plan of a live incident
    they were asked about, and only while it is live (least privilege: the API, like the console)."""
    if not sees_only_own_asks(user):
        return True
    officer_id = officer_id_for(user)
    return officer_id is not None and db.session.scalar(
        select(Page.id).join(Incident, Page.incident_id == Incident.id)
        .where(Incident.plan_id == plan_id, Incident.status.in_(LIVE_STATUSES), Page.officer_id == officer_id)
        .limit(1)) is not None


def incidents_for(user, **filters):
    """incidents(...), narrowed to what this user may see."""
    officer_id = (officer_id_for(user) or -1) if sees_only_own_asks(user) else None
    return incidents(officer_id=officer_id, **filters)
