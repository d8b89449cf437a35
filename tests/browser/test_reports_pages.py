"""The reports in a real browser against a real server, under the console's strict
Content-Security-Policy: the report opens on the last 12 months with its headline figures, every
chart is drawn and styled, a table reads right, a CSV downloads, the print view keeps its charts,
the plans due for review are listed, a period's figures are kept until counted again, and a
duty officer is refused. axe-core checks every page; no
console page the browser visits reports a CSP violation."""
import csv
import io
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.incidents.models import Incident
from emergency.plans import service as plans
from emergency.reports.charts import has_chart
from emergency.reports.figures import Period
from emergency.reports.service import build_report
from emergency.users import service as users
from tests.browser.conftest import assert_no_serious_axe_violations, logged_in, seeded
from tests.conftest import plan_payload

PASSWORD = "correct horse battery"
SECTIONS = ("plans", "incidents", "rota", "feedback")
SEEDED_AT = datetime(2026, 10, 14, 10, 0, tzinfo=timezone.utc)
OCTOBER = "from=2026-10-01&to=2026-10-31"
# The first series' colour (#1f4e79) at pygal's opacity .9 over white: only a styled chart has it.
FIRST_SERIES_ON_WHITE = (53, 96, 134)


@pytest.fixture(scope="module")
def reported(live_server):
    """Three active plans registered in October 2026 (one overdue for review, one due soon, by
    the server's real today), a call that was accepted, a text still open, and a duty officer."""
    today = date.today()
    with seeded(live_server):
        cora = users.create_user("cora", "Cora Jones", "coordinator", SEEDED_AT)
        users.set_password(cora, PASSWORD)
        users.set_password(users.create_user("dave", "Dave Officer", "duty_officer", SEEDED_AT), PASSWORD)
        made = [plans.create_plan(PlanSchema().load(plan_payload(**changes)), by=cora, now=SEEDED_AT)
                for changes in ({"review_due_on": (today - timedelta(days=10)).isoformat()},
                                {"review_due_on": (today + timedelta(days=10)).isoformat()}, {})]
        called, _ = opening.open_incident(made[0], caller_number="+447700900100", channel="voice", now=SEEDED_AT)
        answers.accept(called.pages[0], SEEDED_AT + timedelta(minutes=2))
        opening.open_incident(made[1], caller_number="+447700900100", channel="sms",
                              now=SEEDED_AT + timedelta(hours=1))
    return live_server


@pytest.fixture
def csp_reports(page):
    """What the browser's console says about the Content-Security-Policy while the test runs."""
    said = []
    page.on("console", lambda message: said.append(message.text))
    yield lambda: [text for text in said if "Content Security Policy" in text]


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("load")  # every image has arrived (or failed)
    assert_no_serious_axe_violations(page)


def chart_states(page) -> list[dict]:
    """Each chart image: loaded, its natural width, the share of its pixels that are white and
    how many are the first series' colour (read back through a canvas: the images are the page's
    own). Unstyled, pygal's background and bars are SVG's default black."""
    return page.eval_on_selector_all("div.chart img", """(images, colour) => images.map(image => {
        const canvas = document.createElement("canvas");
        canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
        const context = canvas.getContext("2d");
        let coloured = 0, white = 0;
        if (image.complete && image.naturalWidth > 0) {
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < pixels.length; i += 4) {
                if (Math.abs(pixels[i] - colour[0]) <= 8 && Math.abs(pixels[i + 1] - colour[1]) <= 8
                    && Math.abs(pixels[i + 2] - colour[2]) <= 8) coloured++;
                if (pixels[i] === 255 && pixels[i + 1] === 255 && pixels[i + 2] === 255) white++;
            }
        }
        return {key: image.closest("section").id, alt: image.alt, complete: image.complete,
                width: image.naturalWidth, share_white: white / (canvas.width * canvas.height || 1),
                coloured: coloured};
    })""", list(FIRST_SERIES_ON_WHITE))


