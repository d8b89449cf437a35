"""Languages in a real browser against a real server: a coordinator marks Welsh reviewed and
opens the Urdu recordings, and a Welsh-speaking accepter reads the details page in Welsh; the
axe-core check on every page visited."""
import re

from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.incidents.models import Page
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, banner, logged_in, seeded
from tests.conftest import plan_payload

PASSWORD = "correct horse battery"
GWEN = "+447700900908"


def test_welsh_is_marked_reviewed_and_a_welsh_accepter_reads_the_details_page_in_welsh(page, live_server):
    with seeded(live_server):
        users.set_password(users.create_user("lang-cora", "Cora Jones", "coordinator", utc_now()), PASSWORD)
        payload = plan_payload(contacts=[{"name": "Gwen Morgan", "relationship": "friend", "mobile": GWEN,
                                          "language": "cy", "consent": {"status": "given", "recorded_on": "2026-01-10"}}])
        plan = plans.create_plan(PlanSchema().load(payload), by=None, now=utc_now())
        incident, _ = opening.open_incident(plan, caller_number="+447700900909", channel="sms", now=utc_now(),
                                            caller_language="cy")
        answers.accept(db.session.scalar(select(Page).where(Page.phone == GWEN)), utc_now())
        details = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "details"))
        incident_id = incident.id
    link = re.search(r"(/details/[\w-]+)", details).group(1)

    page.goto(f"{live_server.url}{link}")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Diolch am fynd, Gwen"
    assert_no_serious_axe_violations(page)

    logged_in(page, live_server, "lang-cora", PASSWORD)
    page.goto(f"{live_server.url}/console/incidents/{incident_id}")
    assert "machine-drafted" in page.locator("main").inner_text()
    page.get_by_role("link", name="Languages").click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Mark Welsh reviewed").click()
    assert "Welsh words are marked reviewed" in banner(page).inner_text()
    assert_no_serious_axe_violations(page)
    page.goto(f"{live_server.url}/console/incidents/{incident_id}")
    assert "machine-drafted" not in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/console/languages")
    page.get_by_role("link", name="Recordings in Urdu").click()
    page.get_by_role("button", name="Upload the recording").click()  # no file chosen
    assert "Select a recording" in page.locator(".govuk-error-summary").inner_text()
    assert_no_serious_axe_violations(page)
