"""The console login as an attacker would try it (issue 12, findings 1 to 4): growing delays
instead of a lockout anyone can trigger, a known device still gets in, sessions that end on
the server, and a CSRF token on the login form."""
import hashlib
import logging
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from emergency.extensions import db
from emergency.users import service as users
from emergency.users.models import LoginFailure, User
from tests.conftest import NOW
from tests.console.client import PASSWORD, Browser

WRONG = "not the password!"


def wait_message(response) -> str:
    return response.get_data(as_text=True)


def test_wrong_passwords_slow_the_account_down_more_and_more_but_never_lock_it(app, world):  # noqa: F811
    attacker = Browser(app, address="198.51.100.7")
    with freeze_time(NOW) as clock:
        for _ in range(users.ACCOUNT_THROTTLE.free_failures):
            assert attacker.log_in("cora", WRONG).status_code == 401
        held = attacker.log_in("cora", PASSWORD)  # even the right password waits its turn
        assert held.status_code == 429 and "try again in 1 second" in wait_message(held)
        waits = []
        for _ in range(4):
            clock.tick(timedelta(seconds=waits[-1] if waits else 1))
            assert attacker.log_in("cora", WRONG).status_code == 401
            refused = attacker.log_in("cora", WRONG)
            assert refused.status_code == 429
            waits.append(int(wait_message(refused).split("try again in ")[1].split(" second")[0]))
        assert waits == [2, 4, 8, 16]
        clock.tick(timedelta(seconds=16))
        assert attacker.log_in("cora", PASSWORD).status_code == 302  # slowed down, never locked out
        clock.tick(timedelta(hours=2))
        for _ in range(users.ACCOUNT_THROTTLE.free_failures * 3):
            attacker.log_in("cora", WRONG)
            clock.tick(timedelta(minutes=10))
        assert attacker.log_in("cora", PASSWORD).status_code == 302  # failures an hour old are forgotten


def test_the_right_password_from_a_device_that_logged_in_before_gets_in_during_an_attack(app, world):  # noqa: F811
    laptop = Browser(app, address="192.0.2.10")
    with freeze_time(NOW) as clock:
        assert laptop.log_in("cora").status_code == 302
        laptop.submit("/console/logout")
        clock.tick(timedelta(hours=3))
        for address in range(30):  # a botnet: many addresses, one account
            Browser(app, address=f"203.0.113.{address}").log_in("cora", WRONG)
        assert Browser(app, address="192.0.2.10").log_in("cora").status_code == 429  # a new browser waits
        assert laptop.log_in("cora").status_code == 302
        assert laptop.page("/console/")


def test_many_names_tried_from_one_address_slow_that_address_down_only(app, world):  # noqa: F811
    with freeze_time(NOW):
        sprayer = Browser(app, address="198.51.100.99")
        for number in range(users.ADDRESS_THROTTLE.free_failures):
            assert sprayer.log_in(f"user{number}", WRONG).status_code == 401
        assert sprayer.log_in("someone-new", WRONG).status_code == 429
        assert Browser(app, address="192.0.2.50").log_in("cora").status_code == 302


