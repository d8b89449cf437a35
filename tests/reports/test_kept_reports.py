"""A period's report is counted once a day and kept, so that its pages, tables and charts agree
and a national register is not counted again for each of them; a coordinator may count it
again, and the usual periods are counted overnight."""
from freezegun import freeze_time
from sqlalchemy import select

from emergency.extensions import db
from emergency.jobs import run_job
from emergency.reports.models import KeptReport
from emergency.scheduling import REPORT_COUNTS, build_scheduler
from tests.console.client import words
from tests.reports.seed import incident, seed_quarter, utc
from tests.reports.test_report_pages import Q1, chart_addresses, logged_in_browser

OPEN_IN_MARCH = "/console/reports/incidents-by-outcome.csv"


def open_in_march(client) -> str:
    """The month's incidents by outcome, as downloaded: the last column counts those still open."""
    return client.get(OPEN_IN_MARCH, query_string=Q1).get_data(as_text=True).splitlines()[-1]


def another_open_incident_in_march():
    incident(opened=utc(2026, 3, 20, 12), channel="sms")
    db.session.commit()


def test_a_report_is_counted_once_a_day_and_again_when_a_coordinator_asks(app):
    seed_quarter()
    with freeze_time("2026-04-15 09:00:00") as clock:
        cora = logged_in_browser(app, "cora", "coordinator")
        page = words(cora.page("/console/reports/?section=incidents&from=2026-01-01&to=2026-03-31"))
        assert "as counted on Wed 15 Apr 2026 10:00" in page  # BST
        assert open_in_march(cora.client) == "2026-03,0,1,0,1,0,2"

        clock.tick(3600)
        another_open_incident_in_march()
        assert open_in_march(cora.client) == "2026-03,0,1,0,1,0,2"  # the figures kept this morning
        assert cora.client.get(chart_addresses(cora.page(
            "/console/reports/?section=incidents&from=2026-01-01&to=2026-03-31"))[0]).status_code == 200
        assert "Figures as counted on Wed 15 Apr 2026 10:00" in cora.page(
            "/console/reports/print?from=2026-01-01&to=2026-03-31")

        response = cora.submit("/console/reports/count-again?from=2026-01-01&to=2026-03-31&section=incidents")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/console/reports/?from=2026-01-01&to=2026-03-31&section=incidents")
        assert open_in_march(cora.client) == "2026-03,0,1,0,1,0,3"
        assert "as counted on Wed 15 Apr 2026 11:00" in words(cora.page(
            "/console/reports/?from=2026-01-01&to=2026-03-31"))

        clock.tick(24 * 3600)  # the next day's first look counts again
        another_open_incident_in_march()
        assert cora.log_in("cora").status_code == 302  # a day idle ended the session
        assert open_in_march(cora.client) == "2026-03,0,1,0,1,0,4"
    assert len(db.session.scalars(select(KeptReport)).all()) == 1


def test_the_usual_periods_are_counted_overnight_and_earlier_days_let_go(app):
    seed_quarter()
    assert build_scheduler(app).get_job("report-counts") is not None
    with freeze_time("2026-04-15 09:00:00"):
        cora = logged_in_browser(app, "cora", "coordinator")
        cora.page("/console/reports/?from=2026-01-01&to=2026-03-31")  # an odd period, counted today
    with freeze_time("2026-04-16 03:15:00"):  # 04:15 BST
        assert run_job(app, REPORT_COUNTS) is True
        kept = {(row.first.isoformat(), row.last.isoformat()): row.counted_at
                for row in db.session.scalars(select(KeptReport))}
        assert set(kept) == {("2025-04-17", "2026-04-16"), ("2026-03-01", "2026-03-31"),
                             ("2026-01-01", "2026-03-31"), ("2025-01-01", "2025-12-31")}
        assert set(kept.values()) == {utc(2026, 4, 16, 3, 15)}
    with freeze_time("2026-04-16 08:00:00"):
        another_open_incident_in_march()
        assert cora.log_in("cora").status_code == 302
        page = words(cora.page("/console/reports/?preset=quarter"))
        assert "01 January 2026 to 31 March 2026 (local time), as counted on Thu 16 Apr 2026 04:15" in page
        assert open_in_march(cora.client) == "2026-03,0,1,0,1,0,2"


def test_only_editors_count_a_report_again_and_a_period_that_cannot_be_read_is_not_found(app):
    seed_quarter()
    cora = logged_in_browser(app, "cora", "coordinator")
    assert cora.submit("/console/reports/count-again?from=2026-03-31&to=2026-01-01").status_code == 404
    assert cora.client.post("/console/reports/count-again", query_string=Q1).status_code == 400  # no CSRF token
    dave = logged_in_browser(app, "dave", "duty_officer")
    assert dave.submit("/console/reports/count-again?from=2026-01-01&to=2026-03-31").status_code == 403
    assert db.session.scalars(select(KeptReport)).all() == []
