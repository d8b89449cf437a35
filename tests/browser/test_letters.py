"""Letters by post without GOV.UK Notify, in a real browser against a real server: a coordinator
opens a plan's letters, posts the covering letter with its card (confirming first), finds it in
the print queue, downloads every waiting letter as one PDF, and marks it posted; the plan then
shows it posted. axe-core checks every page visited."""
import io
from datetime import datetime, timezone

from playwright.sync_api import expect
from pypdf import PdfReader

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.outbox import sender
from emergency.plans import service as plans
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, banner, logged_in, seeded
from tests.conftest import plan_payload
from tests.letter_pages import address_block, read_letter

PASSWORD = "correct horse battery"
SEEDED_AT = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def test_posting_a_letter_through_the_print_queue(live_server, page):
    with seeded(live_server):
        cora = users.create_user("cora", "Cora Jones", "coordinator", SEEDED_AT)
        users.set_password(cora, PASSWORD)
        plan = plans.create_plan(PlanSchema().load(plan_payload()), by=cora, now=SEEDED_AT)
        plan_id, carer = plan.id, plan.carer_name
    logged_in(page, live_server, "cora", PASSWORD)
    page.goto(f"{live_server.url}/console/plans/{plan_id}")
    page.get_by_role("link", name="Letters", exact=True).click()
    expect(page.get_by_role("heading", name=f"Letters for {carer}")).to_be_visible()
    expect(page.get_by_text("No letters have been posted about this plan.")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Post the covering letter with the card").click()
    expect(page.get_by_role("heading", name="Post the covering letter with the card?")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Yes, post the covering letter with the card").click()
    expect(banner(page)).to_contain_text("Covering letter with the card queued for posting.")
    expect(page.locator("#letters-posted")).to_contain_text("Waiting to go")
    assert_no_serious_axe_violations(page)

    with seeded(live_server):
        assert sender.send_due(utc_now()) == 1  # the sender's run, as the scheduler would make it

    page.get_by_role("link", name="Print queue", exact=True).click()
    expect(page.get_by_role("heading", name="Letters to print and post")).to_be_visible()
    assert_no_serious_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all 1 waiting letter as one PDF").click()
    letters = download.value.path().read_bytes()
    assert address_block(read_letter(letters)[1])[0] == carer
    assert len(PdfReader(io.BytesIO(letters)).pages) % 2 == 0  # printed double-sided, each letter on its own sheets

    page.get_by_role("button", name="Mark as posted").click()
    expect(banner(page)).to_contain_text("1 letter marked as posted.")
    expect(page.get_by_text("No letters are waiting to be printed.")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.goto(f"{live_server.url}/console/plans/{plan_id}/letters")
    expect(page.locator("#letters-posted")).to_contain_text("Posted from the print queue")
