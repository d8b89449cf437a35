"""The front door in a real browser against a real server, without the browser's JavaScript
being needed: a carer applies with two cared-for people and three contacts, confirms their
mobile with the texted code, and a coordinator approves the application beside the plan form;
the contacts get consent texts and the card PDF reads back. axe-core checks every page; the
pages are usable 320 px wide."""
import io
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from emergency.extensions import db
from emergency.outbox.models import OutboxMessage
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, banner, logged_in, seeded

PASSWORD = "correct horse battery"
SEEDED_AT = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
CARER, CONTACTS = "+447700900851", ("+447700900852", "+447700900853", "+447700900854")


@pytest.fixture(scope="module")
def server(live_server):
    with seeded(live_server):
        user = users.create_user("cora", "Cora Jones", "coordinator", SEEDED_AT)
        users.set_password(user, PASSWORD)
    return live_server


def texts_to(server, number) -> list[str]:
    with seeded(server):
        return list(db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.to_number == number)
                                       .order_by(OutboxMessage.id)))


def checked(page):
    """axe finds nothing serious, and nothing is wider than the window (320 px at the narrowest)."""
    assert_no_serious_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def watched(page, broken: list):
    """As every browser test does: no page may break the Content-Security-Policy or throw an error."""
    page.on("console", lambda message: broken.append(message.text) if "Content Security Policy" in message.text
            or "Refused to" in message.text else None)
    page.on("pageerror", lambda error: broken.append(f"JavaScript error: {error}"))
    return page


def go_on(page, button="Continue"):
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    checked(page)


def test_the_questions_work_without_javascript(server, browser):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{server.url}/apply")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Your full name").fill("Margaret Hughes")
    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter a full UK postcode, like LS6 2AB" in summary and "Enter your full name" not in summary
    assert page.get_by_label("Your full name").input_value() == "Margaret Hughes"


