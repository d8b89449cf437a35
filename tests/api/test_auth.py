"""Logging in with a bearer token, and what each role may do."""
import pytest

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.users import service as users
from tests.conftest import plan_payload


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "cel_abc"])
def test_no_usable_token_gets_401_with_a_challenge(client, header):
    response = client.get("/api/v1/plans", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json["message"]


def test_an_unknown_token_gets_401(client):
    response = client.get("/api/v1/plans", headers={"Authorization": "Bearer cel_not-a-real-token"})
    assert response.status_code == 401 and "unknown or revoked" in response.json["message"]


def test_a_revoked_token_stops_working(coordinator):
    assert coordinator.get("/api/v1/me").status_code == 200
    users.revoke_token(coordinator.user.tokens[0].id, utc_now())
    db.session.commit()
    assert coordinator.get("/api/v1/me").status_code == 401


def test_an_inactive_users_tokens_stop_working(duty_officer):
    duty_officer.user.active = False
    db.session.commit()
    assert duty_officer.get("/api/v1/plans").status_code == 401


def test_me_says_who_is_logged_in(duty_officer):
    assert duty_officer.get("/api/v1/me").json == {"username": "dave", "full_name": "Dave", "role": "duty_officer"}


def test_a_duty_officer_cannot_list_read_or_change_plans_they_were_not_asked_about(coordinator, duty_officer):
    created = coordinator.post("/api/v1/plans", json=plan_payload()).json
    for path in ("/api/v1/plans", "/api/v1/plans/due-for-review"):
        assert duty_officer.get(path).status_code == 403, path
    by_id = duty_officer.get(f"/api/v1/plans/{created['id']}")
    unknown = duty_officer.get("/api/v1/plans/4242")
    assert by_id.status_code == unknown.status_code == 404 and by_id.json == unknown.json  # an id tells them nothing
    assert duty_officer.get(f"/api/v1/plans/by-card/{created['card_number']}").status_code == 404

    refused = duty_officer.post("/api/v1/plans", json=plan_payload())
    assert refused.status_code == 403 and "coordinator" in refused.json["message"]
    update = {**plan_payload(), "version": created["version"]}
    assert duty_officer.put(f"/api/v1/plans/{created['id']}", json=update).status_code == 403
    assert duty_officer.post(f"/api/v1/plans/{created['id']}/archive", json={"reason": "x"}).status_code == 403
    assert duty_officer.get(f"/api/v1/plans/{created['id']}/key-safe").status_code == 403
    assert duty_officer.get(f"/api/v1/plans/{created['id']}/versions").status_code == 403


def test_an_admin_may_do_what_a_coordinator_may(admin):
    created = admin.post("/api/v1/plans", json=plan_payload())
    assert created.status_code == 201
    assert admin.post(f"/api/v1/plans/{created.json['id']}/review").status_code == 200
