"""Coordinators keep care providers in the console and the API; every change is audited; bad
input is refused naming the field."""
import pytest
from sqlalchemy import select

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.users import service as users
from tests.console.client import PASSWORD, Browser, error_summary, words
from tests.scenarios.conftest import World

ACME = {"name": "Acme Care", "bookings_phone": "0113 496 0701", "mobile": "07700 900711",
        "email": "bookings@acme.example.org", "districts": ["ls6", "LS7"], "capabilities": ["personal_care", "dementia"],
        "hourly_rate": "24.50", "contract_ends_on": "2027-03-31"}


def test_a_coordinator_adds_reads_changes_and_deactivates_a_provider_through_the_api(coordinator, duty_officer):
    created = coordinator.post("/api/v1/providers", json=ACME)
    assert created.status_code == 201, created.json
    assert created.json["districts"] == ["LS6", "LS7"] and created.json["mobile"] == "+447700900711"
    assert created.json["hourly_rate"] == "24.50" and created.json["active"] is True
    provider_id = created.json["id"]
    assert duty_officer.get(f"/api/v1/providers/{provider_id}").json["name"] == "Acme Care"
    assert duty_officer.post("/api/v1/providers", json=ACME).status_code == 403
    changed = coordinator.put(f"/api/v1/providers/{provider_id}", json={**ACME, "active": False, "hourly_rate": "26"})
    assert changed.status_code == 200 and changed.json["active"] is False and changed.json["hourly_rate"] == "26.00"
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["provider.added", "provider.changed"]
    assert coordinator.get("/api/v1/providers?active=false").json[0]["id"] == provider_id


@pytest.mark.parametrize("field, value", [
    ("districts", ["Leeds"]), ("capabilities", ["cooking"]), ("mobile", "0113 496 0000"), ("hourly_rate", "-1"),
    ("email", "not an email"), ("name", ""),
])
def test_bad_provider_input_is_a_4xx_naming_the_field(coordinator, field, value):
    response = coordinator.post("/api/v1/providers", json={**ACME, field: value})
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_two_active_providers_cannot_share_a_mobile_replies_could_not_tell_them_apart(coordinator):
    assert coordinator.post("/api/v1/providers", json=ACME).status_code == 201
    response = coordinator.post("/api/v1/providers", json={**ACME, "name": "Other Care"})
    assert response.status_code == 422 and "mobile" in response.json["errors"]


@pytest.fixture
def cora(app, world):
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    browser = Browser(app)
    assert browser.log_in("cora").status_code == 302
    return browser


@pytest.fixture
def world(app):
    return World(app)


def test_the_console_adds_a_provider_keeping_what_was_typed_when_it_is_wrong(cora):
    page = cora.page("/console/providers")
    assert "No providers yet." in words(page)
    form = {"name": "Acme Care", "bookings_phone": "0113 496 0701", "mobile": "07700 900711",
            "email": "bookings@acme.example.org", "districts": "LS6, Leeds", "hourly_rate": "twenty",
            "capabilities": ["personal_care", "overnight"], "contract_ends_on": ""}
    refused = cora.submit("/console/providers/new", **form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    summary = error_summary(html)
    assert "Enter the hourly rate in pounds, like 24.50" in summary
    assert "Enter postcode districts only, like LS6, LS7: 'LEEDS' is not" in summary
    assert 'value="LS6, Leeds"' in html and 'value="overnight" checked' in html
    saved = cora.submit("/console/providers/new", **{**form, "districts": "LS6, ls7", "hourly_rate": "24.50"})
    assert saved.status_code == 302
    page = words(cora.page(saved.headers["Location"]))
    assert "Acme Care saved." in page
    listing = words(cora.page("/console/providers"))
    assert "Acme Care" in listing and "LS6, LS7" in listing and "Personal care, Overnight" in listing
    deactivated = cora.submit(saved.headers["Location"] + "/active", active="no")
    assert "inactive" in words(cora.page(deactivated.headers["Location"]))
    assert "No, inactive" in words(cora.page("/console/providers"))
