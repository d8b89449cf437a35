"""The front door's defences, with the clock frozen: codes expire and allow few tries; texts of
codes are capped per number a day, per client address an hour and in all an hour; applications
started per address an hour; only UK mobiles get codes; every form needs its CSRF token; what
is sent has a size limit."""
from datetime import datetime, timedelta, timezone

from freezegun import freeze_time

from emergency.applications.models import Application
from emergency.extensions import db
from tests.console.client import error_summary, words
from tests.front_door.applicant import ABOUT_YOU, Applicant, code_texted_to, texts_to

MONDAY_MORNING = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
CARER = "+447700900801"


def _at_code_page(app, address="192.0.2.10", about=None):
    carer = Applicant(app, address)
    carer.apply_until_declaration(about=about)
    assert carer.declare().headers["Location"].endswith("/apply/confirm-mobile")
    return carer


def test_a_code_expires_after_its_minutes_and_a_new_one_works(app):
    with freeze_time(MONDAY_MORNING) as clock:
        carer = _at_code_page(app)
        code = code_texted_to(CARER)
        clock.tick(timedelta(minutes=10, seconds=1))
        response = carer.post("/apply/confirm-mobile", code=code, action="check")
        assert response.status_code == 422
        assert "The code has expired: send a new code" in error_summary(response.get_data(as_text=True))
        assert "A new code has been texted" in words(
            carer.post("/apply/confirm-mobile", action="resend").get_data(as_text=True))
        response = carer.post("/apply/confirm-mobile", code=code_texted_to(CARER), action="check")
        assert response.headers["Location"].endswith("/apply/sent")


def test_five_wrong_codes_and_even_the_right_one_no_longer_works(app):
    with freeze_time(MONDAY_MORNING):
        carer = _at_code_page(app)
        code = code_texted_to(CARER)
        wrong = "000000" if code != "000000" else "111111"
        said = [error_summary(carer.post("/apply/confirm-mobile", code=wrong, action="check").get_data(as_text=True))
                for _ in range(5)]
        assert said[0] == "There is a problem The code is not right: check the text and try again"
        assert said[-1] == "There is a problem Too many wrong codes: send a new code"
        response = carer.post("/apply/confirm-mobile", code=code, action="check")
        assert response.status_code == 422
        assert db.session.query(Application).count() == 0


def test_a_number_gets_at_most_four_codes_a_day(app):
    with freeze_time(MONDAY_MORNING) as clock:
        carer = _at_code_page(app)
        for _ in range(3):
            clock.tick(timedelta(minutes=1))
            assert carer.post("/apply/confirm-mobile", action="resend").status_code == 200
        response = carer.post("/apply/confirm-mobile", action="resend")
        assert response.status_code == 429
        assert "Sorry, too many tries" in words(response.get_data(as_text=True))
        assert len(texts_to(CARER)) == 4
        clock.tick(timedelta(days=1))
        _at_code_page(app)  # a day on, the number may have a code again
        assert len(texts_to(CARER)) == 5


def test_one_address_gets_few_codes_an_hour_and_everyone_together_a_capped_number(app, monkeypatch):
    monkeypatch.setitem(app.config, "MOBILE_CODES_PER_ADDRESS_PER_HOUR", 2)
    monkeypatch.setitem(app.config, "MOBILE_CODES_PER_HOUR", 3)
    with freeze_time(MONDAY_MORNING) as clock:
        first = _at_code_page(app, "192.0.2.20", {**ABOUT_YOU, "mobile": "07700 900810"})
        assert first.post("/apply/confirm-mobile", action="resend").status_code == 200
        assert first.post("/apply/confirm-mobile", action="resend").status_code == 429  # the address's two
        second = _at_code_page(app, "192.0.2.21", {**ABOUT_YOU, "mobile": "07700 900811"})  # the third in all
        assert second.post("/apply/confirm-mobile", action="resend").status_code == 429  # everyone's three
        assert texts_to("+447700900811") and len(texts_to("+447700900810")) == 2
        clock.tick(timedelta(hours=1, seconds=1))
        assert second.post("/apply/confirm-mobile", action="resend").status_code == 200


def test_one_address_may_start_only_so_many_applications_an_hour(app):
    with freeze_time(MONDAY_MORNING) as clock:
        for _ in range(10):
            assert Applicant(app, "192.0.2.30").start().status_code == 302
        response = Applicant(app, "192.0.2.30").start()
        assert response.status_code == 429
        assert Applicant(app, "192.0.2.31").start().status_code == 302
        clock.tick(timedelta(hours=1, seconds=1))
        assert Applicant(app, "192.0.2.30").start().status_code == 302


def test_codes_go_only_to_uk_mobiles(app):
    carer = Applicant(app)
    carer.start()
    for number in ("+33 6 12 34 56 78", "0113 496 0000", "0909 879 0000"):
        response = carer.post("/apply/about-you", **{**ABOUT_YOU, "mobile": number})
        assert response.status_code == 422
        assert "Enter a UK mobile number" in error_summary(response.get_data(as_text=True))
    assert texts_to("+33612345678") == []


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_kept(app):
    carer = Applicant(app)
    carer.start()
    response = carer.client.post("/apply/about-you", data=ABOUT_YOU)
    assert response.status_code == 400
    assert "This page has expired" in words(response.get_data(as_text=True))
    response = carer.client.post("/apply", data={"csrf": "forged"})
    assert response.status_code == 400


def test_a_form_larger_than_the_limit_is_refused(app):
    carer = Applicant(app)
    carer.start()
    response = carer.post("/apply/about-you", **{**ABOUT_YOU, "name": "x" * 40_000})
    assert response.status_code == 413
