"""The command line a council's admin uses, and the service's front door."""
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from config import DEMO_FALLBACK_PHONE_NUMBER, Config
from emergency.extensions import db
from emergency.phones import is_mobile, phone_kind
from emergency.plans.models import ContingencyPlan
from emergency.providers.models import CareProvider
from emergency.rota.models import DutyOfficer
from emergency.users.models import User
from tests.conftest import plan_payload
from tests.console.client import Browser


def test_a_token_made_on_the_command_line_opens_the_api_and_revoking_it_closes_it(app, client):
    cli = app.test_cli_runner()
    created = cli.invoke(args=["users", "create", "cora", "--name", "Cora Jones", "--role", "coordinator"])
    assert created.exit_code == 0 and "created coordinator cora" in created.output
    issued = cli.invoke(args=["users", "token", "cora", "--label", "laptop"])
    token = issued.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}

    made = client.post("/api/v1/plans", json=plan_payload(), headers=headers)
    assert made.status_code == 201
    assert client.get(f"/api/v1/plans/by-card/{made.json['card_number']}", headers=headers).status_code == 200

    listing = cli.invoke(args=["users", "list"])
    assert "cora\tcoordinator\tactive" in listing.output and "laptop\tlive" in listing.output
    assert token not in listing.output  # only a prefix is ever shown again
    assert cli.invoke(args=["users", "revoke-token", "1"]).exit_code == 0
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_command_line_explains_its_refusals(app):
    cli = app.test_cli_runner()
    assert "already exists" in (
        cli.invoke(args=["users", "create", "x", "--name", "X", "--role", "admin"]).output
        + cli.invoke(args=["users", "create", "x", "--name", "X", "--role", "admin"]).output
    )
    assert "no user called 'nobody'" in cli.invoke(args=["users", "token", "nobody"]).output
    assert cli.invoke(args=["users", "create", "y", "--name", "Y", "--role", "king"]).exit_code != 0


def test_deactivating_a_user_shuts_out_their_tokens(app, coordinator):
    cli = app.test_cli_runner()
    assert cli.invoke(args=["users", "set-active", "cora", "no"]).exit_code == 0
    assert coordinator.get("/api/v1/me").status_code == 401


def test_demo_data_is_not_loaded_when_switched_off(app):
    app.config["LOAD_DEMO_DATA"] = False
    assert "not loaded" in app.test_cli_runner().invoke(args=["demo", "load"]).output
    assert "demo" not in app.test_cli_runner().invoke(args=["users", "list"]).output


def test_demo_data_loads_once_with_a_working_token_an_active_plan_and_a_rota(app, client):
    app.config["LOAD_DEMO_DATA"] = True
    cli = app.test_cli_runner()
    first = cli.invoke(args=["demo", "load"])
    token = first.output.split("(shown once): ")[1].split()[0]
    card = first.output.split("card number ")[1].split()[0]
    plan = client.get(f"/api/v1/plans/by-card/{card}", headers={"Authorization": f"Bearer {token}"}).json
    assert plan["status"] == "active" and plan["home_access"]["has_key_safe_code"] is True
    night = client.get("/api/v1/rota/on-duty", query_string={"at": "2027-01-05 22:00"},
                       headers={"Authorization": f"Bearer {token}"}).json
    assert [len(tier["officers"]) for tier in night["tiers"]] == [1, 1, 0]
    assert "already present" in cli.invoke(args=["demo", "load"]).output
    password = first.output.split("password (shown once): ")[1].split()[0]
    browser = Browser(app)
    assert browser.log_in("demo", password).status_code == 302 and browser.client.get("/console/").status_code == 200


def test_the_demo_keeps_mobiles_in_mobile_boxes_and_landlines_in_landline_boxes(app):
    app.config["LOAD_DEMO_DATA"] = True
    app.test_cli_runner().invoke(args=["demo", "load"])
    plan = db.session.scalar(select(ContingencyPlan))
    mobiles = [plan.carer_mobile, *(c.mobile for c in plan.contacts), *db.session.scalars(select(DutyOfficer.mobile)),
               db.session.scalar(select(User.mobile).where(User.username == "demo"))]
    assert len(mobiles) == 8 and all(is_mobile(number) for number in mobiles), mobiles
    assert phone_kind(plan.carer_landline) == "landline"
    providers = db.session.scalars(select(CareProvider).order_by(CareProvider.name)).all()
    assert [p.name for p in providers if p.active and "LS6" in p.district_list] == [
        "Aire Valley Carers", "Headingley Home Care"]  # so that the tour's "Arrange cover" has someone to ask
    assert all(is_mobile(p.mobile) and phone_kind(p.bookings_phone) == "landline" for p in providers)


