"""The carer's survey a day after an escalation is resolved: sent in their language, and the
rating they text back. The caller commits."""
from datetime import timedelta

from sqlalchemy import select

from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.incidents import messages
from emergency.incidents.models import Incident
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import EventKind
from emergency.outbox.models import Channel, Purpose
from emergency.outbox.service import queue_message
from emergency.wording.languages import is_configured


def send_survey(incident: Incident, now) -> None:
    incident.next_action_at = None
    mobile = (incident.plan_snapshot or {}).get("carer", {}).get("mobile")
    if mobile and incident.survey_sent_at is None:
        queue_message(key=f"incident:{incident.id}:survey", channel=Channel.SMS, to_number=mobile,
                      body=messages.survey_text(incident.plan_snapshot, carer_language(incident.plan_snapshot)),
                      purpose=Purpose.SURVEY, now=now,
                      incident_id=incident.id)
        incident.survey_sent_at = now
        note(incident, now, EventKind.SURVEY_SENT, "asked the carer how well the needs were met")


def awaiting_rating_from(phone: str, now) -> Incident | None:
    """The newest incident whose carer, at this number, was sent the survey in the last two
    weeks and has not answered it."""
    return db.session.scalar(
        select(Incident)
        .where(Incident.survey_sent_at >= now - timedelta(days=14), Incident.survey_rating.is_(None),
               Incident.plan_snapshot[("carer", "mobile")].as_string() == phone)
        .order_by(Incident.id.desc())
        .limit(1)
    )


def record_survey(incident: Incident, rating: int, now) -> None:
    if not 1 <= rating <= 5:
        raise RuleBroken("a rating is 1 to 5", field="rating")
    incident.survey_rating = rating
    note(incident, now, EventKind.SURVEY_ANSWERED, f"rated {rating} of 5")


def carer_language(snapshot: dict | None) -> str:
    """The carer's preferred language where the line has its words, else English."""
    chosen = ((snapshot or {}).get("carer") or {}).get("preferred_language")
    return chosen if is_configured(chosen) else "en"
