"""Whatever anyone types or sends to a public form, the answer is never a server error: a page
that says what is wrong (422), the next page (302), a refusal at a limit (429) or for a forged
form (400), or a too-large form (413)."""
import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from emergency.extensions import db
from tests.front_door.applicant import ABOUT_YOU, Applicant

ANSWERED = (200, 302, 400, 413, 422, 429)
FORMS = ("/apply", "/apply/about-you", "/apply/cared_for/1", "/apply/cared_for/2", "/apply/cared-for",
         "/apply/getting-in", "/apply/contacts/1", "/apply/contacts/3", "/apply/contacts", "/apply/declaration",
         "/apply/confirm-mobile", "/apply/cared_for/1/remove", "/apply/contacts/9/remove",
         "/refer", "/refer/you", "/refer/carer", "/refer/check")
NAMES = st.sampled_from(["name", "mobile", "landline", "email", "address.line1", "address.town", "address.postcode",
                         "preferred_language", "contact_by", "needs", "gp.phone", "can_be_left_alone",
                         "safe_alone_hours", "another", "how_to_get_in", "relationship", "holds_key", "when",
                         "days", "from", "to", "declared", "code", "action", "role", "organisation", "phone",
                         "cares_for", "consent", "csrf"])
TYPED = st.one_of(st.text(max_size=40), st.sampled_from(["yes", "no", "times", "any", "text", "email", "resend",
                                                         "07700 900820", "+447700900821", "99", "-1", "25:00"]))
_addresses = itertools.count(1)


def _applicant(app) -> Applicant:
    number = next(_addresses)
    applicant = Applicant(app, f"198.51.100.{number % 250 + 1}" if number < 250 else f"203.0.113.{number % 250 + 1}")
    applicant.start()
    applicant.start("/refer")
    return applicant


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(NAMES, TYPED, max_size=8))
@example(fields={"name": "\x00", "mobile": "\x00", "safe_alone_hours": "٣", "days": "\x00"})
@example(fields={"when": "times", "days": "mon", "from": "9", "to": "9", "holds_key": "yes"})
@example(fields={"contact_by": "email", "email": "not@", "mobile": "+447700900822"})
@example(fields={"code": "123456", "action": "check"})
def test_whatever_is_posted_to_a_public_form_there_is_no_server_error(app, fields):
    applicant = _applicant(app)
    for path in FORMS:
        response = applicant.post(path, **fields) if "csrf" not in fields else applicant.client.post(path, data=fields)
        assert response.status_code in ANSWERED, (path, response.status_code)
    db.session.rollback()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(max_size=20), action=st.text(max_size=10))
@example(code="１２３４５６", action="check")
def test_whatever_is_typed_as_the_code_there_is_no_server_error(app, code, action):
    number = next(_addresses)
    applicant = Applicant(app, f"198.18.0.{number % 250 + 1}")
    applicant.apply_until_declaration(about={**ABOUT_YOU, "mobile": f"07700 9008{number % 90 + 10}"})
    assert applicant.declare().status_code == 302
    response = applicant.post("/apply/confirm-mobile", code=code, action=action)
    assert response.status_code in ANSWERED, response.status_code
    db.session.rollback()
