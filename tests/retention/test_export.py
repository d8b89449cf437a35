"""Subject access: `flask plans export PLAN_ID` writes everything held about a plan as JSON."""
import json
import stat
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.outbox import opt_outs
from emergency.users import service as users
from tests.conftest import NOW
from tests.retention.conftest import CALLER, KEY_SAFE_CODE, closed_incident, make_plan


def test_the_export_holds_the_plan_its_history_audit_and_incidents(app, cora, tmp_path):
    plan = make_plan(cora)
    incident = closed_incident(plan, NOW + timedelta(days=1), rating=5)
    opt_outs.opt_out("+447700900789", NOW)  # Tom texted STOP once
    db.session.commit()
    output = tmp_path / "sar.json"
    with freeze_time(NOW + timedelta(days=10)):
        result = app.test_cli_runner().invoke(args=["plans", "export", str(plan.id), "--output", str(output),
                                                    "--by", "cora"])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))

    assert data["plan"]["carer"]["name"] == "Margaret Hughes" and data["plan"]["card_number"] == plan.card_number
    assert data["plan"]["cared_for"][0]["routines"] == "Likes his tea strong"
    assert data["key_safe"]["code"] == KEY_SAFE_CODE
    assert [(v["number"], v["change"]) for v in data["versions"]] == [(1, "created"), (2, "key_safe_changed"),
                                                                      (3, "updated")]
    assert data["versions"][0]["snapshot"]["contacts"][0]["name"] == "Susan Hughes"
    assert [e["action"] for e in data["audit"]] == ["plan.created", "plan.key_safe_changed", "plan.updated",
                                                   "plan.exported"]
    assert data["audit"][-1]["actor"] == "cora" and data["exported_at"].startswith("2026-12-02")
    assert [row["phone"] for row in data["sms_opt_outs"]] == ["+447700900789"]

    [exported] = data["incidents"]
    assert (exported["id"], exported["status"], exported["caller_number"], exported["survey_rating"]) == (
        incident.id, "resolved", CALLER, 5)
    assert exported["plan_snapshot"]["carer"]["name"] == "Margaret Hughes"
    assert [e["kind"] for e in exported["timeline"]][:3] == ["opened", "asked", "accepted"]
    assert exported["pages"][0]["name"] == "Susan Hughes" and exported["pages"][0]["status"] == "accepted"
    purposes = sorted(m["purpose"] for m in exported["outbox"])
    assert purposes == ["ask", "ask", "caller_confirmation", "details", "survey"]
    assert db.session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "plan.exported")) == "cora"


def test_the_export_file_is_readable_by_its_owner_only(app, cora, tmp_path):
    plan = make_plan(cora)
    output = tmp_path / "sar.json"
    output.write_text("an older file anyone could read")
    output.chmod(0o644)
    result = app.test_cli_runner().invoke(args=["plans", "export", str(plan.id), "--output", str(output), "--by", "cora"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600 and KEY_SAFE_CODE in output.read_text()
    fresh = tmp_path / "new.json"
    assert app.test_cli_runner().invoke(args=["plans", "export", str(plan.id), "--output", str(fresh),
                                              "--by", "cora"]).exit_code == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_an_export_needs_the_name_of_a_coordinator_or_admin(app, cora):
    plan = make_plan(cora)
    runner = app.test_cli_runner()
    unnamed = runner.invoke(args=["plans", "export", str(plan.id)])
    assert unnamed.exit_code == 2 and "Missing option '--by'" in unnamed.output
    users.create_user("dave", "Dave", "duty_officer", NOW)
    db.session.commit()
    officer = runner.invoke(args=["plans", "export", str(plan.id), "--by", "dave"])
    assert officer.exit_code == 1 and "exporting a plan needs an active admin or coordinator" in officer.output
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.exported")) is None


def test_the_export_goes_to_standard_output_by_default(app, cora):
    plan = make_plan(cora)
    result = app.test_cli_runner().invoke(args=["plans", "export", str(plan.id), "--by", "cora"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["plan"]["id"] == plan.id and data["incidents"] == []


def test_exporting_an_unknown_plan_says_so(app, cora):
    result = app.test_cli_runner().invoke(args=["plans", "export", "999", "--by", "cora"])
    assert result.exit_code == 1 and "plan_id: no plan with id 999" in result.output