def charted_in_october(server, sections=SECTIONS) -> list[str]:
    """The tables that have a chart, as the server's own report service builds them."""
    with seeded(server):
        report = build_report(Period(date(2026, 10, 1), date(2026, 10, 31)), SEEDED_AT)
        return [table.key for section in report.sections if section.key in sections
                for table in section.tables if has_chart(table)]


def assert_every_chart_is_drawn_in_colour(page, server, sections=SECTIONS):
    charts = chart_states(page)
    keys = charted_in_october(server, sections)
    assert [chart["key"] for chart in charts] == keys
    for chart in charts:
        assert chart["complete"] and chart["width"] == 800, chart
        assert chart["alt"].startswith("Chart: ") and chart["share_white"] > 0.3, chart
    drawn = {chart["key"]: chart for chart in charts}
    for key in {"plans": "plans-by-status", "incidents": "incidents-by-channel"}.values():
        assert key not in keys or drawn[key]["coloured"] > 1000, key
    return keys


def test_a_coordinator_reads_the_reports_downloads_a_csv_and_prints_them(reported, page, csp_reports):
    logged_in(page, reported, "cora", PASSWORD)
    visit(page, f"{reported.url}/console/reports/?{OCTOBER}")
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    expect(page.locator(".headlines div").first).to_have_text(re.compile(r"^Incidents\s*2 incidents"))
    charted = []
    for section in ("Plans", "Incidents", "Rota", "Feedback"):
        page.get_by_role("navigation", name="Report sections").get_by_role("link", name=section).click()
        page.wait_for_load_state("load")
        assert_no_serious_axe_violations(page)
        charted += assert_every_chart_is_drawn_in_colour(page, reported, (section.lower(),))
        if section == "Plans":
            expect(page.locator("section#plans-summary tbody tr").first.locator("th, td")).to_have_text(
                ["Registered by the end of the period", "3"])
        if section == "Incidents":
            break
    assert len(charted) >= 8

    by_channel = page.locator("section#incidents-by-channel table")
    expect(by_channel.locator("caption")).to_contain_text("Incidents opened each month, by channel")
    expect(by_channel.locator("thead th")).to_have_text(["Month", "call", "text", "by hand"])
    expect(by_channel.locator("tbody tr")).to_have_count(1)
    expect(by_channel.locator("tbody tr").first.locator("th, td")).to_have_text(["2026-10", "1", "1", "0"])

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download “Incidents per month, by outcome” as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "incidents-by-outcome_2026-10-01_2026-10-31.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows == [["Month", "accepted", "resolved", "exhausted", "cancelled", "needs a person", "open"],
                    ["2026-10", "1", "0", "0", "0", "0", "1"]]

    page.get_by_role("link", name="Print for the strategy group").click()
    page.wait_for_url(f"{reported.url}/console/reports/print?{OCTOBER}")
    page.wait_for_load_state("load")
    assert_no_serious_axe_violations(page)
    expect(page.get_by_role("heading", name="Report to the carers' strategy group")).to_be_visible()
    expect(page.locator(".title-page")).to_have_css("display", "flex")  # its stylesheet applies
    assert len(assert_every_chart_is_drawn_in_colour(page, reported)) >= 10

    page.go_back()
    page.get_by_role("link", name="Plans due for review").click()
    page.wait_for_url(f"{reported.url}/console/reports/reviews")
    assert_no_serious_axe_violations(page)
    expect(page.get_by_role("heading", name="Overdue: 1 plan")).to_be_visible()
    expect(page.get_by_role("table", name="Plans whose review date has passed").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("table", name="Plans due for review in the next 30 days").locator("tbody tr")
           ).to_have_count(1)
    assert csp_reports() == []


