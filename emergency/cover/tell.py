"""Who hears about cover, through the one alert path (emergency.alerts): the officer or
coordinator who arranged it, the accepter of the incident, and the duty officers on shift."""
from sqlalchemy import select

from emergency.alerts import service as alerts
from emergency.alerts.reach import Addresses
from emergency.cover.models import CoverAsk
from emergency.extensions import db
from emergency.incidents.models import Incident, Page
from emergency.outbox.models import Channel, Purpose
from emergency.rota import service as rota
from emergency.users.models import User

_WAYS = (Channel.SMS, Channel.EMAIL)


def _people(incident: Incident, user_id: int | None, now, *, on_duty: bool) -> dict[str, Addresses]:
    """Each person once, keyed for the alert's idempotency key."""
    people: dict[str, Addresses] = {}
    user = db.session.get(User, user_id) if user_id else None
    if user is not None and (user.mobile or user.email):
        people[f"user:{user.id}"] = Addresses(user.mobile, user.email)
    accepter = db.session.get(Page, incident.accepted_page_id) if incident.accepted_page_id else None
    if accepter is not None:
        people.setdefault(f"phone:{accepter.phone}", Addresses(accepter.phone, None))
    if on_duty:
        for officer in rota.on_duty(now).get(1, []):
            people.setdefault(f"phone:{officer.mobile}", Addresses(officer.mobile, None))
    numbers = set()
    for key, person in list(people.items()):  # one number is told once, whoever it belongs to
        if person.mobile in numbers and not person.email:
            del people[key]
        numbers.add(person.mobile)
    return people


def officers_of(incident: Incident, user_id: int | None, *, key: str, body: str, now, on_duty: bool = False) -> list[int]:
    queued = []
    for who, person in _people(incident, user_id, now, on_duty=on_duty).items():
        queued += alerts.alert_person(key=f"{key}:{who}", person=person, wanted=_WAYS, body=body,
                                      purpose=Purpose.COVER_UPDATE, now=now, incident_id=incident.id,
                                      subject=body.split(":")[0])
    return queued


def arranger_id(cover) -> int | None:
    """The login of whoever arranged the cover: the asker of the accepted ask, or who booked it by phone."""
    if cover.ask_id:
        ask = db.session.get(CoverAsk, cover.ask_id)
        return ask.asked_by_user_id if ask else None
    return db.session.scalar(select(User.id).where(User.username == cover.booked_by_user))
