"""Arranging cover in a real browser against a real server: from an accepted incident, ask a
provider by text, the provider accepts, the reminder shows on the timeline, the board shows
cover in progress, and the officer ends it with an outcome; axe-core on every page."""
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.cover import tick as cover_tick
from emergency.cover.models import Cover, CoverAsk
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.plans import service as plans
from emergency.providers import service as providers
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, banner, logged_in, seeded, signed_text
from tests.conftest import plan_payload

PASSWORD = "correct horse battery"
LONDON = ZoneInfo("Europe/London")
ACME_MOBILE = "+447700900731"


def provider(name, mobile, district, by):
    return providers.save_provider(None, {
        "name": name, "bookings_phone": "+441134960731", "mobile": mobile, "email": "book@example.org",
        "districts": [district], "capabilities": ["personal_care", "dementia"], "hourly_rate": Decimal("24.50"),
        "active": True, "contract_ends_on": None}, by=by, now=utc_now())


def test_an_officer_arranges_cover_the_provider_accepts_and_it_ends_with_an_outcome(page, live_server):
    with seeded(live_server):
        cora = users.create_user("cover-cora", "Cora Jones", "coordinator", utc_now())
        users.set_password(cora, PASSWORD)
        plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=[{
            "name": "Susan Hughes", "relationship": "daughter", "mobile": "07700 900732",
            "consent": {"status": "given", "recorded_on": "2026-01-10"}}])), by=cora, now=utc_now())
        provider("Acme Care", ACME_MOBILE, "LS6", cora)
        provider("Far Away Care", "+447700900733", "EN5", cora)
        incident, _ = opening.open_incident(plan, caller_number="+447700900734", channel="sms", now=utc_now())
        db.session.flush()
        answers.accept(answers.open_pages_for("+447700900732")[0], utc_now())
        incident_id = incident.id

    logged_in(page, live_server, "cover-cora", PASSWORD)
    page.goto(f"{live_server.url}/console/incidents/{incident_id}")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Arrange cover").click()
    expect(page.get_by_role("heading", name="Arrange cover in LS6")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_label("Acme Care (covers LS6").check()
    end = (utc_now() + timedelta(hours=48)).astimezone(LONDON)
    page.locator("#f-ends_at").fill(end.strftime("%d/%m/%Y %H:%M"))
    page.get_by_role("button", name="Ask by text").click()
    expect(banner(page)).to_contain_text("Asked by text: Acme Care.")
    expect(page.get_by_role("table", name="Providers asked by text")).to_contain_text("waiting for an answer")
    assert_no_serious_axe_violations(page)

    with seeded(live_server):
        code = db.session.scalar(select(CoverAsk.code))
    assert signed_text(live_server, ACME_MOBILE, f"ACCEPT {code}", "SM" + "7" * 32).status_code == 200
    with seeded(live_server):  # 12 hours before the planned end, the reminder goes
        planned_end = db.session.scalar(select(Cover.planned_end_at))
        cover_tick.tick(planned_end - timedelta(hours=12))

    page.reload()
    expect(page.get_by_role("heading", name="Cover in progress: Acme Care")).to_be_visible()
    expect(page.locator(".moj-timeline")).to_contain_text("cover reminder (12h before the end) sent")
    page.goto(f"{live_server.url}/console/")
    expect(page.locator(".app-incident").first).to_contain_text("In progress: Acme Care until")
    assert_no_serious_axe_violations(page)

    page.goto(f"{live_server.url}/console/incidents/{incident_id}")
    page.get_by_label("The carer is back").check()
    page.get_by_role("button", name="End cover", exact=True).click()
    expect(banner(page)).to_contain_text("Cover ended")
    expect(page.locator("#main-content")).to_contain_text("Cover by Acme Care")
    assert_no_serious_axe_violations(page)
