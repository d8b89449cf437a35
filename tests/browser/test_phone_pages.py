"""The pages read on a phone at night, at 320 and 390 pixels wide: the accepter's details page,
the expired-link page, and a duty officer's board and incident page. Each fits without sideways
scrolling, every link and button is at least 44 pixels to tap, every phone number is a tap to
call written the UK way, and axe-core finds nothing serious. And the board's own refresh: only
its list of incidents is fetched again, so what a coordinator is typing below it is kept."""
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import answers, closing, opening
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.rota import service as rota
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, logged_in, seeded
from tests.conftest import plan_payload

PASSWORD = "correct horse battery"
WIDTHS = (320, 390)
UK_NUMBER = re.compile(r"^(0\d{2,4} \d{3,4}( \d{3,4})?|07\d{3} \d{6}|999)$")

TOO_SMALL_TO_TAP = """() => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, summary')]
  .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
  .map(e => ({what: (e.textContent || e.name || e.tagName).trim().replace(/\\s+/g, ' ').slice(0, 50),
              box: e.getBoundingClientRect()}))
  .filter(t => t.box.width > 1 && t.box.height > 1 && (t.box.width < 44 || t.box.height < 44))
  .map(t => `${t.what}: ${Math.round(t.box.width)}x${Math.round(t.box.height)}`)"""
TEL_LINKS = """() => [...document.querySelectorAll('a[href^="tel:"]')].map(a => [a.getAttribute('href'), a.textContent.trim()])"""


@pytest.fixture(scope="module")
def night(live_server):
    """Dee is on the rota's nights and has a login; an incident she was asked about, one she
    accepted (its details link), and one that is closed."""
    with seeded(live_server):
        now = utc_now()
        coordinator = users.create_user("phone-cora", "Cora Jones", "coordinator", now)
        users.set_password(coordinator, PASSWORD)
        dee_login = users.create_user("phone-dee", "Dee Duty", "duty_officer", now)
        users.set_password(dee_login, PASSWORD)
        dee = rota.save_officer(None, {"name": "Dee Duty", "mobile": "+442079460341", "role": "social worker",
                                       "active": True, "contact_preference": "both"})
        dee.user_id = dee_login.id
        rota.save_pattern(None, {"name": "phone nights", "tier": 1, "days": ["mon", "tue", "wed", "thu", "fri", "sat",
                                                                             "sun"],
                                 "starts": time(17), "ends": time(9), "officer_ids": [dee.id],
                                 "starts_on": now.date() - timedelta(weeks=2), "ends_on": None,
                                 "rotate_every_weeks": 1})
        last_night = datetime.combine(now.date(), time(22), tzinfo=timezone.utc)
        last_night -= timedelta(days=1) if last_night > now else timedelta()

        def plan(name):
            carer = {**plan_payload()["carer"], "name": name, "landline": "0113 496 0123"}
            return plans.create_plan(PlanSchema().load(plan_payload(carer=carer, contacts=[])), by=coordinator, now=now)

        asked, _ = opening.open_incident(plan("Ada Asked"), caller_number="+447700900123", channel="sms",
                                         now=last_night)
        going, _ = opening.open_incident(plan("Gail Going"), caller_number="+447700900456", channel="voice",
                                         now=last_night)
        answers.accept(going.pages[0], now)
        closed, _ = opening.open_incident(plan("Cleo Closed"), caller_number=None, channel="sms", now=last_night)
        answers.accept(closed.pages[0], last_night + timedelta(minutes=5))
        closing.resolve(closed, last_night + timedelta(hours=2), "phone-cora", "Dee stayed until the carer was home")
        db.session.flush()
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "details",
                                                                  OutboxMessage.page_id == going.pages[0].id))
        details = re.search(r"/details/[A-Za-z0-9_-]+", body).group(0)
        return {"server": live_server, "asked": asked.id, "going": going.id, "closed": closed.id, "details": details}


def fits_a_phone(page, width):
    """No sideways scrolling, nothing too small to tap, phone numbers the UK way, axe clean."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} scrolls sideways at {width}"
    assert page.evaluate(TOO_SMALL_TO_TAP) == [], f"{page.url} at {width} px"
    for href, shown in page.evaluate(TEL_LINKS):
        assert UK_NUMBER.match(shown) and re.match(r"^tel:(\+44\d{9,10}|999)$", href), (href, shown)
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_accepters_details_page_fits_a_phone_with_the_most_urgent_facts_first(night, page, width):
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(night["server"].url + night["details"])
    fits_a_phone(page, width)
    headings = page.locator("h2").all_inner_texts()
    assert headings[:4] == ["Where to go", "Getting in", "Who is waiting", "What to do"]
    expect(page.get_by_role("link", name=re.compile("14 Brudenell Grove"))).to_have_attribute(
        "href", re.compile(r"^https://www\.google\.com/maps/search/"))
    expect(page.get_by_role("link", name="07700 900456").first).to_have_attribute("href", "tel:+447700900456")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_expired_link_page_fits_a_phone_and_gives_a_number_to_call(night, page, width):
    page.set_viewport_size({"width": width, "height": 740})
    response = page.goto(night["server"].url + "/details/no-such-link")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or is not valid")
    expect(page.get_by_role("link", name="0113 496 0500")).to_be_visible()  # the line
    fits_a_phone(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_duty_officers_board_and_incident_page_fit_a_phone(night, page, width):
    page.set_viewport_size({"width": width, "height": 740})
    logged_in(page, night["server"], "phone-dee", PASSWORD)
    fits_a_phone(page, width)
    closed = page.locator(".app-incident", has_text=f"Incident {night['closed']}:")
    expect(closed).to_contain_text("Dee Duty went. Resolved by phone-cora")
    expect(closed).to_contain_text("Dee stayed until the carer was home")
    page.get_by_role("link", name=re.compile(f"^Incident {night['asked']}:")).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("You were asked to go. If you can, reply ACCEPT")
    fits_a_phone(page, width)
    page.goto(f"{night['server'].url}/console/incidents/{night['going']}")
    expect(page.locator(".app-incident__doing")).to_contain_text("Dee Duty accepted at")
    fits_a_phone(page, width)


def test_the_boards_refresh_brings_new_incidents_and_keeps_what_a_coordinator_is_typing(night, page):
    page.clock.install()
    logged_in(page, night["server"], "phone-cora", PASSWORD)
    page.get_by_label("Card number").fill("1234 5678")
    page.get_by_label("Note").fill("Caller rang the office about her mother")
    with seeded(night["server"]):
        carer = {**plan_payload()["carer"], "name": "Nora New"}
        plan = plans.create_plan(PlanSchema().load(plan_payload(carer=carer, contacts=[])),
                                 by=users.get_user("phone-cora"), now=utc_now())
        fresh, _ = opening.open_incident(plan, caller_number="+447700900999", channel="sms", now=utc_now())
        fresh_id = fresh.id
    fresh_card = page.get_by_role("link", name=re.compile(f"^Incident {fresh_id}:"))
    expect(fresh_card).to_have_count(0)
    page.evaluate("window.sameDocument = true")
    page.clock.run_for("00:31")  # past the list's 30 seconds
    expect(fresh_card).to_be_visible()
    expect(page.locator("[data-refresh-status]")).to_contain_text("List updated at")
    expect(page.get_by_label("Card number")).to_have_value("1234 5678")  # nothing typed was lost
    expect(page.get_by_label("Note")).to_have_value("Caller rang the office about her mother")
    assert page.evaluate("window.sameDocument") is True  # the page itself was never reloaded
