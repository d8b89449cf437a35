"""Subject access (UK GDPR article 15): everything held about a plan, as plain data.

The plan, its key-safe code, every version, the audit lines about it, and every incident
with its timeline, asks and messages, column by column, so that nothing held is left out.
"""
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.inspection import inspect

from emergency.audit import service as audit
from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.incidents.models import Incident, IncidentEvent, Page
from emergency.outbox.models import OutboxMessage, SmsOptOut
from emergency.plans.models import ContingencyPlan, PlanVersion
from emergency.plans.snapshot import plan_to_dict

# Only a hash of a token is held, and it unlocks nothing without the token: left out.
LEFT_OUT = {"token_hash"}


def columns(row) -> dict:
    return {attr.key: getattr(row, attr.key) for attr in inspect(row).mapper.column_attrs
            if attr.key not in LEFT_OUT}


def export_plan(plan: ContingencyPlan, *, by, now) -> dict:
    """Everything held about the plan; the export itself is audited (and listed)."""
    audit.record("plan.exported", user=by, now=now, plan_id=plan.id, detail="subject access export")
    db.session.flush()
    incidents = db.session.scalars(select(Incident).where(Incident.plan_id == plan.id).order_by(Incident.id)).all()
    numbers = {plan.carer_mobile, plan.carer_landline, *(c.mobile for c in plan.contacts),
               *(c.landline for c in plan.contacts)} - {None}
    return {
        "exported_at": now,
        "plan": {**plan_to_dict(plan), "version": plan.version, "created_at": plan.created_at,
                 "updated_at": plan.updated_at, "erased_at": plan.erased_at},
        "key_safe": columns(plan.key_safe) if plan.key_safe else None,
        "versions": [columns(version) for version in db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number))],
        "audit": [columns(event) for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.plan_id == plan.id).order_by(AuditEvent.at, AuditEvent.id))],
        "incidents": [_incident(incident) for incident in incidents],
        "sms_opt_outs": [columns(row) for row in db.session.scalars(
            select(SmsOptOut).where(SmsOptOut.phone.in_(numbers)).order_by(SmsOptOut.phone))],
    }


def _incident(incident: Incident) -> dict:
    pages = db.session.scalars(select(Page).where(Page.incident_id == incident.id).order_by(Page.id)).all()
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(or_(OutboxMessage.page_id.in_([page.id for page in pages]),
                   and_(OutboxMessage.page_id.is_(None),
                        OutboxMessage.idempotency_key.like(f"incident:{incident.id}:%"))))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    events = db.session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id == incident.id).order_by(IncidentEvent.id))
    return {
        **columns(incident),
        "timeline": [columns(event) for event in events],
        "pages": [columns(page) for page in pages],
        "outbox": [columns(message) for message in messages],
    }


def json_default(value):
    """For json.dumps: dates and times as ISO 8601."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
