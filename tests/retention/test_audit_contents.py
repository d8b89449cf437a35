"""The audit log holds ids and actions, not the names and numbers of the people involved."""
import re
from datetime import timedelta

from sqlalchemy import select

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.incidents import answers, details_links, opening
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from tests.conftest import NOW
from tests.retention.conftest import CALLER, PERSONAL, make_plan


def audit_text():
    return "\n".join(f"{e.actor} {e.action} {e.detail}" for e in db.session.scalars(select(AuditEvent)))


def test_a_view_of_the_details_link_is_audited_by_ids_not_by_name_or_number(app, cora):
    plan = make_plan(cora)
    incident, _ = opening.open_incident(plan, caller_number=CALLER, channel="sms", now=NOW)
    answers.accept(incident.pages[0], NOW + timedelta(minutes=3))
    db.session.commit()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "details"))
    token = re.search(r"/details/(\S+)", body).group(1)
    assert details_links.details_for_link(token, NOW + timedelta(minutes=10)) is not None  # the incident is live
    db.session.commit()
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.details_viewed_by_accepter"))
    accepter = incident.pages[0]
    assert viewed.detail == f"incident {incident.id}, ask {accepter.id} (contact)"
    assert [word for word in PERSONAL if word in audit_text()] == []


def test_an_archive_reason_stays_in_the_plans_history_not_in_the_audit_log(app, cora):
    plan = make_plan(cora)
    plans.archive_plan(plan, reason="Margaret Hughes moved into care", by=cora, now=NOW)
    db.session.commit()
    assert plans.versions_of(plan)[0].reason == "Margaret Hughes moved into care"
    archived = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.archived"))
    assert (archived.plan_id, archived.detail) == (plan.id, "")
    assert "Margaret" not in audit_text()
