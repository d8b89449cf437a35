"""The carer's yearly review from the link in the reminder: the link is single use, expires and
is kept only as a hash; the plan's mobile is confirmed by a texted code (with the front door's
caps); the plan is shown without the key-safe code; "nothing has changed" records the review;
changes go to the queue with each changed field marked, and approving merges them into the plan
through the plan service, a plan changed meanwhile shown as stale and never silently overwritten.
Phone numbers: +447700900870..879."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from emergency.api.plan_schemas import PlanSchema
from emergency.applications.models import Application
from emergency.audit.models import AuditEvent
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.plans.models import ContingencyPlan
from emergency.reviews import carer_links
from emergency.reviews import service as reviews
from emergency.reviews.models import CarerReviewLink
from tests.conftest import plan_payload
from tests.console.client import error_summary, words
from tests.console.forms import form_fields
from tests.front_door.applicant import Applicant, code_texted_to, texts_to

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)
CARER = "+447700900870"


@pytest.fixture
def plan(app):
    with freeze_time(NOW - timedelta(days=365)):
        data = PlanSchema().load(plan_payload(
            carer={"name": "Margaret Hughes", "mobile": "07700 900870",
                   "address": {"line1": "14 Brudenell Grove", "town": "Leeds", "postcode": "ls6 1hr"}},
            contacts=[{"name": "Susan Hughes", "relationship": "daughter", "mobile": "07700 900871"},
                      {"name": "Tom Baker", "relationship": "neighbour", "mobile": "07700 900872"}],
            review_due_on="2027-03-12"))
        row = plans.create_plan(data, by=None, now=utc_now())
        plans.set_key_safe_code(row, "4729", by=None, now=utc_now())
        db.session.commit()
    return row


def _reminded(plan) -> str:
    """The daily job texts the carer; the path of the link in the text."""
    reviews.text_carers_before_review(utc_now())
    db.session.commit()
    return re.search(r"https?://[^/]+(/review/[A-Za-z0-9_-]+) ", texts_to(CARER)[-1]).group(1)


def _confirmed(app, plan) -> tuple[Applicant, str]:
    carer = Applicant(app, address="192.0.2.70")
    path = _reminded(plan)
    assert carer.get(path).headers["Location"].endswith("/review/code")
    response = carer.post("/review/code", code=code_texted_to(CARER), action="check")
    assert response.headers["Location"].endswith("/review/plan")
    return carer, path


def test_the_link_opens_once_after_a_code_to_the_plans_mobile_and_shows_the_plan_without_the_key_safe_code(
        app, plan):
    with freeze_time(NOW):
        path = _reminded(plan)
        token = path.rsplit("/", 1)[1]
        link = db.session.scalars(select(CarerReviewLink)).one()
        assert link.token_hash == carer_links.token_hash(token) and token not in link.token_hash  # the hash only
        carer = Applicant(app, address="192.0.2.70")
        assert carer.get("/review/plan").status_code == 404  # nothing without the link
        assert carer.get(path).status_code == 302
        assert "We have texted a 6-digit code to the mobile number on your plan" in words(
            carer.get("/review/code").get_data(as_text=True))
        assert carer.get("/review/plan").headers["Location"].endswith("/review/code")  # not before the code
        wrong = carer.post("/review/code", code="000000" if code_texted_to(CARER) != "000000" else "111111",
                           action="check")
        assert wrong.status_code == 422 and "The code is not right" in error_summary(wrong.get_data(as_text=True))
        assert carer.post("/review/code", code=code_texted_to(CARER), action="check").status_code == 302
        page = words(carer.get("/review/plan").get_data(as_text=True))
        assert "Margaret Hughes" in page and "Donepezil 10 mg at night" in page and "Susan Hughes" in page
        assert "4729" not in page and "Your key safe code is not shown here" in page
        assert carer.get(path).headers["Location"].endswith("/review/code")  # the same browser carries on
        # The same link in another browser (forwarded, or seen over a shoulder) does nothing.
        other = Applicant(app, address="192.0.2.71")
        again = other.get(path)
        assert again.status_code == 410 and "This link has already been used" in words(again.get_data(as_text=True))
        assert other.get("/review/plan").status_code == 404
        seen = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "review_link.viewed",
                                                                        AuditEvent.plan_id == plan.id))
        assert seen == 8  # link, code, plan (before the code), code, code, plan, the link twice more


def test_a_link_expires_and_an_unknown_one_says_so(app, plan):
    with freeze_time(NOW) as clock:
        path = _reminded(plan)
        clock.tick(timedelta(days=app.config["REVIEW_LINK_DAYS"], seconds=1))
        expired = Applicant(app).get(path)
        assert expired.status_code == 410 and "This link has expired" in words(expired.get_data(as_text=True))
        assert texts_to(CARER)[-1].startswith("Carers Emergency Line: your emergency plan is due")  # no code sent
        unknown = Applicant(app).get("/review/" + "x" * 32)
        assert unknown.status_code == 404 and "This link does not work" in words(unknown.get_data(as_text=True))


def test_an_expired_code_needs_a_new_one_and_the_codes_are_capped_per_number(app, plan):
    with freeze_time(NOW) as clock:
        carer = Applicant(app, address="192.0.2.72")
        carer.get(_reminded(plan))
        first = code_texted_to(CARER)
        clock.tick(timedelta(minutes=app.config["MOBILE_CODE_MINUTES"], seconds=1))
        late = carer.post("/review/code", code=first, action="check")
        assert late.status_code == 422 and "The code has expired" in error_summary(late.get_data(as_text=True))
        for _ in range(app.config["MOBILE_CODES_PER_NUMBER_PER_DAY"] - 1):
            assert carer.post("/review/code", action="resend").status_code == 200
        assert carer.post("/review/code", action="resend").status_code == 429  # the number's daily cap
        assert carer.post("/review/code", code=code_texted_to(CARER), action="check").status_code == 302


def test_nothing_has_changed_records_the_review_as_the_coordinators_button_does(app, plan):
    with freeze_time(NOW):
        carer, path = _confirmed(app, plan)
        version = plan.version
        done = carer.post("/review/unchanged")
        assert done.headers["Location"].endswith("/review/done")
        assert "Your next review is due on 01 March 2028" in words(carer.get("/review/done").get_data(as_text=True))
        plan = db.session.get(ContingencyPlan, plan.id)
        assert (plan.last_reviewed_on, plan.review_due_on) == (date(2027, 3, 1), date(2028, 3, 1))
        assert plans.versions_of(plan)[0].change == "reviewed" and plan.version == version + 1
        assert carer.get("/review/plan").status_code == 404 and carer.get(path).status_code == 410  # used
        assert db.session.scalar(select(func.count(Application.id))) == 0


def _changed_fields(carer, **changes):
    page = carer.get("/review/changes").get_data(as_text=True)
    return form_fields(page, where="", csrf=carer.token(), **changes)


def test_changes_go_to_the_queue_with_each_changed_field_marked(app, plan):
    with freeze_time(NOW):
        carer, path = _confirmed(app, plan)
        unchanged = carer.client.post("/review/changes", data=_changed_fields(carer))
        assert unchanged.status_code == 422
        assert "You have not changed anything" in error_summary(unchanged.get_data(as_text=True))
        bad = carer.client.post("/review/changes", data=_changed_fields(
            carer, **{"person-0.medication": "Donepezil 5 mg at night", "contact-1.mobile": "not a number"}))
        assert bad.status_code == 422
        page = bad.get_data(as_text=True)
        assert "contact-1-mobile" in page and "Donepezil 5 mg at night" in page  # what was typed is kept
        sent = carer.client.post("/review/changes", data=_changed_fields(
            carer, **{"person-0.medication": "Donepezil 5 mg at night", "contact-1.mobile": "07700 900873"}))
        assert sent.headers["Location"].endswith("/review/done")
        application = db.session.scalars(select(Application)).one()
        assert (application.kind, application.status, application.plan_id, application.based_on_version) == (
            "review_update", "new", plan.id, plan.version)
        assert [(c["field"], c["from"], c["to"]) for c in application.changed_fields] == [
            ("cared_for[0].medication", "Donepezil 10 mg at night", "Donepezil 5 mg at night"),
            ("contacts[1].mobile", "+447700900872", "+447700900873")]
        assert application.reference in words(carer.get("/review/done").get_data(as_text=True))
        assert carer.get(path).status_code == 410  # the link is used


def _sent_changes(app, plan) -> Application:
    carer, _ = _confirmed(app, plan)
    carer.client.post("/review/changes", data=_changed_fields(carer, **{"person-0.medication": "Donepezil 5 mg"}))
    return db.session.scalars(select(Application)).one()


def test_approving_merges_the_changes_into_the_plan_and_records_the_review(app, plan, cora):
    with freeze_time(NOW):
        cora.log_in("cora")
        application = _sent_changes(app, plan)
        version = plan.version
        page = words(cora.page(f"/console/applications/{application.id}"))
        assert "What the carer changed" in page and "cared_for[0].medication Donepezil 10 mg at night Donepezil 5 mg" in page
        fields = form_fields(cora.page(f"/console/applications/{application.id}/merge"), action="save",
                             csrf=cora.csrf)
        assert fields["cared_for.0.medication"] == "Donepezil 5 mg" and fields["version"] == str(version)
        saved = cora.client.post(f"/console/applications/{application.id}/merge", data=fields)
        assert saved.status_code == 302
        plan = db.session.get(ContingencyPlan, plan.id)
        assert plan.cared_for[0].medication == "Donepezil 5 mg" and plan.last_reviewed_on == date(2027, 3, 1)
        assert [v.change for v in plans.versions_of(plan)[:2]] == ["reviewed", "updated"]
        assert db.session.get(Application, application.id).status == "approved"
        assert plans.read_key_safe_code(plan, by=None, now=utc_now()) == "4729"  # untouched


def test_a_plan_changed_since_the_carer_opened_the_link_is_shown_as_stale_not_overwritten(app, plan, cora):
    with freeze_time(NOW):
        cora.log_in("cora")
        application = _sent_changes(app, plan)
        fields = form_fields(cora.page(f"/console/applications/{application.id}/merge"), action="save",
                             csrf=cora.csrf)
        # Meanwhile a coordinator edits the plan in the console.
        edit = form_fields(cora.page(f"/console/plans/{plan.id}/edit"), action="save", csrf=cora.csrf,
                           cared_for__0__pets="A cat, Mog")
        assert cora.client.post(f"/console/plans/{plan.id}/edit", data=edit).status_code == 302
        stale = cora.client.post(f"/console/applications/{application.id}/merge", data=fields)
        assert stale.status_code == 409
        assert "The plan has changed since the carer opened the link" in error_summary(stale.get_data(as_text=True))
        assert db.session.get(ContingencyPlan, plan.id).cared_for[0].medication == "Donepezil 10 mg at night"
        assert "Stale" in words(cora.page(f"/console/applications/{application.id}"))
        again = form_fields(stale.get_data(as_text=True), action="save", csrf=cora.csrf)
        assert again["cared_for.0.pets"] == "A cat, Mog" and again["cared_for.0.medication"] == "Donepezil 5 mg"
        assert cora.client.post(f"/console/applications/{application.id}/merge", data=again).status_code == 302
        person = db.session.get(ContingencyPlan, plan.id).cared_for[0]
        assert (person.medication, person.pets) == ("Donepezil 5 mg", "A cat, Mog")


REVIEW_NAMES = st.sampled_from(["carer.name", "carer.mobile", "carer.landline", "carer.address.line1",
                                "carer.address.postcode", "carer.preferred_language", "person-0.needs",
                                "person-0.gp.phone", "person-0.medication", "person-3.needs", "home.how_to_get_in",
                                "contact-0.name", "contact-1.mobile", "contact-1.relationship", "code", "action",
                                "csrf"])
REVIEW_TYPED = st.one_of(st.text(max_size=40), st.sampled_from(["", "07700 900874", "+447700900875", "resend",
                                                                "check", "LS6 1HR", "0113 496 0875", "\x00"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(REVIEW_NAMES, REVIEW_TYPED, max_size=6))
@example(fields={"carer.name": "\x00", "person-0.gp.phone": "٣", "contact-1.mobile": "\x00"})
@example(fields={"carer.mobile": "", "carer.landline": ""})
def test_whatever_is_posted_to_the_review_pages_there_is_no_server_error(app, plan, fields):
    with freeze_time(NOW):
        token = carer_links.issue(plan, now=utc_now(), days=28)
        link = db.session.scalar(select(CarerReviewLink).where(CarerReviewLink.token_hash == carer_links.token_hash(token)))
        link.opened_at = link.confirmed_at = utc_now()
        link.based_on_version = plan.version
        db.session.commit()
        carer = Applicant(app, address="192.0.2.79")
        with carer.client.session_transaction() as session:
            session["carer_review"] = token
        assert carer.get("/review/plan").status_code == 200  # and the form's CSRF token is set
        for path in ("/review/changes", "/review/code", "/review/unchanged"):
            response = carer.post(path, **fields) if "csrf" not in fields else carer.client.post(path, data=fields)
            assert response.status_code in (200, 302, 400, 410, 422, 429), (path, response.status_code)
        db.session.rollback()


def test_declined_review_changes_leave_the_plan_as_it_was_and_the_carer_is_told_in_review_words(app, plan, cora):
    with freeze_time(NOW):
        cora.log_in("cora")
        application = _sent_changes(app, plan)
        response = cora.submit(f"/console/applications/{application.id}/decline", reason="other",
                               words="We will call you to go through them.")
        assert response.status_code == 302
        assert texts_to(CARER)[-1] == (
            f"Carers Emergency Line: the changes to your plan you sent ({application.reference}) have not been made. "
            "The reason is below. We will call you to go through them. To talk about it, call the carers' centre.")
        assert db.session.get(ContingencyPlan, plan.id).cared_for[0].medication == "Donepezil 10 mg at night"
