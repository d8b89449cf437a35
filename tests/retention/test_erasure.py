"""Erasure of a plan on request, through the API (admins) and `flask plans erase`."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.incidents import closing
from emergency.incidents.models import Incident, Page
from emergency.outbox.service import queue_message
from emergency.plans import consent
from emergency.plans.consent import ConsentReply
from emergency.plans.consent_models import ConsentRequest
from emergency.plans.models import ContingencyPlan, PlanVersion
from emergency.reviews.service import review_text
from emergency.telephony.models import InboundRequest
from emergency.users import service as users
from tests.conftest import NOW, make_api_user, plan_payload
from tests.retention.conftest import KEY_SAFE_CODE, PERSONAL, closed_incident, database_text, make_plan, open_incident

DAY = timedelta(days=1)


@pytest.fixture
def history(app, cora):
    """Margaret's plan with two closed incidents (one rated, one cancelled), a replay record
    naming her, and another carer's plan that must be left alone."""
    plan = make_plan(cora)
    closed_incident(plan, NOW, rating=4)
    closed_incident(plan, NOW + 2 * DAY, cancel=True)
    other = make_plan(cora, carer={"name": "Peter Jones", "mobile": "07700 900200",
                                   "address": {"line1": "3 Oak Road", "town": "Leeds", "postcode": "LS7 2AB"}},
                      cared_for=[{"name": "Ruth Jones"}], key_safe_code="WV2468", routines="Early riser",
                      instructions="Ruth needs her radio", home_access={"how_to_get_in": "Neighbour has a key"},
                      contacts=[{"name": "Gwen Jones", "relationship": "sister", "mobile": "07700 900333"}])
    closed_incident(other, NOW + 3 * DAY, caller="+441134960888", note="Gwen stayed with Ruth")
    db.session.add(InboundRequest(key="CA1-step", received_at=NOW + DAY, answer="<Say>Margaret's card</Say>"))
    db.session.add(InboundRequest(key="CA2-step", received_at=NOW + DAY, answer="<Say>Peter's card</Say>"))
    db.session.commit()
    return plan, other


def counted_fields():
    return db.session.execute(select(Incident.id, Incident.status, Incident.channel, Incident.survey_rating,
                                     Incident.opened_at, Incident.closed_at).order_by(Incident.id)).all()


def erase(admin, plan, **overrides):
    body = {"reason": "erasure request ER-2026-014", "confirm": plan.card_number, **overrides}
    return admin.post(f"/api/v1/plans/{plan.id}/erase", json=body)


def test_erasure_removes_every_personal_field_and_keeps_the_counts(app, admin, history):
    plan, other = history
    plan_id, card_number = plan.id, plan.card_number
    statuses_before = counted_fields()
    assert all(word in database_text() for word in PERSONAL)  # the search below can find them

    response = erase(admin, plan, confirm=f"{card_number[:4]} {card_number[4:]}")
    assert response.status_code == 200, response.json
    assert (response.json["plan_id"], response.json["incidents_anonymised"]) == (plan_id, 2)
    assert response.json["versions_removed"] == 3

    db.session.expire_all()
    dump = database_text()
    assert [word for word in PERSONAL if word in dump] == []
    assert "Peter Jones" in dump and "Ruth Jones" in dump and "Peter's card" in dump  # another plan is untouched
    assert db.session.scalars(select(InboundRequest.key)).all() == ["CA2-step"]

    erased = db.session.get(ContingencyPlan, plan_id)
    assert (erased.status, erased.card_number, erased.cared_for, erased.contacts, erased.key_safe) == (
        "archived", card_number, [], [], None)
    assert erased.erased_at is not None
    assert db.session.scalar(select(func.count()).where(PlanVersion.plan_id == plan_id)) == 0
    assert counted_fields() == statuses_before
    assert db.session.scalars(select(Incident.plan_id).order_by(Incident.id)).all() == [plan_id, plan_id, other.id]
    accepted_by = db.session.execute(select(Page.who, Page.tier).join(Incident, Incident.accepted_page_id == Page.id)
                                     .where(Incident.plan_id == plan_id)).all()
    assert accepted_by == [("contact", None)]

    shown = admin.get(f"/api/v1/plans/{plan_id}")
    assert shown.status_code == 200 and shown.json["carer"]["name"] == "[erased]"
    incident_id = db.session.scalar(select(Incident.id).where(Incident.plan_id == plan_id).order_by(Incident.id))
    incident = admin.get(f"/api/v1/incidents/{incident_id}")
    assert incident.status_code == 200 and incident.json["status"] == "resolved"
    assert incident.json["caller_number"] is None and incident.json["survey_rating"] == 4
    assert [(page["who"], page["status"], page["phone"]) for page in incident.json["pages"]][0] == (
        "contact", "accepted", "")