def test_refused_logins_are_logged_and_counted(app, world, caplog):  # noqa: F811
    caplog.set_level(logging.WARNING)
    with freeze_time(NOW):
        Browser(app, address="198.51.100.7").log_in("cora", WRONG)
        Browser(app, address="198.51.100.8").log_in("no-such-person", WRONG)
    refusals = [r.getMessage() for r in caplog.records if "console login refused" in r.getMessage()]
    assert len(refusals) == 2
    assert f"user {world.coordinator.id}" in refusals[0] and "198.51.100.7" in refusals[0]
    assert "an unknown name" in refusals[1] and WRONG not in " ".join(refusals)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 2
    with freeze_time(NOW + timedelta(days=8)):
        Browser(app, address="198.51.100.9").log_in("cora", WRONG)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1  # a week on, only the newest


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password hash the login checks, by its method and cost (scrypt:32768:8:1 ...)."""
    checked = []

    def counting(pwhash, password):
        checked.append(pwhash.split("$")[0])
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    return checked


def test_every_answer_costs_the_same_password_hash_whether_the_user_exists_is_slowed_down_or_not(
        app, world, hash_checks):  # noqa: F811
    """Timing tells an attacker nothing: each answer checks exactly one hash, of the same method
    and cost as a real user's, on every path (counted, not timed: a loaded machine cannot flake it)."""
    real = db.session.get(User, world.coordinator.id).password_hash.split("$")[0]
    users.create_user("nopass", "No Password", "coordinator", NOW)
    inactive = users.create_user("gone", "Gone Away", "coordinator", NOW)
    users.set_password(inactive, PASSWORD)
    inactive.active = False
    db.session.commit()
    with freeze_time(NOW):
        answers = [Browser(app, address="192.0.2.1").log_in("cora", WRONG).status_code,
                   Browser(app, address="192.0.2.2").log_in("nobody-here", WRONG).status_code,
                   Browser(app, address="192.0.2.3").log_in("nopass", WRONG).status_code,
                   Browser(app, address="192.0.2.4").log_in("gone", PASSWORD).status_code]
        key = users.account_key("cora", app.config["SECRET_KEY"])
        db.session.add_all(LoginFailure(at=NOW, source_address="198.51.100.1", account_key=key) for _ in range(15))
        db.session.commit()
        answers.append(Browser(app, address="192.0.2.5").log_in("cora", WRONG).status_code)  # slowed down
        answers.append(Browser(app, address="192.0.2.6").log_in("cora").status_code)  # slowed down, right password
    assert answers == [401, 401, 401, 401, 429, 429]
    assert hash_checks == [real] * len(answers)


def test_a_forged_session_for_a_user_without_a_password_gets_nowhere(app, world):  # noqa: F811
    nobody = users.create_user("nopass", "No Password", "admin", NOW)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        # What the secret key lets anyone sign: the user's id and anything derived from what
        # they could know (a user with no password has an empty password hash).
        session.update({"user_id": nobody.id, "fingerprint": hashlib.sha256(b"").hexdigest()[:16],
                        "session_version": None, "csrf": "x"})
    assert client.get("/console/").status_code == 302


def test_a_session_needs_the_servers_current_session_version(app, world, cora):  # noqa: F811
    with cora.client.session_transaction() as session:
        session["session_version"] = "0" * 32
    assert cora.client.get("/console/").status_code == 302


def replay_cookie(app, browser):
    """A second client holding a copy of the browser's session cookie, as a thief would."""
    thief = app.test_client()
    cookie = browser.client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_stops_working_after_logout(app, world, cora):  # noqa: F811
    thief = replay_cookie(app, cora)
    assert thief.get("/console/").status_code == 200
    assert cora.submit("/console/logout").status_code == 302
    assert thief.get("/console/").status_code == 302


def test_every_session_ends_when_the_password_changes_or_the_user_is_deactivated(app, world, cora):  # noqa: F811
    laptop, phone = replay_cookie(app, cora), Browser(app)
    phone.log_in("cora")
    users.set_password(db.session.get(User, world.coordinator.id), "another long password")
    db.session.commit()
    assert laptop.get("/console/").status_code == 302 and phone.client.get("/console/").status_code == 302

    phone.log_in("cora", "another long password")
    users.set_active(db.session.get(User, world.coordinator.id), False)
    db.session.commit()
    users.set_active(db.session.get(User, world.coordinator.id), True)
    db.session.commit()
    assert phone.client.get("/console/").status_code == 302  # back in only by logging in again


def test_the_login_form_carries_a_csrf_token_and_a_post_without_it_logs_nobody_in(app, world):  # noqa: F811
    client = app.test_client()
    assert 'name="csrf"' in client.get("/console/login").get_data(as_text=True)
    forged = client.post("/console/login", data={"username": "cora", "password": PASSWORD})
    assert forged.status_code == 400
    assert client.get("/console/").status_code == 302


def botnet_attack(app, rounds=30):
    for address in range(rounds):
        Browser(app, address=f"203.0.113.{address}").log_in("cora", WRONG)


