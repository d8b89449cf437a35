"""Whatever is typed into the providers' and cover forms, the console answers without a server
error: a page with the errors beside the fields, or the change made."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from emergency.clock import utc_now
from emergency.cover import service as cover
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.users import service as users
from tests.console.client import PASSWORD, Browser
from tests.scenarios.conftest import CALLER

form_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
ANSWERS = (200, 302, 404, 409, 422)
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def cora(app, cover_world):
    users.set_password(cover_world.coordinator, PASSWORD)
    now = utc_now()
    incident, _ = opening.open_incident(cover_world.plan, caller_number=CALLER, channel="sms", now=now)
    answers.accept(answers.open_pages_for("+447700900456")[0], now)
    db.session.commit()
    browser = Browser(app)
    assert browser.log_in("cora").status_code == 302
    browser.incident = incident
    return browser


@FUZZ
@given(a=form_text, b=form_text, c=form_text, d=form_text)
@example(a="\x00", b="²", c="31/02/2027 10:00", d="9" * 40)
def test_arranging_and_provider_forms_never_give_a_server_error(cora, cover_world, a, b, c, d):
    incident_id = cora.incident.id
    for response in (
        cora.submit(f"/console/incidents/{incident_id}/cover/asks", provider_ids=[b, str(cover_world.acme.id)],
                    mode=a, starts_at=c, ends_at=d, capabilities=[a], extension_reason=a),
        cora.submit(f"/console/incidents/{incident_id}/cover/bookings", provider_id=b, book_starts_at=c,
                    book_ends_at=d, book_note=a, book_extension_reason=b),
        cora.submit("/console/providers/new", name=a, bookings_phone=b, mobile=c, email=d, districts=a,
                    hourly_rate=b, capabilities=[c], contract_ends_on=d),
    ):
        assert response.status_code in ANSWERS, response.status_code


@FUZZ
@given(a=form_text, b=form_text, c=form_text)
@example(a="other", b="\x00", c="99/99/9999 99:99")
def test_ending_extending_recording_and_referring_never_give_a_server_error(app, cora, cover_world, a, b, c):
    incident = cora.incident
    live = cover.live_cover(incident.id) or cover.book_by_phone(
        incident, {"provider_id": cover_world.acme.id, "starts_at": utc_now(), "ends_at": utc_now() + timedelta(hours=8)},
        user=cover_world.coordinator, now=utc_now())
    db.session.commit()
    for response in (
        cora.submit(f"/console/incidents/{incident.id}/cover/{live.id}/extend", new_end=c, extension_reason=b),
        cora.submit(f"/console/incidents/{incident.id}/referral", referral_note=b),
        cora.submit(f"/console/incidents/{incident.id}/cover/{live.id}/end", outcome=a, outcome_note=b),
        cora.submit(f"/console/incidents/{incident.id}/cover/{live.id}/outcome", recorded_outcome=a,
                    recorded_outcome_note=b),
    ):
        assert response.status_code in ANSWERS, response.status_code
