"""A carer applies on the public pages: every answer kept, the mobile confirmed by a texted code,
the application in the queue with a reference; a carer with only a landline is phoned instead."""
from emergency.applications.models import Application, ApplicationDraft
from emergency.extensions import db
from tests.console.client import error_summary, words
from tests.front_door.applicant import Applicant, code_texted_to


def test_a_carer_applies_confirms_their_mobile_and_gets_a_reference(app):
    carer = Applicant(app)
    carer.apply_until_declaration()
    check = words(carer.get("/apply/check").get_data(as_text=True))
    assert "Arthur Hughes" in check and "Joan Hughes" in check and "3. Priya Shah" in check
    assert "Yes, for up to 2 hours" in check
    response = carer.declare()
    assert response.headers["Location"].endswith("/apply/confirm-mobile")
    code = code_texted_to("+447700900801")
    response = carer.post("/apply/confirm-mobile", code=code, action="check")
    assert response.headers["Location"].endswith("/apply/sent")
    sent = words(carer.get("/apply/sent").get_data(as_text=True))
    application = db.session.query(Application).one()
    assert f"Your reference is {application.reference}" in sent
    assert "take the code by phone" in sent
    assert application.status == "new" and application.kind == "application" and application.mobile_confirmed
    assert [person["name"] for person in application.answers["cared_for"]] == ["Arthur Hughes", "Joan Hughes"]
    assert [contact["mobile"] for contact in application.answers["contacts"]] == [
        "+447700900802", "+447700900803", "+447700900804"]
    assert db.session.query(ApplicationDraft).count() == 0


def test_a_carer_with_only_a_landline_sends_without_a_code_and_is_told_they_will_be_phoned(app):
    carer = Applicant(app)
    about = {"name": "Margaret Hughes", "landline": "0113 496 0800", "address.line1": "14 Brudenell Grove",
             "address.town": "Leeds", "address.postcode": "LS6 1HR", "contact_by": "phone"}
    carer.apply_until_declaration(about=about)
    response = carer.declare()
    assert response.headers["Location"].endswith("/apply/sent")
    assert "A coordinator will phone you" in words(carer.get("/apply/sent").get_data(as_text=True))
    assert db.session.query(Application).one().mobile_confirmed is False


def test_mistakes_are_said_in_plain_words_beside_the_fields_and_what_was_typed_is_kept(app):
    carer = Applicant(app)
    carer.start()
    response = carer.post("/apply/about-you", name="", mobile="0113 496 0000", **{"address.postcode": "nowhere"},
                          contact_by="text")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = error_summary(html)
    assert "Enter your full name" in summary
    assert "Enter a UK mobile number" in summary
    assert "Enter a full UK postcode" in summary
    assert 'value="nowhere"' in html
    assert "<title>Error: About you" in html
