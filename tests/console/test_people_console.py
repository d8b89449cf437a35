"""People in the console, for admins: users with roles, passwords and API tokens shown once,
alert mobile and email, deactivating; nobody else gets in."""
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.users import service as users
from emergency.users.models import ApiToken, ShownOnce, User
from emergency.users.passwords import password_problem
from tests.console.client import PASSWORD, Browser, error_summary

SECRET = re.compile(r'<code class="[^"]*\bsecret\b[^"]*">([^<]+)</code>')


def person(username, role, password=PASSWORD):
    user = users.create_user(username, username.title(), role, utc_now())
    users.set_password(user, password)
    db.session.commit()
    return user


@pytest.fixture
def ada(app):
    person("ada", "admin")
    browser = Browser(app)
    assert browser.log_in("ada").status_code == 302
    return browser


def shown_once(browser, response) -> str:
    """The secret on the page a post redirects to; a reload of that page no longer shows it."""
    assert response.status_code == 302
    page = browser.page(response.headers["Location"])
    assert not SECRET.search(browser.page(response.headers["Location"]))
    return SECRET.search(page).group(1)


def test_an_admin_adds_a_person_with_a_role_mobile_and_email(ada):
    page = ada.page("/console/people")
    assert "ada" in page and 'for="f-username"' in page
    added = ada.submit("/console/people", username="cora.j", full_name="Cora Jones", role="coordinator",
                       mobile="07700 900900", email="cora@council.example")
    assert added.status_code == 302
    cora = db.session.scalar(select(User).where(User.username == "cora.j"))
    assert (cora.role, cora.mobile, cora.email) == ("coordinator", "+447700900900", "cora@council.example")
    assert cora.active
    assert added.headers["Location"] == f"/console/people/{cora.id}"
    assert "No password yet" in ada.page(f"/console/people/{cora.id}")
    assert cora in users.alert_recipients()


def test_a_bad_new_person_keeps_what_was_typed_and_says_what_is_wrong(ada):
    refused = ada.submit("/console/people", username="cora jones", full_name="Cora Jones", role="boss",
                         mobile="0123", email="not an email")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for field in ("username", "role", "mobile", "email"):
        assert f'id="f-{field}-error"' in text, field
    assert error_summary(text) == (
        "There is a problem Username must use only letters, digits, dots, dashes and underscores Select a role "
        "Enter a UK mobile number for alerts, like 07700 900 982 "
        "Enter an email address in the correct format, like name@example.com")
    assert 'value="cora jones"' in text and 'value="not an email"' in text and 'value="0123"' in text
    taken = ada.submit("/console/people", username="ada", full_name="Another Ada", role="admin")
    assert taken.status_code == 409 and "A user called 'ada' already exists" in error_summary(taken.get_data(as_text=True))
    assert db.session.scalar(select(User).where(User.full_name == "Another Ada")) is None


def test_a_new_password_is_shown_once_works_and_ends_older_sessions(app, ada):
    dave = person("dave", "duty_officer")
    daves_browser = Browser(app)
    daves_browser.log_in("dave")
    made = ada.submit(f"/console/people/{dave.id}/password")
    password = shown_once(ada, made)
    assert password_problem(password) is None and password not in ada.page(f"/console/people/{dave.id}")
    assert daves_browser.client.get("/console/").status_code == 302  # the old password's session is over
    assert Browser(app).log_in("dave", password).status_code == 302


def session_cookie_contents(app, client) -> str:
    """What the signed session cookie holds, as anyone holding the cookie can read it."""
    return str(app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value))


@pytest.mark.parametrize("what", ["password", "tokens"])
def test_a_secret_shown_once_never_sits_in_the_cookie_and_a_copied_cookie_does_not_show_it_again(app, ada, what):
    dave = person("dave", "duty_officer")
    made = ada.submit(f"/console/people/{dave.id}/{what}", label="laptop")
    thief = app.test_client()  # a copy of the cookie as it was before the redirect was followed
    thief.set_cookie("session", ada.client.get_cookie("session").value)
    secret = shown_once(ada, made)
    assert secret not in session_cookie_contents(app, thief)
    assert db.session.scalar(select(ShownOnce)) is None  # deleted as it was shown
    assert "<code class=\"secret\">" not in thief.get(made.headers["Location"]).get_data(as_text=True)


def test_a_calendar_address_is_shown_once_from_the_server_not_the_cookie(app, ada, world):
    officer_id = world.officers["priya"].id
    made = ada.submit(f"/console/rota/officers/{officer_id}/feeds")
    assert "line.example.org" not in session_cookie_contents(app, ada.client)
    address = re.compile(r"https://line\.example\.org/feeds/[^\s<\"]+\.ics")
    assert address.search(ada.page(made.headers["Location"]))
    assert not address.search(ada.page(made.headers["Location"]))