def test_a_known_device_is_forgotten_when_the_password_changes(app, world):  # noqa: F811
    laptop = Browser(app, address="192.0.2.10")
    with freeze_time(NOW):
        assert laptop.log_in("cora").status_code == 302
        users.set_password(db.session.get(User, world.coordinator.id), "another long password")
        db.session.commit()
        botnet_attack(app)
        # The cookie knew the old password: it no longer lets anyone past the attack's delays.
        assert laptop.log_in("cora", "another long password").status_code == 429


def test_a_known_device_is_slowed_down_by_its_own_wrong_passwords(app, world):  # noqa: F811
    laptop = Browser(app, address="192.0.2.10")
    with freeze_time(NOW) as clock:
        assert laptop.log_in("cora").status_code == 302
        laptop.submit("/console/logout")
        answers = [laptop.log_in("cora", WRONG).status_code for _ in range(users.KNOWN_DEVICE_THROTTLE.free_failures + 1)]
        assert answers == [401] * users.KNOWN_DEVICE_THROTTLE.free_failures + [429]
        held = laptop.log_in("cora")
        assert held.status_code == 429 and "try again in 1 second" in wait_message(held)
        clock.tick(timedelta(seconds=1))
        assert laptop.log_in("cora").status_code == 302


def test_a_known_device_is_remembered_for_30_days_not_90(app, world):  # noqa: F811
    laptop = Browser(app, address="192.0.2.10")
    with freeze_time(NOW) as clock:
        logged_in = laptop.log_in("cora")
        assert logged_in.status_code == 302
        assert any(cookie.startswith("known_device=") and "Max-Age=2592000" in cookie
                   for cookie in logged_in.headers.getlist("Set-Cookie"))
        clock.tick(timedelta(days=31))
        botnet_attack(app)
        assert laptop.log_in("cora").status_code == 429


def test_a_session_ends_12_hours_after_the_login_however_busy(app, world):  # noqa: F811
    with freeze_time(NOW) as clock:
        cora = Browser(app)
        assert cora.log_in("cora").status_code == 302
        for _ in range(36):  # someone at work, a page every 20 minutes, for 12 hours
            clock.tick(timedelta(minutes=20))
            assert cora.client.get("/console/plans").status_code == 200
        clock.tick(timedelta(minutes=20))  # 12 h 20 min after the login
        assert cora.client.get("/console/plans").status_code == 302


def test_a_session_left_idle_ends_although_the_board_reloads_itself(app, world):  # noqa: F811
    with freeze_time(NOW) as clock:
        cora = Browser(app)
        assert cora.log_in("cora").status_code == 302
        board = cora.client.get("/console/").get_data(as_text=True)
        reload_to = re.search(r'data-refresh-url="([^"]+)"', board).group(1)  # the list the board fetches alone
        for _ in range(2 * (app.config["CONSOLE_IDLE_MINUTES"] - 1)):
            clock.tick(timedelta(seconds=30))
            assert cora.client.get(reload_to).status_code == 200
        clock.tick(timedelta(minutes=2))  # over an hour since the person last did anything
        assert cora.client.get(reload_to).status_code == 302
        assert cora.log_in("cora").status_code == 302
        clock.tick(timedelta(minutes=50))
        assert cora.client.get("/console/").status_code == 200  # a person's own visit counts
        clock.tick(timedelta(minutes=50))
        assert cora.client.get("/console/").status_code == 200


def test_a_next_address_with_a_line_break_leads_to_the_board_not_an_error(app, world):  # noqa: F811
    browser = Browser(app)
    response = browser.log_in("cora", next_page="/console%0d%0aX:1")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    assert "X" not in response.headers
    for target, expected in [("/console/plans?q=x", "/console/plans?q=x"), ("//evil.example/console", "/console/"),
                             ("/console%09/x", "/console/"), ("https://evil.example/console/", "/console/"),
                             ("/consoles", "/console/")]:
        assert Browser(app).log_in("cora", next_page=target).headers["Location"] == expected, target
