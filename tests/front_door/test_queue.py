"""The coordinators' queue: an application waits (in working days, bank holidays left out), is
opened beside the plan form filled in from it, and approving makes the plan, asks every contact
for consent by text and texts the carer; declining texts the carer the reason; a referral shows
in the queue; every view and step is audited."""
import io
from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select, update

from emergency.applications.models import Application
from emergency.applications.service import working_days_between
from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.outbox.models import OutboxMessage
from emergency.plans.models import ContingencyPlan
from emergency.rota.settings import bank_holidays
from tests.console.client import error_summary, words
from tests.console.forms import form_fields
from tests.front_door.applicant import Applicant, code_texted_to, texts_to

FRIDAY_BEFORE_CHRISTMAS = datetime(2026, 12, 18, 10, 0, tzinfo=timezone.utc)
CARER = "+447700900801"


def _applied(app) -> Application:
    carer = Applicant(app)
    carer.apply_until_declaration()
    carer.declare()
    carer.post("/apply/confirm-mobile", code=code_texted_to(CARER), action="check")
    return db.session.scalars(select(Application)).one()


@pytest.mark.parametrize(("start", "end", "days"), [
    (date(2026, 12, 18), date(2026, 12, 18), 0),
    (date(2026, 12, 18), date(2026, 12, 21), 1),  # Friday to Monday: the weekend does not count
    (date(2026, 12, 24), date(2026, 12, 29), 1),  # Christmas Day, Boxing Day (observed Monday 28th) do not
])
def test_waiting_is_counted_in_working_days_without_weekends_or_bank_holidays(start, end, days):
    assert working_days_between(start, end, bank_holidays("ENG")) == days


def test_a_coordinator_approves_an_application_and_every_contact_is_asked_for_consent(app, cora, monkeypatch):
    monkeypatch.setitem(app.config, "LINE_PHONE_NUMBER", "+441134960500")
    with freeze_time(FRIDAY_BEFORE_CHRISTMAS) as clock:
        application = _applied(app)
        clock.move_to(datetime(2026, 12, 29, 10, 0, tzinfo=timezone.utc))
        cora.log_in("cora")  # the clock moved past the session's end
        queue = words(cora.page("/console/applications"))
        assert f"{application.reference} Application Margaret Hughes" in queue
        assert "Fri 18 Dec 2026 10:00 5 New" in queue  # Mon 21 to Thu 24 and Tue 29: Christmas and Boxing Day off
        page = cora.page(f"/console/applications/{application.id}/plan")
        assert "What was sent" in page and "Arthur Hughes" in page
        fields = form_fields(page, status="active", action="save", csrf=cora.csrf)
        assert fields["carer.mobile"] == CARER and fields["contacts.2.name"] == "Priya Shah"
        response = cora.client.post(f"/console/applications/{application.id}/plan", data=fields)
        assert response.status_code == 302, error_summary(response.get_data(as_text=True))
        done = words(cora.page(f"/console/applications/{application.id}"))
        assert "3 contacts asked for consent by text" in done
        db.session.refresh(application)
        plan = db.session.get(ContingencyPlan, application.plan_id)
        assert plan.status == "active" and [c.name for c in plan.contacts] == ["Susan Hughes", "Tom Baker",
                                                                             "Priya Shah"]
        assert [person.name for person in plan.cared_for] == ["Arthur Hughes", "Joan Hughes"]
        for number in ("+447700900802", "+447700900803", "+447700900804"):
            assert "has named you as an emergency contact" in texts_to(number)[-1]
        assert f"Your card number is {plan.card_number}" in texts_to(CARER)[-1]
        assert application.status == "approved"
        assert "Open the plan" in done and "Print the card (PDF)" in done
        card = PdfReader(io.BytesIO(cora.client.get(f"/console/plans/{plan.id}/card.pdf").data))
        assert plan.card_number[:4] in "".join(page.extract_text() for page in card.pages).replace(" ", "")
        assert "Print the confirmation letter with a copy of the plan (PDF)" in done
        assert "Print the letter for the GP (PDF)" in done
        letter = PdfReader(io.BytesIO(cora.client.get(f"/console/plans/{plan.id}/letters/confirmation.pdf").data))
        assert "Arthur Hughes" in "".join(page.extract_text() for page in letter.pages)
        response = cora.submit(f"/console/applications/{application.id}/email")
        assert response.status_code == 302
        email = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).one()
        assert email.to_email == "margaret@example.org" and plan.card_number in email.body
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"application.received", "application.viewed", "application.approved", "plan.created",
                "application.emailed"} <= actions