def test_an_admin_who_resets_their_own_password_stays_logged_in_and_sees_it(app, ada):
    me = db.session.scalar(select(User).where(User.username == "ada"))
    other_browser = Browser(app)
    other_browser.log_in("ada")
    password = shown_once(ada, ada.submit(f"/console/people/{me.id}/password"))
    assert ada.client.get("/console/").status_code == 200
    assert other_browser.client.get("/console/").status_code == 302  # every other session ended
    assert Browser(app).log_in("ada", password).status_code == 302


def test_an_api_token_is_shown_once_works_and_can_be_revoked(app, ada):
    cora = person("cora", "coordinator")
    refused = ada.submit(f"/console/people/{cora.id}/tokens", label="  ")
    assert refused.status_code == 422 and 'id="f-label-error"' in refused.get_data(as_text=True)
    token = shown_once(ada, ada.submit(f"/console/people/{cora.id}/tokens", label="reporting laptop"))
    client = app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["username"] == "cora"
    page = ada.page(f"/console/people/{cora.id}")
    assert token not in page and "reporting laptop" in page and token[:12] in page

    row = db.session.scalar(select(ApiToken))
    assert ada.submit(f"/console/people/{cora.id}/tokens/{row.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    other = person("otto", "coordinator")
    assert ada.submit(f"/console/people/{other.id}/tokens/{row.id}/revoke").status_code == 404


def test_details_are_changed_and_a_mobile_can_be_taken_away(ada):
    cora = person("cora", "coordinator")
    bad = ada.submit(f"/console/people/{cora.id}", full_name="", role="coordinator", mobile="12", email="")
    assert bad.status_code == 422 and 'id="f-full_name-error"' in bad.get_data(as_text=True)
    assert ada.submit(f"/console/people/{cora.id}", full_name="Cora Jones-Smith", role="admin", mobile="07700 900900",
                      email="cora@council.example").status_code == 302
    assert ada.submit(f"/console/people/{cora.id}", full_name="Cora Jones-Smith", role="admin", mobile="",
                      email="").status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, cora.id)
    assert (changed.full_name, changed.role, changed.mobile, changed.email) == ("Cora Jones-Smith", "admin", None, None)


def test_deactivating_keeps_a_person_out_and_an_admin_cannot_lock_themselves_out(app, ada):
    cora = person("cora", "coordinator")
    coras_browser = Browser(app)
    coras_browser.log_in("cora")
    assert ada.submit(f"/console/people/{cora.id}/active", active="no").status_code == 302
    assert coras_browser.client.get("/console/").status_code == 302
    assert Browser(app).log_in("cora").status_code == 401
    assert ada.submit(f"/console/people/{cora.id}/active", active="yes").status_code == 302
    assert Browser(app).log_in("cora").status_code == 302

    me = db.session.scalar(select(User).where(User.username == "ada"))
    myself = ada.submit(f"/console/people/{me.id}/active", active="no")
    assert myself.status_code == 422 and "cannot deactivate yourself" in myself.get_data(as_text=True)
    demoted = ada.submit(f"/console/people/{me.id}", full_name="Ada", role="coordinator")
    assert demoted.status_code == 422 and "own admin role" in demoted.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).active and db.session.get(User, me.id).role == "admin"


@pytest.mark.parametrize("role", ["coordinator", "duty_officer"])
def test_only_admins_manage_people(app, role):
    target = person("target", "coordinator")
    person("someone", role)
    browser = Browser(app)
    browser.log_in("someone")
    assert "/console/people" not in browser.page("/console/")
    assert browser.client.get("/console/people").status_code == 403
    assert browser.client.get(f"/console/people/{target.id}").status_code == 403
    for path in ("/console/people", f"/console/people/{target.id}/password", f"/console/people/{target.id}/tokens",
                 f"/console/people/{target.id}/active"):
        refused = browser.submit(path, username="x", full_name="X", role="admin", active="no", label="x")
        assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).active and db.session.scalar(select(ApiToken)) is None
    assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_an_unknown_person_is_a_404(ada):
    assert ada.client.get("/console/people/999999").status_code == 404
    assert ada.submit("/console/people/99999999999/password").status_code == 404


form_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=form_text, full_name=form_text, role=st.one_of(form_text, st.sampled_from(["admin", "coordinator"])),
       mobile=form_text, email=form_text, label=form_text)
@example(username="\x00", full_name="\x00", role="admin", mobile="\x00", email="\x00", label="\x00")
def test_whatever_an_admin_types_the_people_pages_answer_without_a_server_error(
        ada, username, full_name, role, mobile, email, label):
    someone = db.session.scalar(select(User).where(User.username == "someone")) or person("someone", "coordinator")
    for response in (
        ada.submit("/console/people", username=username, full_name=full_name, role=role, mobile=mobile, email=email),
        ada.submit(f"/console/people/{someone.id}", full_name=full_name, role=role, mobile=mobile, email=email),
        ada.submit(f"/console/people/{someone.id}/tokens", label=label),
        ada.submit(f"/console/people/{someone.id}/active", active=label),
    ):
        assert response.status_code in (200, 302, 409, 422), response.status_code
    db.session.rollback()