def test_the_console_pages_break_no_content_security_policy(reported, page, csp_reports):
    logged_in(page, reported, "cora", PASSWORD)
    for path in ("/console/", "/console/plans", "/console/rota", f"/console/reports/?{OCTOBER}",
                 *(f"/console/reports/?{OCTOBER}&section={section}" for section in SECTIONS),
                 f"/console/reports/print?{OCTOBER}", "/console/reports/reviews"):
        visit(page, f"{reported.url}{path}")
    assert csp_reports() == []


def test_a_chart_opened_on_its_own_is_styled_by_its_own_stylesheet_and_nothing_else(reported, page, csp_reports):
    """In a page, the charts are images (isolated, unaffected by any policy of their own);
    opened on their own they are documents, and their response's policy must allow their style."""
    logged_in(page, reported, "cora", PASSWORD)
    page.goto(f"{reported.url}/console/reports/?{OCTOBER}&section=plans")
    response = page.goto(reported.url + page.locator("section#plans-by-status img").get_attribute("src"))
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert page.eval_on_selector(".graph > .background", "e => getComputedStyle(e).fill") == "rgb(255, 255, 255)"
    assert page.eval_on_selector(".series.color-0 rect", "e => getComputedStyle(e).fill") == "rgb(31, 78, 121)"
    assert csp_reports() == []


def test_the_report_opens_on_the_12_months_up_to_today_with_its_headline_figures_first(reported, page):
    """What a coordinator sees on opening Reports, with no period chosen (the server's today)."""
    today = date.today()
    first = today.replace(year=today.year - 1, day=28 if (today.month, today.day) == (2, 29) else today.day)
    first += timedelta(days=1)
    with seeded(reported):
        report = build_report(Period(first, today), datetime.now(timezone.utc))
        opened = report.table("fallback").rows[0][1]
    logged_in(page, reported, "cora", PASSWORD)
    visit(page, f"{reported.url}/console/reports/")
    expect(page.get_by_text(f"{first:%d %B %Y} to {today:%d %B %Y}")).to_be_visible()
    expect(page.get_by_role("heading", level=2).first).to_have_text("Headline figures")
    expect(page.locator(".headlines div").first).to_have_text(re.compile(rf"^Incidents\s*{opened} incidents"))
    assert page.locator("table").count() == 0  # the tables are in the sections


def test_a_duty_officer_is_refused_the_reports(reported, page):
    logged_in(page, reported, "dave", PASSWORD)
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    for path in (f"/console/reports/?{OCTOBER}", f"/console/reports/print?{OCTOBER}", "/console/reports/reviews",
                 f"/console/reports/plans-summary.csv?{OCTOBER}"):
        response = page.goto(f"{reported.url}{path}")
        assert response.status == 403, path
    assert_no_serious_axe_violations(page)


def test_a_periods_figures_are_kept_until_a_coordinator_counts_them_again(reported, page):
    """Counted on the first look of the day and kept, so a reload shows the same figures;
    "Count again now" adds what has happened since."""
    march = f"{reported.url}/console/reports/?from=2020-03-01&to=2020-03-31"  # no other test looks here
    incidents = page.locator(".headlines div").first
    logged_in(page, reported, "cora", PASSWORD)
    visit(page, march)
    expect(incidents).to_have_text(re.compile(r"^Incidents\s*0 incidents"))
    with seeded(reported):
        db.session.add(Incident(plan_id=None, plan_snapshot=None, caller_number="+447700900100", channel="sms",
                                status="needs_person", needs_person_reason="no_card", stage="done", wait_seconds=0,
                                rounds=0, channels="both", opened_at=datetime(2020, 3, 10, 12, tzinfo=timezone.utc)))
    page.reload()
    expect(incidents).to_have_text(re.compile(r"^Incidents\s*0 incidents"))
    page.get_by_role("button", name="Count again now").click()
    page.wait_for_url(march)
    expect(incidents).to_have_text(re.compile(r"^Incidents\s*1 incident(?!s)"))
    assert_no_serious_axe_violations(page)