def test_a_declined_carer_is_texted_the_reason_and_the_coordinators_words(app, cora):
    application = _applied(app)
    response = cora.submit(f"/console/applications/{application.id}/decline", reason="other", words="")
    assert response.status_code == 422
    assert "Say why in your own words" in error_summary(response.get_data(as_text=True))
    response = cora.submit(f"/console/applications/{application.id}/decline", reason="outside_area",
                           words="Bradford runs its own line.")
    assert response.status_code == 302
    text = texts_to(CARER)[-1]
    assert "You live outside the area the line covers. Bradford runs its own line." in text
    assert application.reference in text
    db.session.refresh(application)
    assert application.status == "declined"
    assert "Margaret Hughes" in words(cora.page("/console/applications?show=declined"))
    assert application.reference not in words(cora.page("/console/applications"))


def test_a_professional_refers_a_carer_and_the_referral_shows_in_the_queue(app, cora):
    referrer = Applicant(app, "192.0.2.50")
    referrer.start("/refer")
    response = referrer.post("/refer/you", name="Dr Anna Patel", role="GP", organisation="Hyde Park Surgery",
                             phone="0113 496 0301")
    assert response.headers["Location"].endswith("/refer/carer")
    response = referrer.post("/refer/carer", name="Margaret Hughes", landline="0113 496 0801",
                             **{"address.line1": "14 Brudenell Grove", "address.town": "Leeds",
                                "address.postcode": "LS6 1HR"}, cares_for="Arthur, her husband")
    assert "Confirm the carer agreed to be contacted" in error_summary(response.get_data(as_text=True))
    response = referrer.post("/refer/carer", name="Margaret Hughes", landline="0113 496 0801",
                             **{"address.line1": "14 Brudenell Grove", "address.town": "Leeds",
                                "address.postcode": "LS6 1HR"}, cares_for="Arthur, her husband", consent="yes")
    assert response.headers["Location"].endswith("/refer/check")
    assert referrer.post("/refer/check").headers["Location"].endswith("/refer/sent")
    referral = db.session.scalars(select(Application)).one()
    assert f"Your reference is {referral.reference}" in words(referrer.get("/refer/sent").get_data(as_text=True))
    assert f"{referral.reference} Referral Margaret Hughes" in words(cora.page("/console/applications"))
    page = words(cora.page(f"/console/applications/{referral.id}"))
    assert "Referred by Name Dr Anna Patel" in page and "The carer agreed to be contacted Yes" in page
    assert texts_to("+441134960801") == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(max_size=20) | st.sampled_from(["other", "outside_area"]), words_typed=st.text(max_size=400),
       action=st.text(max_size=20))
@example(reason="other", words_typed="\x00", action="add:contacts")
def test_whatever_a_coordinator_sends_to_an_application_there_is_no_server_error(app, cora, reason, words_typed,
                                                                                    action):
    application = db.session.scalars(select(Application)).first() or _applied(app)
    for path, fields in ((f"/console/applications/{application.id}/decline", {"reason": reason, "words": words_typed}),
                         (f"/console/applications/{application.id}/plan", {"action": action, "carer.name": words_typed}),
                         (f"/console/applications/{application.id}/email", {}),
                         (f"/console/applications/{application.id}/review", {})):
        response = cora.submit(path, **fields)
        assert response.status_code in (200, 302, 409, 422), (path, response.status_code)
    db.session.rollback()
    db.session.execute(update(Application).values(status="new"))
    db.session.commit()
