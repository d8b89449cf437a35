"""An officer or coordinator arranges cover from an accepted incident's page: matching
providers first, errors beside the fields keeping what was typed, the board showing cover."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.cover.models import Cover
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.rota import service as rota
from emergency.users import service as users
from tests.console.client import PASSWORD, Browser, error_summary, words
from tests.scenarios.conftest import CALLER, THURSDAY_NIGHT


def at(hours=0, minutes=0):
    return THURSDAY_NIGHT + timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def cora(app, cover_world):
    """Cora logged in on the night, for a night's work (the console's idle limit is an hour)."""
    app.config["CONSOLE_IDLE_MINUTES"] = 600
    users.set_password(cover_world.coordinator, PASSWORD)
    db.session.commit()
    browser = Browser(app)
    with freeze_time(at()):
        assert browser.log_in("cora").status_code == 302
    return browser


@pytest.fixture
def incident(cover_world):
    with freeze_time(at()):
        incident, _ = opening.open_incident(cover_world.plan, caller_number=CALLER, channel="sms", now=utc_now())
        db.session.commit()
    return incident


def test_cover_is_offered_only_once_someone_accepted_with_matching_providers_first(cora, cover_world, incident):
    with freeze_time(at(minutes=1)):
        assert "Arrange cover" not in words(cora.page(f"/console/incidents/{incident.id}"))
        answers.accept(answers.open_pages_for("+447700900456")[0], utc_now())
        db.session.commit()
        assert "Arrange cover" in words(cora.page(f"/console/incidents/{incident.id}"))
        page = words(cora.page(f"/console/incidents/{incident.id}/cover"))
    assert page.index("Acme Care (covers LS6") < page.index("Far Away Care (does not match: EN5)")
    assert "Arrange cover in LS6" in page


def test_a_bad_ask_shows_errors_beside_the_fields_and_keeps_what_was_typed(cora, cover_world, incident):
    with freeze_time(at(minutes=1)):
        answers.accept(answers.open_pages_for("+447700900456")[0], utc_now())
        db.session.commit()
        refused = cora.submit(f"/console/incidents/{incident.id}/cover/asks", provider_ids=[str(cover_world.acme.id)],
                              mode="all_at_once", starts_at="03/12/2026 23:00", ends_at="07/12/2026 23:00",
                              capabilities=["dementia"])
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Cover may last at most 72 hours (the cover limit)" in error_summary(html)
    assert 'value="07/12/2026 23:00"' in html and 'value="dementia" checked' in html
    with freeze_time(at(minutes=2)):
        missing = cora.submit(f"/console/incidents/{incident.id}/cover/asks", mode="all_at_once",
                              starts_at="03/12/2026 23:00", ends_at="04/12/2026 23:00")
    assert missing.status_code == 422 and "Select at least one provider to ask" in error_summary(
        missing.get_data(as_text=True))


def test_a_phone_booking_shows_on_the_incident_and_the_board_and_ends_with_an_outcome(cora, cover_world, incident):
    with freeze_time(at(minutes=1)):
        answers.accept(answers.open_pages_for("+447700900456")[0], utc_now())
        db.session.commit()
        booked = cora.submit(f"/console/incidents/{incident.id}/cover/bookings", provider_id=str(cover_world.far.id),
                             book_starts_at="03/12/2026 23:00", book_ends_at="05/12/2026 23:00",
                             book_note="rang the office")
        assert booked.status_code == 302
        page = words(cora.page(f"/console/incidents/{incident.id}"))
        board = words(cora.page("/console/"))
    assert "Warning: Far Away Care does not cover LS6." in page
    assert "Cover in progress: Far Away Care" in page and "Sat 05 Dec 2026 23:00" in page
    assert "In progress: Far Away Care until Sat 05 Dec 2026 23:00" in board
    live = db.session.scalar(select(Cover.id))
    with freeze_time(at(hours=3)):
        resolve = cora.submit(f"/console/incidents/{incident.id}/resolve", note="")
        assert resolve.status_code == 409
        assert "is still live: end the cover first" in error_summary(resolve.get_data(as_text=True))
        other = cora.submit(f"/console/incidents/{incident.id}/cover/{live}/end", outcome="other", outcome_note="")
        assert other.status_code == 422
        assert "Say what happened when the outcome is other" in error_summary(other.get_data(as_text=True))
        ended = cora.submit(f"/console/incidents/{incident.id}/cover/{live}/end", outcome="hospital", outcome_note="")
        assert ended.status_code == 302
        page = words(cora.page(f"/console/incidents/{incident.id}"))
    assert "Cover by Far Away Care" in page and "the cared-for person was admitted to hospital" in page


def test_the_duty_officer_who_accepted_arranges_cover_but_only_a_coordinator_may_go_past_the_limit(
        app, cover_world, incident):
    priya = users.create_user("priya", "Priya Shah", "duty_officer", utc_now())
    users.set_password(priya, PASSWORD)
    rota.link_login(cover_world.officers["priya"], priya)
    db.session.commit()
    with freeze_time(at(minutes=10)):  # Susan did not answer; the rota's Priya is asked and accepts
        cover_world.tick_at(at(minutes=10))
        answers.accept(answers.open_pages_for(cover_world.officers["priya"].mobile)[0], utc_now())
        db.session.commit()
        officer = Browser(app)
        assert officer.log_in("priya").status_code == 302
        longer = officer.submit(f"/console/incidents/{incident.id}/cover/bookings", provider_id=str(cover_world.acme.id),
                                book_starts_at="03/12/2026 23:00", book_ends_at="07/12/2026 23:00",
                                book_extension_reason="the carer is in hospital")
        assert longer.status_code == 422
        assert "Only a coordinator may book cover longer than 72 hours" in error_summary(longer.get_data(as_text=True))
        booked = officer.submit(f"/console/incidents/{incident.id}/cover/bookings", provider_id=str(cover_world.acme.id),
                                book_starts_at="03/12/2026 23:00", book_ends_at="05/12/2026 23:00")
        assert booked.status_code == 302
        assert "Cover in progress: Acme Care" in words(officer.page(f"/console/incidents/{incident.id}"))
