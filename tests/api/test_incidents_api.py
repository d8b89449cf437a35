"""Coordinators watch and close incidents through the API; duty officers see their own."""
from datetime import date, time

import pytest
from freezegun import freeze_time

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.rota import service as rota
from tests.conftest import make_api_user, plan_payload


@pytest.fixture
def plan(coordinator):
    return coordinator.post("/api/v1/plans", json=plan_payload()).json


@pytest.fixture
def priya(app):
    officer = rota.save_officer(None, {"name": "Priya Shah", "mobile": "+447700900101", "role": "social worker",
                                       "active": True, "contact_preference": "both"})
    rota.save_pattern(None, {"name": "nights", "tier": 1, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                             "starts": time(17), "ends": time(9), "officer_ids": [officer.id],
                             "starts_on": date(2026, 11, 30), "ends_on": None, "rotate_every_weeks": 1})
    db.session.commit()
    return officer


def test_a_coordinator_opens_an_incident_by_card_and_the_first_ask_goes_out(coordinator, plan):
    with freeze_time("2026-12-03 22:00:00"):
        response = coordinator.post("/api/v1/incidents", json={"card_number": plan["card_number"],
                                                               "caller_number": "0113 496 0321", "note": "GP rang"})
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["status"], body["channel"], body["caller_number"], body["cared_for"], body["district"]) == (
        "open", "console", "+441134960321", "Arthur", "LS6")
    assert [(p["name"], p["channels"], p["status"]) for p in body["pages"]] == [("Susan Hughes", "both", "open")]
    assert [e["kind"] for e in body["timeline"]] == ["opened", "asked", "note"]
    outbox = coordinator.get("/api/v1/outbox", query_string={"purpose": "ask"}).json
    assert {m["to_number"] for m in outbox} == {"+447700900456"}


def test_an_incident_for_a_plan_that_is_not_active_is_refused(coordinator):
    draft = coordinator.post("/api/v1/plans", json=plan_payload(status="draft")).json
    response = coordinator.post("/api/v1/incidents", json={"plan_id": draft["id"]})
    assert response.status_code == 422 and "draft, not active" in response.json["message"]


@pytest.mark.parametrize("body", [{}, {"plan_id": 1, "card_number": "1234567890"}])
def test_an_incident_needs_exactly_one_way_to_find_the_plan(coordinator, plan, body):
    response = coordinator.post("/api/v1/incidents", json=body)
    assert response.status_code == 422 and "card_number" in response.json["message"]


def test_incidents_are_listed_by_status_and_date(coordinator, plan):
    with freeze_time("2026-12-03 22:00:00"):
        opened = coordinator.post("/api/v1/incidents", json={"plan_id": plan["id"]}).json
    assert [i["id"] for i in coordinator.get("/api/v1/incidents", query_string={"status": "open"}).json] == [opened["id"]]
    assert coordinator.get("/api/v1/incidents", query_string={"status": "resolved"}).json == []
    assert coordinator.get("/api/v1/incidents", query_string={"opened_from": "2026-12-04 00:00"}).json == []


def test_resolve_and_cancel_close_an_incident_once(coordinator, plan):
    opened = coordinator.post("/api/v1/incidents", json={"plan_id": plan["id"]}).json
    cancelled = coordinator.post(f"/api/v1/incidents/{opened['id']}/cancel", json={"reason": "false alarm: carer home"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "false alarm: carer home"
    assert all(page["status"] == "closed" for page in cancelled.json["pages"])
    again = coordinator.post(f"/api/v1/incidents/{opened['id']}/resolve", json={})
    assert again.status_code == 409 and "already cancelled" in again.json["message"]


def test_a_cancel_needs_a_reason(coordinator, plan):
    opened = coordinator.post("/api/v1/incidents", json={"plan_id": plan["id"]}).json
    response = coordinator.post(f"/api/v1/incidents/{opened['id']}/cancel", json={"reason": " "})
    assert response.status_code == 422 and response.json["message"].startswith("reason:")


def test_duty_officers_see_only_incidents_they_were_asked_about(app, coordinator, plan, priya):
    other = coordinator.post("/api/v1/plans", json=plan_payload(contacts=[])).json
    officer_login = make_api_user(app, "priya", "duty_officer")
    priya.user_id = officer_login.user.id
    db.session.commit()
    with freeze_time("2026-12-03 22:00:00"):
        theirs = coordinator.post("/api/v1/incidents", json={"plan_id": other["id"]}).json  # no contacts: Priya asked
        not_theirs = coordinator.post("/api/v1/incidents", json={"plan_id": plan["id"]}).json  # Susan asked first
    assert [i["id"] for i in officer_login.get("/api/v1/incidents").json] == [theirs["id"]]
    assert officer_login.get(f"/api/v1/incidents/{theirs['id']}").status_code == 200
    assert officer_login.get(f"/api/v1/incidents/{not_theirs['id']}").status_code == 404
    assert officer_login.post(f"/api/v1/incidents/{theirs['id']}/resolve", json={}).status_code == 403


def test_a_duty_officer_reads_the_plan_of_an_incident_they_were_asked_about_only_while_it_is_live(
        app, coordinator, plan, priya):
    other = coordinator.post("/api/v1/plans", json=plan_payload(contacts=[])).json
    officer_login = make_api_user(app, "priya", "duty_officer")
    priya.user_id = officer_login.user.id
    db.session.commit()
    with freeze_time("2026-12-03 22:00:00"):
        theirs = coordinator.post("/api/v1/incidents", json={"plan_id": other["id"]}).json  # no contacts: Priya asked
        coordinator.post("/api/v1/incidents", json={"plan_id": plan["id"]})  # Susan asked first, not Priya
    read = officer_login.get(f"/api/v1/plans/{other['id']}")
    assert read.status_code == 200 and read.json["carer"]["name"] == "Margaret Hughes"
    assert officer_login.get(f"/api/v1/plans/by-card/{other['card_number']}").status_code == 200
    assert officer_login.get(f"/api/v1/plans/{plan['id']}").status_code == 404
    assert officer_login.get(f"/api/v1/plans/by-card/{plan['card_number']}").status_code == 404
    with freeze_time("2026-12-03 23:00:00"):
        assert coordinator.post(f"/api/v1/incidents/{theirs['id']}/resolve", json={}).status_code == 200
    assert officer_login.get(f"/api/v1/plans/{other['id']}").status_code == 404  # over: no longer theirs to read


def test_an_unknown_incident_is_404(coordinator):
    assert coordinator.get("/api/v1/incidents/4242").status_code == 404


def test_health_reports_the_database_and_the_engines_last_tick(app, client, plan, coordinator):

    assert client.get("/health").json["engine"] == {"last_tick_at": None}
    with freeze_time("2026-12-03 22:00:00"):
        engine.tick(utc_now())
    body = client.get("/health").json
    assert body["database"] == "ok" and body["engine"]["last_tick_at"] == "2026-12-03T22:00:00+00:00"
