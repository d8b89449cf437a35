"""The rota and people pages in a real browser against a real server: filling a gap from the
week view, a CSV with a bad line, a duty officer's narrow view, an admin adding a person; the
axe-core check on every page visited."""
import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import func, select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import opening
from emergency.plans import service as plans
from emergency.rota import service as rota
from emergency.rota.models import RotaOverride
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, banner, logged_in, seeded
from tests.conftest import plan_payload

PASSWORD = "correct horse battery"
LONDON = ZoneInfo("Europe/London")


def this_monday() -> date:
    today = datetime.now(LONDON).date()
    return today - timedelta(days=today.weekday())


def seed(live_server, action):
    """Run `action` through the services against the live server's database, and commit."""
    with seeded(live_server):
        return action()


def person(username, role, full_name):
    user = users.create_user(username, full_name, role, utc_now())
    users.set_password(user, PASSWORD)
    return user


def officer(name, mobile):
    return rota.save_officer(None, {"name": name, "mobile": mobile, "role": "social worker", "active": True,
                                    "contact_preference": "both"})


def nights(name, tier, officer_id, starts_on):
    rota.save_pattern(None, {"name": name, "tier": tier, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                             "starts": time(17), "ends": time(9), "officer_ids": [officer_id], "starts_on": starts_on,
                             "ends_on": None, "rotate_every_weeks": 1})


def log_in(page, live_server, username):
    logged_in(page, live_server, username, PASSWORD)


def test_a_coordinator_fills_a_rota_gap_from_the_week_view_and_the_gap_disappears(page, live_server):
    def rota_with_a_weekend_gap():
        person("gap-cora", "coordinator", "Cora Jones")
        nina = officer("Nina Night", "+447700900301")
        officer("Wes Weekend", "+447700900302")
        nights("gap nights", 1, nina.id, this_monday())

    seed(live_server, rota_with_a_weekend_gap)
    log_in(page, live_server, "gap-cora")
    page.get_by_role("link", name="Rota", exact=True).click()
    next_week = this_monday() + timedelta(days=7)
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"week of Monday {next_week:%d %B %Y}")
    assert_no_serious_axe_violations(page)

    saturday = page.locator("#tier-1 + table tr", has_text=f"{next_week + timedelta(days=5):%a %d %b}")
    expect(saturday.locator("li.gap")).to_have_count(1)
    expect(saturday.locator("li.gap")).to_contain_text("09:00–17:00")
    saturday.get_by_role("link", name="Add cover for this gap").click()
    starts = page.get_by_role("textbox", name=re.compile("^From"))
    expect(starts).to_have_value(f"{next_week + timedelta(days=5)} 09:00")
    page.get_by_label("Officer", exact=True).select_option(label="Wes Weekend")
    page.get_by_label("Note").fill("Wes covers Saturday")
    page.get_by_role("button", name="Save the change").click()

    expect(banner(page)).to_contain_text("Wes Weekend added as cover in tier 1")
    saturday = page.locator("#tier-1 + table tr", has_text=f"{next_week + timedelta(days=5):%a %d %b}")
    expect(saturday.locator("li.gap")).to_have_count(0)
    expect(saturday).to_contain_text("Wes Weekend")
    page.reload()
    expect(page.locator("#tier-1 + table tr", has_text=f"{next_week + timedelta(days=5):%a %d %b}").locator("li.gap")
           ).to_have_count(0)
    assert_no_serious_axe_violations(page)


