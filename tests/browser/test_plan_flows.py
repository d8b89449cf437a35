"""A coordinator's day with plans, in a real browser against a real server: log in and out,
register a plan with two contacts and a key-safe code, print the card, edit a plan someone else
has just changed, and ask a contact for consent (their AGREE arrives through the signed webhook).
axe-core checks every page visited."""
import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.plans.models import ContingencyPlan
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, banner, logged_in, seeded, signed_text
from tests.conftest import plan_payload

PASSWORD = "correct horse battery"
SEEDED_AT = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def people(live_server):
    with seeded(live_server):
        for username, name in (("cora", "Cora Jones"), ("sam", "Sam Patel")):
            user = users.create_user(username, name, "coordinator", SEEDED_AT)
            users.set_password(user, PASSWORD)
    return live_server


def seed_plan(server, **changes) -> int:
    with seeded(server):
        plan = plans.create_plan(PlanSchema().load(plan_payload(**changes)), by=users.get_user("cora"), now=SEEDED_AT)
        return plan.id


def visit(page, url):
    page.goto(url)
    assert_no_serious_axe_violations(page)


def test_logging_in_and_out(people, page):
    visit(page, f"{people.url}/console/login")
    logged_in(page, people, "cora", PASSWORD)
    expect(page.get_by_text("Cora Jones (coordinator)")).to_be_visible()
    page.get_by_role("link", name="Plans", exact=True).click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{people.url}/console/login")
    page.goto(f"{people.url}/console/plans")
    assert page.url.startswith(f"{people.url}/console/login")


def test_registering_a_plan_with_two_contacts_and_a_key_safe_code(people, page):
    logged_in(page, people, "cora", PASSWORD)
    visit(page, f"{people.url}/console/plans/new")
    page.get_by_label("Active: in use").check()
    page.get_by_label("Carer's full name").fill("Joan Smith")
    page.get_by_label("Carer's mobile").fill("07911 123456")
    page.locator("#f-carer-address-line1").fill("3 Low Lane")
    page.locator("#f-carer-address-town").fill("Leeds")
    page.locator("#f-carer-address-postcode").fill("ls6 2ab")
    page.locator("#f-cared_for-0-name").fill("Bill Smith")
    page.locator("#f-cared_for-0-medication").fill("Warfarin 3 mg at 6pm")
    page.locator("#f-contacts-0-name").fill("Ann Smith")
    page.locator("#f-contacts-0-relationship").fill("daughter")
    page.locator("#f-contacts-0-mobile").fill("07700 900111")
    page.locator("#f-contacts-0-availability-0-days-sat").check()
    page.locator("#f-contacts-0-availability-0-days-sun").check()
    page.locator("#f-contacts-0-availability-0-from").fill("09:00")
    page.locator("#f-contacts-0-availability-0-to").fill("21:00")
    page.get_by_role("button", name="Add another contact").click()
    assert_no_serious_axe_violations(page)
    expect(page.locator("#f-contacts-0-name")).to_have_value("Ann Smith")  # nothing typed was lost
    page.locator("#f-contacts-1-name").fill("Bob Jones")
    page.locator("#f-contacts-1-relationship").fill("neighbour")
    page.locator("#f-contacts-1-landline").fill("0113 496 0999")
    page.locator("#f-contacts-1-holds_key").check()
    page.get_by_role("button", name="Save the plan").first.click()
    expect(banner(page)).to_contain_text("Plan registered: card number")
    assert_no_serious_axe_violations(page)
    expect(page.get_by_text("Sat, Sun 09:00–21:00")).to_be_visible()
    expect(page.get_by_role("link", name="07911 123456 (mobile)")).to_have_attribute("href", "tel:+447911123456")  # normalised

    page.get_by_role("link", name="Key-safe code").first.click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("New key-safe code").fill("4071")
    page.get_by_role("button", name="Save the code").click()
    expect(banner(page)).to_contain_text("Key-safe code saved.")
    assert "4071" not in page.content()
    page.get_by_role("link", name="Key-safe code").first.click()
    page.get_by_role("button", name="Show the code").click()
    expect(page.locator(".code")).to_have_text("4071")
    assert_no_serious_axe_violations(page)

    with seeded(people):
        plan = db_plan("Joan Smith")
        assert [c.name for c in plan.contacts] == ["Ann Smith", "Bob Jones"] and plan.key_safe.code == "4071"


def db_plan(carer_name):
    return db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.carer_name == carer_name))


def test_downloading_the_card_and_reading_it(people, page):
    plan_id = seed_plan(people, carer={**plan_payload()["carer"], "name": "Carla Pemberton"})
    logged_in(page, people, "cora", PASSWORD)
    visit(page, f"{people.url}/console/plans/{plan_id}")
    card_number = page.locator(".app-card-number").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Card (PDF)", exact=True).click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert card_number in text and "0113 496 0500" in text and "Carla" in text
    assert "Pemberton" not in text and "Brudenell" not in text and "Arthur" not in text