def test_the_demo_run_on_a_monday_afternoon_has_people_on_duty_and_a_fallback_number(app, client):


    app.config.update(LOAD_DEMO_DATA=True, FALLBACK_PHONE_NUMBER=Config(environ={}).FALLBACK_PHONE_NUMBER)
    with freeze_time("2026-11-23 14:00:00"):  # a Monday afternoon: office hours, no pattern covers it
        output = app.test_cli_runner().invoke(args=["demo", "load"]).output
        token = output.split("(shown once): ")[1].split()[0]
        now = client.get("/api/v1/rota/on-duty", query_string={"at": "2026-11-23 15:30"},
                         headers={"Authorization": f"Bearer {token}"}).json
    assert [len(tier["officers"]) for tier in now["tiers"]] == [1, 1, 0]
    assert f"fallback number {DEMO_FALLBACK_PHONE_NUMBER}" in output


def test_a_console_password_set_on_the_command_line_lets_the_user_log_in(app, client, coordinator):
    cli = app.test_cli_runner()
    short = cli.invoke(args=["users", "set-password", "cora"], input="too short\ntoo short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    assert cli.invoke(args=["users", "set-password", "cora"], input="a long enough one\na long enough one\n").exit_code == 0
    assert Browser(app).log_in("cora", "a long enough one").status_code == 302


@pytest.mark.parametrize("password, problem", [
    (" " * 12, "too easy to guess"), ("aaaaaaaaaaaa", "too easy to guess"), ("abcabcabcabc", "too easy to guess"),
    ("Password1234", "too easy to guess"), ("qwertyuiop123", "too easy to guess"), ("123456789012", "too easy to guess"),
    ("iloveyou12345", "too easy to guess"), ("cora's own password", "must not contain the username"),
])
def test_common_repeated_and_guessable_passwords_are_refused(app, coordinator, password, problem):
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["users", "set-password", "cora"], input=f"{password}\n{password}\n")
    assert refused.exit_code != 0 and problem in refused.output
    assert Browser(app).log_in("cora", password).status_code == 401


def test_a_long_password_needs_no_digits_capitals_or_symbols(app, coordinator):
    cli = app.test_cli_runner()
    assert cli.invoke(args=["users", "set-password", "cora"], input="plum river lantern\nplum river lantern\n").exit_code == 0


def test_usernames_are_the_same_whatever_their_case(app, client, coordinator):
    cli = app.test_cli_runner()
    clash = cli.invoke(args=["users", "create", "CORA", "--name", "Impostor", "--role", "admin"])
    assert clash.exit_code != 0 and "a user called 'CORA' already exists" in clash.output
    assert cli.invoke(args=["users", "set-password", "Cora"], input="plum river lantern\nplum river lantern\n").exit_code == 0
    assert Browser(app).log_in("CORA", "plum river lantern").status_code == 302


def test_the_front_door_points_to_the_docs_and_health_reports_the_database(client):
    assert "/api/docs" in client.get("/").get_data(as_text=True)
    health = client.get("/health")
    assert health.status_code == 200 and health.json["database"] == "ok"
    assert client.get("/api/openapi.json").json["openapi"] == "3.0.3"


def test_the_docs_page_loads_swagger_ui_from_the_service_itself_not_the_internet(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assets = [part.split('"')[0] for part in page.split('src="')[1:]] + [page.split('<link href="')[1].split('"')[0]]
    assert len(assets) == 3 and all(asset.startswith("/api/docs/assets/") for asset in assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and len(response.data) > 1000
        response.close()  # a file served from disk stays open until its response is closed
    assert client.get("/api/docs/assets/index.html").status_code == 404


def test_a_wrong_method_is_405_with_the_allowed_methods(coordinator):
    response = coordinator.delete("/api/v1/plans")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_playing_the_line_from_the_command_line_shows_the_accepter_their_details_link(app, client):
    app.config["LOAD_DEMO_DATA"] = True
    cli = app.test_cli_runner()
    card = cli.invoke(args=["demo", "load"]).output.split("card number ")[1].split()[0]
    with freeze_time("2026-11-26 22:00:00"):  # a Thursday night: the demo rota is on duty
        cli.invoke(args=["phone", "text", "07911 123456", f"Margaret has had a fall, card {card}"])
        code = re.search(r"Reply ACCEPT (\d+)", cli.invoke(args=["phone", "outbox"]).output).group(1)
        accepted = cli.invoke(args=["phone", "text", "07700 900456", f"ACCEPT {code}"])
        link = re.search(r"text to 07700 900456: .*?(/details/[A-Za-z0-9_-]+)", accepted.output).group(1)
        assert client.get(link).status_code == 200  # what Susan's phone would open
    assert "/details/[redacted]" in cli.invoke(args=["phone", "outbox"]).output  # the stored copy