def test_erasure_leaves_no_name_or_number_in_consent_texts_messages_audit_lines_or_replay_records(app, admin, cora):
    couple = {"name": "Al & Jo", "relationship": "friends", "mobile": "07700 900321"}
    plan = make_plan(cora, contacts=[*plan_payload()["contacts"], couple])
    closed_incident(plan, NOW)
    tom = plan.contacts[1]
    asked, _ = consent.ask_for_consent(tom, by=cora, now=NOW)
    consent.record_reply(tom.mobile, ConsentReply(True, asked.code), NOW)
    queue_message(key=f"plan-review:{plan.id}:2027-01-10:carer", channel="sms", to_number=plan.carer_mobile,
                  body=review_text(date(2027, 1, 10), "0113 496 0000"), purpose="review_reminder", now=NOW)
    queue_message(key="plan-review-list:2027-01-10", channel="email", to_email="cora@council.example",
                  subject="1 plan review(s) due", body=f"Margaret Hughes (card {plan.card_number}) is due on 10 January",
                  purpose="review_list", now=NOW)
    # What replay records really hold: TwiML, escaped; numbers as people write them and read out.
    for key, said in [("CA1", "<Response><Say>Al &amp; Jo were asked.</Say></Response>"),
                      ("SM1", "<Response><Message>Or call Susan on 07700 900456.</Message></Response>"),
                      ("CA2", "<Response><Say>The caller is on 0 7 7 0 0 9 0 0 9 0 0.</Say></Response>")]:
        db.session.add(InboundRequest(key=key, received_at=NOW, answer=said))
    db.session.commit()

    assert erase(admin, plan, reason="asked for by Margaret Hughes on 07700 900100, ER-2026-020").status_code == 200
    db.session.expire_all()
    dump = "\n".join(line for line in database_text().splitlines() if not line.startswith("sms_opt_out:"))
    left = [text for text in [*PERSONAL, "Al & Jo", "Al &amp; Jo", "07700 900456", "0 7 7 0 0 9 0 0 9 0 0",
                              "07700 900321", "+447700900321", "07700 900100", plan.card_number] if text in dump]
    assert left == [plan.card_number]  # the stub keeps its card number, so it is never issued again
    assert db.session.scalar(select(func.count(ConsentRequest.id))) == 0
    consent_lines = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action.like("plan.consent_%"))
                                       .order_by(AuditEvent.id)).all()
    assert consent_lines == [f"contact {tom.id}", f"contact {tom.id}: agreed by text"]
    assert "ER-2026-020" in db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "plan.erased"))


