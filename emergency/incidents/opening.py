"""Opening an incident for a plan (a second call or text joins the live one), or recording a
call or text the line cannot act on by itself for a person to pick up. The caller commits."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.incidents.caller_updates import caller_can_be_texted
from emergency.incidents.models import Incident
from emergency.incidents.steps import take_next_step
from emergency.incidents.timeline import note
from emergency.incidents.vocabulary import ESCALATING_STATUSES, AskChannels, EventKind, IncidentStatus, Origin, Stage
from emergency.plans.models import ContingencyPlan
from emergency.plans.snapshot import plan_to_dict
from emergency.plans.vocabulary import PlanStatus

# Texts and calls from one number within this time join its open "needs a person" incident.
SAME_CALLER_WITHIN = timedelta(minutes=30)


def live_incident_for(plan_id: int) -> Incident | None:
    """The plan's live escalation, which a new call or text for it joins."""
    return db.session.scalar(
        select(Incident).where(Incident.plan_id == plan_id, Incident.status.in_(ESCALATING_STATUSES))
        .order_by(Incident.id)
    )


def open_incident(plan, *, caller_number: str | None, channel: str, now, opened_by: str | None = None,
                  caller_language: str = "en"):
    """(incident, joined): a second call or text for a plan with a live incident joins it.
    The first asks are queued at once, in the same transaction."""
    if plan.status != PlanStatus.ACTIVE:
        raise RuleBroken(f"the plan is {plan.status}, not active", field="plan_id")
    _wait_for_other_openings(plan.id)
    existing = live_incident_for(plan.id)
    if existing is not None:
        note(existing, now, EventKind.JOINED, f"another {channel} from {caller_number or opened_by or 'unknown'}")
        return existing, True
    config = current_app.config
    incident = Incident(
        plan_id=plan.id, plan_snapshot=plan_to_dict(plan), caller_number=caller_number, channel=channel,
        caller_language=caller_language,
        status=IncidentStatus.OPEN, opened_at=now, stage=Stage.CONTACTS, next_contact=0, rota_round=1, next_tier=1, step=0,
        wait_seconds=(plan.escalation_wait_minutes * 60 if plan.escalation_wait_minutes else config["ESCALATION_WAIT_SECONDS"]),
        rounds=plan.escalation_rounds or config["ESCALATION_ROUNDS"],
        channels=plan.escalation_channels or AskChannels.BOTH,
        pages=[],  # a new incident has none: saying so spares a query
    )
    db.session.add(incident)
    note(incident, now, EventKind.OPENED, f"by {channel}" + (f" from {caller_number}" if caller_number else "")
         + (f" ({opened_by})" if opened_by else ""))
    minutes = config["CALLER_UPDATE_MINUTES"]
    if minutes and caller_can_be_texted(incident):
        incident.caller_update_at = now + timedelta(minutes=minutes)
    # Not flushed yet: the first step's changes go into the incident's INSERT, not an UPDATE.
    take_next_step(incident, now)
    if incident.id is None:
        db.session.flush()  # no first ask inserted it: whoever opened it gets it with its id
    return incident, False


def _wait_for_other_openings(plan_id: int) -> None:
    """Two calls or texts for one plan at the same moment open one incident, not two: this
    write, the transaction's first on the plan, waits for another opening of the plan to commit
    (PostgreSQL's row lock; SQLite's one writer), so that the look for a live incident after it
    finds the other's and joins it. It changes nothing (not even the plan's version)."""
    db.session.execute(update(ContingencyPlan).where(ContingencyPlan.id == plan_id).values(id=ContingencyPlan.id)
                       .execution_options(synchronize_session=False))


def needs_a_person_from(caller_number: str | None, now) -> Incident | None:
    """The number's "needs a person" incident opened in the last 30 minutes, if still live."""
    if not caller_number:
        return None
    return db.session.scalar(
        select(Incident).where(Incident.caller_number == caller_number, Incident.status == IncidentStatus.NEEDS_PERSON,
                               Incident.opened_at >= now - SAME_CALLER_WITHIN)
        .order_by(Incident.id.desc())
    )


def live_incident_called_by(caller_number: str, now, within=timedelta(days=1)) -> Incident | None:
    """The newest live escalation (not a "needs a person" record) this number opened recently."""
    return db.session.scalar(
        select(Incident).where(Incident.caller_number == caller_number, Incident.status.in_(ESCALATING_STATUSES),
                               Incident.opened_at >= now - within)
        .order_by(Incident.id.desc())
    )


def record_for_a_person(*, caller_number: str | None, channel: Origin, reason, why: str, now, plan=None):
    """(incident, joined). A call or text the line cannot act on by itself (unknown card, no
    card, plan not active, a fault): listed as needing a person, with no escalation, for a
    person to pick up. Repeats from one number within 30 minutes join it."""
    existing = needs_a_person_from(caller_number, now)
    if existing is not None:
        note(existing, now, EventKind.JOINED, f"another {channel} from {caller_number}: {why}")
        return existing, True
    incident = Incident(plan_id=plan.id if plan else None, plan_snapshot=None, caller_number=caller_number,
                        channel=channel, status=IncidentStatus.NEEDS_PERSON, needs_person_reason=reason, opened_at=now,
                        stage=Stage.DONE, wait_seconds=0, rounds=0, channels=AskChannels.BOTH, next_action_at=None)
    db.session.add(incident)
    note(incident, now, EventKind.NEEDS_PERSON, f"{channel} from {caller_number or 'an unknown number'}: {why}")
    db.session.flush()
    return incident, False