def test_a_carer_applies_confirms_their_mobile_and_a_coordinator_approves(server, browser):
    broken = []
    carer = watched(browser.new_context(viewport={"width": 320, "height": 800}).new_page(), broken)
    carer.goto(f"{server.url}/apply")
    checked(carer)
    go_on(carer, "Start now")

    go_on(carer)  # nothing typed: the error summary, in plain words
    assert carer.locator(".govuk-error-summary").get_by_text("Enter your full name").is_visible()
    carer.get_by_label("Your full name").fill("Margaret Hughes")
    carer.get_by_label("Your mobile number").fill("07700 900851")
    carer.get_by_label("Address line 1").fill("14 Brudenell Grove")
    carer.get_by_label("Town or city").fill("Leeds")
    carer.get_by_label("Postcode").fill("LS6 1HR")
    carer.get_by_label("Text message").check()
    go_on(carer)

    for name, alone in (("Arthur Hughes", "Yes"), ("Joan Hughes", "No")):
        carer.get_by_label("Their full name").fill(name)
        carer.get_by_label("What care do they need?").fill("Help with meals")
        carer.get_by_label("Where is the medication kept?").fill("Kitchen cupboard")
        carer.get_by_role("radio", name=alone, exact=True).check()
        go_on(carer)
        carer.get_by_role("radio", name="Yes" if name == "Arthur Hughes" else "No", exact=True).check()
        go_on(carer)

    carer.get_by_label("How can someone get in?").fill("Key safe by the back door")
    go_on(carer)

    for index, (name, number) in enumerate(zip(("Susan Hughes", "Tom Baker", "Priya Shah"), CONTACTS, strict=True)):
        carer.get_by_label("Their full name").fill(name)
        carer.get_by_label("Their relationship to you").fill("family")
        carer.get_by_label("Their mobile number").fill(number)
        carer.get_by_role("radio", name="No", exact=True).check()
        carer.get_by_label("At any time").check()
        go_on(carer)
        if index == 0:
            go_on(carer, "Add a contact")
        else:
            carer.get_by_role("radio", name="Yes" if index == 1 else "No", exact=True).check()
            go_on(carer)

    assert "Check your answers" in carer.locator("h1").inner_text()
    assert carer.get_by_text("3. Priya Shah").is_visible()
    carer.get_by_role("link", name="Continue").click()
    checked(carer)
    carer.get_by_label("The information I have given is correct").check()
    go_on(carer, "Accept and send")

    code = re.search(r"your code is ([0-9]{6})", texts_to(server, CARER)[-1]).group(1)
    carer.get_by_label("Code").fill(code)
    go_on(carer, "Confirm")
    assert "Application sent" in carer.locator("h1").inner_text()
    reference = carer.locator(".govuk-panel strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)

    coordinator = watched(browser.new_context().new_page(), broken)
    logged_in(coordinator, server, "cora", PASSWORD)
    coordinator.get_by_role("link", name="Applications", exact=True).click()
    checked(coordinator)
    coordinator.get_by_role("link", name=reference).click()
    checked(coordinator)
    coordinator.get_by_role("button", name="Open it beside the plan form to approve").click()
    checked(coordinator)
    coordinator.get_by_label("Active: in use").check()
    coordinator.get_by_role("button", name="Save the plan").first.click()
    coordinator.wait_for_load_state()
    assert "3 contacts asked for consent by text" in banner(coordinator).inner_text()
    checked(coordinator)
    for number in CONTACTS:
        assert "has named you as an emergency contact" in texts_to(server, number)[-1]
    assert "your emergency plan is approved" in texts_to(server, CARER)[-1]

    card_url = coordinator.get_by_role("link", name="Print the card (PDF)").get_attribute("href")
    card = PdfReader(io.BytesIO(coordinator.request.get(f"{server.url}{card_url}").body()))
    assert "Margaret" in "".join(page.extract_text() for page in card.pages)
    assert broken == []


def test_a_professional_refers_a_carer_and_a_coordinator_declines_an_application(server, browser):
    broken = []
    referrer = watched(browser.new_context(viewport={"width": 320, "height": 800}).new_page(), broken)
    referrer.goto(f"{server.url}/apply")
    referrer.get_by_role("link", name="Refer a carer").click()
    checked(referrer)
    go_on(referrer, "Start now")
    referrer.get_by_label("Your full name").fill("Dr Anna Patel")
    referrer.get_by_label("Your role").fill("GP")
    referrer.get_by_label("Your organisation").fill("Hyde Park Surgery")
    referrer.get_by_label("Your phone number").fill("0113 496 0301")
    go_on(referrer)
    referrer.get_by_label("The carer's full name").fill("Joan Smith")
    referrer.get_by_label("The carer's landline number").fill("0113 496 0855")
    referrer.get_by_label("Address line 1").fill("3 Cardigan Road")
    referrer.get_by_label("Town or city").fill("Leeds")
    referrer.get_by_label("Postcode").fill("LS6 3AG")
    referrer.get_by_label("Who do they care for?").fill("Her son, Daniel")
    go_on(referrer)  # the carer's agreement is not yet ticked
    assert "Confirm the carer agreed to be contacted" in referrer.locator(".govuk-error-summary").inner_text()
    referrer.get_by_label("The carer agreed to be contacted").check()
    go_on(referrer)
    go_on(referrer, "Send the referral")
    reference = referrer.locator(".govuk-panel strong").inner_text()

    coordinator = watched(browser.new_context().new_page(), broken)
    logged_in(coordinator, server, "cora", PASSWORD)
    coordinator.goto(f"{server.url}/console/applications")
    checked(coordinator)
    coordinator.get_by_role("link", name=reference).click()
    checked(coordinator)
    assert "Dr Anna Patel" in coordinator.locator("main").inner_text()
    coordinator.get_by_label("You live outside the area the line covers.").check()
    coordinator.get_by_role("button", name="Decline and text the carer").click()
    coordinator.wait_for_load_state()
    assert "The carer gave no mobile: phone or write to them." in banner(coordinator).inner_text()
    checked(coordinator)
    coordinator.goto(f"{server.url}/console/applications?show=declined")
    checked(coordinator)
    assert reference in coordinator.locator("main").inner_text()
    assert broken == []