def test_the_audit_stub_remains_and_the_log_is_still_append_only(app, admin, history):
    plan, _ = history
    assert erase(admin, plan).status_code == 200
    stub = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.erased"))
    assert (stub.plan_id, stub.actor, stub.user_id) == (plan.id, "ada", admin.user.id)
    assert stub.detail == "on request: erasure request ER-2026-014; 2 incident(s) anonymised, 3 version(s) removed"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.plan_id == plan.id).order_by(AuditEvent.id))
    assert list(actions) == ["plan.created", "plan.key_safe_changed", "plan.updated", "plan.erased"]
    for statement in ("UPDATE audit_event SET detail = 'changed'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id))) >= 4


def test_erasure_is_refused_while_the_plan_has_a_live_incident(app, admin, cora):
    plan = make_plan(cora)
    incident = open_incident(plan, NOW)
    response = erase(admin, plan)
    assert response.status_code == 409
    assert response.json["message"] == (f"plan_id: the plan has a live incident ({incident.id}, open); it cannot be "
                                         "erased until a coordinator closes that incident")
    db.session.expire_all()
    assert db.session.get(ContingencyPlan, plan.id).carer_name == "Margaret Hughes"

    closing.resolve(db.session.get(Incident, incident.id), NOW + DAY, by="cora")
    db.session.commit()
    assert erase(admin, plan).status_code == 200


@pytest.mark.parametrize("overrides, field", [({"confirm": "1234567890"}, "confirm"), ({"reason": "  "}, "reason"),
                                              ({"confirm": None}, "confirm")])
def test_erasure_needs_a_reason_and_the_card_number_as_a_second_confirmation(app, admin, cora, overrides, field):
    plan = make_plan(cora)
    response = erase(admin, plan, **overrides)
    assert response.status_code == 422 and field in response.json["errors"].get("json", response.json["errors"])
    db.session.expire_all()
    assert db.session.get(ContingencyPlan, plan.id).erased_at is None


def test_only_an_admin_may_erase_and_only_once(app, admin, cora):
    plan = make_plan(cora)
    coordinator = make_api_user(app, "colin", "coordinator")
    assert erase(coordinator, plan).status_code == 403
    assert erase(admin, plan).status_code == 200
    again = erase(admin, plan)
    assert again.status_code == 409 and "already erased" in again.json["message"]
    assert admin.post("/api/v1/plans/99999/erase", json={"reason": "x", "confirm": "1"}).status_code == 404


def test_an_erased_plan_cannot_be_changed_or_open_an_incident(app, admin, cora):
    plan = make_plan(cora)
    assert erase(admin, plan).status_code == 200
    assert admin.post("/api/v1/incidents", json={"plan_id": plan.id}).status_code == 422
    assert admin.get(f"/api/v1/plans/{plan.id}/versions").json == []
    assert admin.get(f"/api/v1/plans/{plan.id}/key-safe").json == {"code": None}


def an_admin(name="ada"):
    users.create_user(name, name.title(), "admin", NOW)
    db.session.commit()
    return name


def test_flask_plans_erase_asks_for_the_card_number_before_erasing(app, history):
    plan, _ = history
    runner = app.test_cli_runner()
    unnamed = runner.invoke(args=["plans", "erase", str(plan.id), "--reason", "ER-2026-015"], input="0000000000\n")
    assert unnamed.exit_code == 2 and "Missing option '--by'" in unnamed.output  # never "system"
    by = ["--by", an_admin()]
    wrong = runner.invoke(args=["plans", "erase", str(plan.id), "--reason", "ER-2026-015", *by], input="0000000000\n")
    assert wrong.exit_code == 1 and "confirm: to confirm, give the plan's card number exactly" in wrong.output
    db.session.expire_all()
    assert db.session.get(ContingencyPlan, plan.id).erased_at is None

    done = runner.invoke(args=["plans", "erase", str(plan.id), "--reason", "ER-2026-015", *by],
                         input=f"{plan.card_number}\n")
    assert done.exit_code == 0, done.output
    assert "Type the plan's card number to confirm" in done.output
    assert f"plan {plan.id} erased: 2 incident(s) anonymised, 3 version(s) removed" in done.output
    db.session.expire_all()
    assert KEY_SAFE_CODE not in database_text() and "Margaret" not in database_text()
    stub = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.erased"))
    assert stub.actor == "ada" and "ER-2026-015" in stub.detail


def test_flask_plans_erase_refuses_a_live_incident_and_a_user_who_is_not_an_admin(app, cora):
    plan = make_plan(cora)
    open_incident(plan, NOW)
    runner = app.test_cli_runner()
    live = runner.invoke(args=["plans", "erase", str(plan.id), "--reason", "R1", "--confirm", plan.card_number,
                               "--by", an_admin()])
    assert live.exit_code == 1 and "has a live incident" in live.output
    not_admin = runner.invoke(args=["plans", "erase", str(plan.id), "--reason", "R1", "--confirm", plan.card_number,
                                    "--by", "cora"])
    assert not_admin.exit_code == 1 and "cora is a coordinator; erasing a plan needs an active admin" in not_admin.output