def test_a_csv_with_one_bad_line_names_the_line_and_imports_nothing(page, live_server):
    def coordinator_and_officer():
        person("csv-cora", "coordinator", "Cora Jones")
        officer("Carl Csv", "+447700900311")

    seed(live_server, coordinator_and_officer)
    log_in(page, live_server, "csv-cora")
    page.goto(f"{live_server.url}/console/rota/import")
    assert_no_serious_axe_violations(page)
    far = this_monday() + timedelta(weeks=40)
    csv_text = ("officer_mobile,officer_name,tier,starts,ends,note\n"
                f"07700 900311,Carl Csv,1,{far} 17:00,{far + timedelta(days=1)} 09:00,csv flow\n"
                f"07700 900311,Carl Csv,1,{far + timedelta(days=1)} 17:00,tomorrow,csv flow\n")
    page.get_by_label("CSV file").set_input_files(files=[{"name": "cover.csv", "mimeType": "text/csv",
                                                           "buffer": csv_text.encode()}])
    page.get_by_role("button", name="Import").click()
    problems = page.locator(".govuk-error-summary")
    expect(problems).to_contain_text("Nothing was imported from cover.csv")
    expect(problems).to_contain_text("Line 3: ends:")
    expect(problems).not_to_contain_text("Line 2")
    assert_no_serious_axe_violations(page)
    count = seed(live_server, lambda: db.session.scalar(
        select(func.count()).select_from(RotaOverride).where(RotaOverride.note == "csv flow")))
    assert count == 0


def test_a_duty_officer_sees_only_their_own_incidents_and_shifts(page, live_server):
    def an_incident_asked_of_dee_and_one_not():
        coordinator = person("duty-cora", "coordinator", "Cora Jones")
        dee_login = person("dee", "duty_officer", "Dee Duty")
        dee = officer("Dee Duty", "+447700900321")
        dee.user_id = dee_login.id
        nights("dee nights", 1, dee.id, this_monday() - timedelta(weeks=2))
        now = utc_now()
        last_night = datetime.combine(now.date(), time(22), tzinfo=timezone.utc)
        last_night -= timedelta(days=1) if last_night > now else timedelta()
        no_contacts = plans.create_plan(PlanSchema().load(plan_payload(contacts=[])), by=coordinator, now=now)
        asked, _ = opening.open_incident(no_contacts, caller_number=None, channel="sms", now=last_night)
        with_contacts = plans.create_plan(PlanSchema().load(plan_payload()), by=coordinator, now=now)
        not_asked, _ = opening.open_incident(with_contacts, caller_number=None, channel="sms", now=last_night)
        return asked.id, not_asked.id

    asked, not_asked = seed(live_server, an_incident_asked_of_dee_and_one_not)
    log_in(page, live_server, "dee")
    expect(page.get_by_role("link", name=re.compile(f"^Incident {asked}:"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(f"^Incident {not_asked}:"))).to_have_count(0)
    expect(page.get_by_role("link", name="Rota", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="People")).to_have_count(0)
    expect(page.get_by_text("Rota gaps")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=re.compile(f"^Incident {asked}:")).click()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Incident {asked}")
    expect(page.get_by_role("button", name=re.compile("Resolved"))).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="My shifts").click()
    expect(page.get_by_role("table")).to_contain_text("17:00")
    assert_no_serious_axe_violations(page)

    assert page.goto(f"{live_server.url}/console/incidents/{not_asked}").status == 404
    assert page.goto(f"{live_server.url}/console/rota").status == 403
    assert page.goto(f"{live_server.url}/console/people").status == 403
    assert_no_serious_axe_violations(page)


def test_an_admin_adds_a_person_by_keyboard_and_sees_their_password_once(page, live_server):
    seed(live_server, lambda: person("admin-ada", "admin", "Ada Admin"))
    page.goto(f"{live_server.url}/console/login")
    page.get_by_label("Username").focus()
    page.keyboard.type("admin-ada")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="People").click()
    assert_no_serious_axe_violations(page)

    page.get_by_label("Username").fill("new-officer")
    page.get_by_label("Full name").fill("Nell Officer")
    page.get_by_label("Role").select_option("duty_officer")
    page.get_by_label("Alert mobile").fill("0123")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#f-mobile-error")).to_contain_text("Enter a UK mobile number for alerts, like 07700 900 982")
    expect(page.get_by_label("Full name")).to_have_value("Nell Officer")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Alert mobile").fill("07700 900331")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nell Officer (new-officer)")
    page.get_by_role("button", name="Make a new password").click()
    password = page.locator("code.secret").inner_text()
    assert len(password) >= 12
    assert_no_serious_axe_violations(page)
    page.reload()
    expect(page.locator("code.secret")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    logged_in(page, live_server, "new-officer", password)
    expect(page.get_by_role("link", name="My shifts")).to_be_visible()