def test_editing_a_plan_someone_else_has_just_changed(people, page):
    plan_id = seed_plan(people, carer={**plan_payload()["carer"], "name": "Edna Edit"})
    logged_in(page, people, "cora", PASSWORD)
    visit(page, f"{people.url}/console/plans/{plan_id}/edit")
    page.get_by_label("Instructions for whoever goes").fill("Ring the bell twice; Edna is hard of hearing.")
    with seeded(people):  # Sam saves first
        plan = plans.get_plan(plan_id)
        sam = users.get_user("sam")
        data = PlanSchema().load(plan_payload(carer={**plan_payload()["carer"], "name": "Edna Edit",
                                                     "mobile": "07700 900777"}))
        plans.update_plan(plan, data, expected_version=plan.version, by=sam, now=SEEDED_AT)
    page.get_by_role("button", name="Save the plan").first.click()
    conflict = page.get_by_role("region", name="Someone else saved this plan while you were editing it")
    expect(conflict).to_contain_text("sam")
    expect(conflict).to_contain_text("+447700900777")
    expect(page.get_by_label("Instructions for whoever goes")).to_have_value(
        "Ring the bell twice; Edna is hard of hearing.")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Save the plan").first.click()
    expect(banner(page)).to_contain_text("Plan saved.")
    expect(page.get_by_text("Ring the bell twice; Edna is hard of hearing.")).to_be_visible()
    expect(page.get_by_role("link", name="07700 900777 (mobile)")).to_be_visible()  # Sam's change kept too


def test_asking_a_contact_for_consent_and_their_agree_by_text(people, page):
    plan_id = seed_plan(people, carer={**plan_payload()["carer"], "name": "Connie Consent"})
    logged_in(page, people, "cora", PASSWORD)
    visit(page, f"{people.url}/console/consent")
    expect(page.get_by_role("row", name=re.compile("Tom Baker.*Connie Consent"))).to_be_visible()
    visit(page, f"{people.url}/console/plans/{plan_id}")
    page.get_by_role("button", name="Ask Tom Baker for consent by text").click()
    code = re.search(r"reply AGREE (\d+)", banner(page).inner_text()).group(1)
    with seeded(people):
        text = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "consent",
                                                                  OutboxMessage.body.contains(f"AGREE {code}")))
    assert text == (f"Connie has named you as an emergency contact for the Carers Emergency Line. "
                    f"Reply AGREE {code} or REFUSE {code}.")
    answer = signed_text(people, "+447700900789", f"AGREE {code}", sid="SM" + "7" * 32)
    assert answer.status_code == 200 and "You are now an emergency contact for Connie" in answer.text
    page.reload()
    expect(page.locator(".govuk-summary-card", has_text="Tom Baker")).to_contain_text("Given on")
    visit(page, f"{people.url}/console/plans/{plan_id}/history")
    expect(page.get_by_role("cell", name=re.compile("consent by text: Tom Baker replied AGREE"))).to_be_visible()
    visit(page, f"{people.url}/console/consent")
    expect(page.get_by_role("row", name=re.compile("Tom Baker.*Connie Consent"))).to_have_count(0)


def test_the_other_plan_pages_pass_the_accessibility_check(people, page):
    plan_id = seed_plan(people, carer={**plan_payload()["carer"], "name": "Ada Access"})
    logged_in(page, people, "cora", PASSWORD)
    for path in ("/console/plans?name=ada&due=yes", "/console/plans?postcode=nowhere",
                 f"/console/plans/{plan_id}/audit", f"/console/plans/{plan_id}/key-safe"):
        visit(page, f"{people.url}{path}")
    page.goto(f"{people.url}/console/plans/new")
    page.get_by_role("button", name="Save the plan").first.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the carer's full name")
    assert_no_serious_axe_violations(page)


def test_the_keyboard_alone_logs_in_saves_a_plan_and_reveals_the_code(people, page):
    plan_id = seed_plan(people, carer={**plan_payload()["carer"], "name": "Kit Keys"})
    with seeded(people):
        plans.set_key_safe_code(plans.get_plan(plan_id), "5309", by=users.get_user("cora"), now=SEEDED_AT)
    page.goto(f"{people.url}/console/login")
    expect(page.get_by_label("Username")).to_be_focused()  # the username field has the focus when the page opens
    page.keyboard.type("cora")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{people.url}/console/")
    page.goto(f"{people.url}/console/plans/{plan_id}/edit")
    page.get_by_label("Carer's full name").focus()
    page.keyboard.press("End")
    page.keyboard.type(" Jr")
    page.keyboard.press("Enter")  # Enter in a field saves: the form's first button is "Save the plan"
    expect(banner(page)).to_contain_text("Plan saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan for Kit Keys Jr")
    page.goto(f"{people.url}/console/plans/{plan_id}/key-safe")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith("Show the code"):
            break
    page.keyboard.press("Enter")
    expect(page.locator(".code")).to_have_text("5309")
