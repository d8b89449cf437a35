"""The reports page, its charts, CSV downloads and print view, as a coordinator sees them."""
import base64
import csv
import hashlib
import io
import re
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from freezegun import freeze_time
from itsdangerous import URLSafeTimedSerializer

from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.reports.charts import chart_svg, has_chart
from emergency.reports.figures import Period
from emergency.reports.service import build_report
from emergency.rota.models import DutyOfficer
from emergency.users import service as users
from tests.conftest import NOW
from tests.console.client import PASSWORD, Browser, words
from tests.reports.seed import ask, seed_quarter, utc

Q1 = {"from": "2026-01-01", "to": "2026-03-31"}
SVG = "{http://www.w3.org/2000/svg}"


def logged_in_browser(app, username, role) -> Browser:
    user = users.create_user(username, username.title(), role, NOW)
    users.set_password(user, PASSWORD)
    db.session.commit()
    browser = Browser(app)
    assert browser.log_in(username, PASSWORD).status_code == 302
    return browser


def logged_in(app, username, role):
    return logged_in_browser(app, username, role).client


@pytest.fixture
def cora(app):
    seed_quarter()
    return logged_in(app, "cora", "coordinator")


class Tables(HTMLParser):
    """The page's tables: caption, header cells with their scope, and body rows as text."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "scopes": [], "rows": []})
        elif tag == "caption":
            self._cell = ["caption"]
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            if tag == "th":
                self.tables[-1]["scopes"].append(attrs.get("scope"))
            self._cell = [tag]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[-1]["caption"] = "".join(self._cell[1:]).strip()
            self._cell = None
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell[1:]).strip())
            self._cell = None
        elif tag == "tr":
            self.tables[-1]["rows"].append(self._row)


def page_tables(html):
    parser = Tables()
    parser.feed(html)
    return parser.tables


def as_text(value):
    return "-" if value is None else str(value)


SECTIONS = ("plans", "incidents", "rota", "cover", "feedback")


def every_section(client, query=Q1) -> str:
    """The report's section pages, one after another, as a coordinator reads them all."""
    pages = []
    for section in SECTIONS:
        response = client.get("/console/reports/", query_string={**query, "section": section})
        assert response.status_code == 200, section
        pages.append(response.get_data(as_text=True))
    return "\n".join(pages)


def test_the_report_page_shows_every_figure_as_a_captioned_table_with_scoped_headers(cora):
    html = every_section(cora)
    report = build_report(Period(date(2026, 1, 1), date(2026, 3, 31)), NOW)
    tables = page_tables(html)
    # A table with no figure says "none" (the seed has no applications from the front door and no cover).
    expected = [t for s in report.sections for t in s.tables if t.has_figures()]
    assert len(tables) == len(expected) == 20
    for shown, table in zip(tables, expected, strict=True):
        assert shown["caption"].startswith(table.caption) and "01 January 2026 to 31 March 2026" in shown["caption"]
        assert set(shown["scopes"]) <= {"col", "row"}
        assert shown["scopes"][:len(table.columns)] == ["col"] * len(table.columns)
        assert shown["rows"][1:] == [[as_text(v) for v in row] for row in table.rows] or not table.rows
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*>document\.body\.className)", html)
    assert 'href="/console/reports/plans-summary.csv?from=2026-01-01&amp;to=2026-03-31"' in html


def series_in(svg_text):
    """{series name: [values]} read back from a pygal chart."""
    root = ElementTree.fromstring(svg_text)
    found = {}
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        values = [float(d.text) for d in group.iter(f"{SVG}desc") if d.get("class") == "value"]
        if "series" in classes and values:  # pygal also draws empty overlay groups per series
            number = next(int(c.removeprefix("serie-")) for c in classes if c.startswith("serie-"))
            found[number] = values
    return found


def test_every_chart_is_svg_and_shows_the_numbers_of_its_table(app):
    seed_quarter()
    report = build_report(Period(date(2026, 1, 1), date(2026, 3, 31)), NOW)
    charted = 0
    for section in report.sections:
        for table in section.tables:
            svg = chart_svg(table)
            if not has_chart(table):  # not charted, or nothing to chart (the seed has no cover)
                assert svg is None
                continue
            charted += 1
            drawn = series_in(svg)
            assert [values for _, values in sorted(drawn.items())] == [
                [float(v or 0) for v in values] for _, values in table.series()
            ], table.key
            assert table.title in svg and "<script" not in svg
    assert charted == 16


def chart_addresses(html):
    return [unescape(address) for address in re.findall(r'<img src="(/console/reports/[^"]+\.svg[^"]*)"', html)]


def test_each_chart_on_the_page_is_an_image_of_its_tables_numbers_allowed_only_its_own_style(cora):
    html = every_section(cora)
    report = build_report(Period(date(2026, 1, 1), date(2026, 3, 31)), NOW)
    charted = [(section.title, t) for section in report.sections for t in section.tables if has_chart(t)]
    addresses = chart_addresses(html)
    assert len(addresses) == len(charted) == 16
    assert all(re.fullmatch(r"/console/reports/chart/[\w.-]+\.svg", address) for address in addresses)
    assert [unescape(alt) for alt in re.findall(r'<img [^>]*alt="([^"]*)"', html)] == [
        f"Chart: {t.caption}. The same figures are in the table below." for _, t in charted]
    for address, (_, table) in zip(addresses, charted, strict=True):
        response = cora.get(address)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        svg = response.get_data(as_text=True)
        assert [values for _, values in sorted(series_in(svg).items())] == [
            [float(v or 0) for v in values] for _, values in table.series()], table.key
        policy = response.headers["Content-Security-Policy"]
        root = ElementTree.fromstring(svg)
        styles = [element.text for element in root.iter(f"{SVG}style")]
        digests = {"'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
                   for text in styles}
        assert styles and policy.startswith("default-src 'none'; style-src ") and "unsafe" not in policy
        assert set(policy.split("; ")[1].removeprefix("style-src ").split()) == digests
        assert "<script" not in svg and " style=" not in svg


def test_a_chart_address_not_signed_by_the_service_is_not_found(cora, app):
    html = cora.get("/console/reports/", query_string={**Q1, "section": "incidents"}).get_data(as_text=True)
    genuine = chart_addresses(html)[0]
    assert cora.get(genuine).status_code == 200
    named = ["incidents", "incidents-by-outcome", "2026-01-01", "2026-03-31"]
    forged = URLSafeTimedSerializer("not the secret key", salt="report-chart-address").dumps(named)
    for address in (genuine.replace(".svg", "x.svg"), f"/console/reports/chart/{forged}.svg",
                    "/console/reports/chart/nothing.svg"):
        assert cora.get(address).status_code == 404, address
    shown_elsewhere = URLSafeTimedSerializer(app.secret_key, salt="another-purpose").dumps(named)
    assert cora.get(f"/console/reports/chart/{shown_elsewhere}.svg").status_code == 404


def anyone_reads(address):
    token = address.removeprefix("/console/reports/chart/").removesuffix(".svg")
    return URLSafeTimedSerializer("whoever has no key").loads_unsafe(token)


def test_a_chart_address_carries_no_figures_and_expires_after_an_hour(app):
    seed_quarter()
    with freeze_time("2026-04-15 12:00:00") as clock:
        cora = logged_in(app, "cora", "coordinator")
        page = cora.get("/console/reports/", query_string={**Q1, "section": "incidents"})
        assert page.status_code == 200, page.headers
        addresses = chart_addresses(page.get_data(as_text=True))
        assert addresses
        for address in addresses:
            _, readable = anyone_reads(address)  # no key needed to read what an address says
            assert len(readable) == 4 and readable[2:] == ["2026-01-01", "2026-03-31"], readable
        clock.tick(timedelta(minutes=59))
        assert cora.get(addresses[0]).status_code == 200
        clock.tick(timedelta(minutes=2))
        assert cora.get(addresses[0]).status_code == 404


def test_a_chart_of_many_figures_has_a_short_address_and_still_matches(cora):
    first = db.session.scalar(db.select(Incident).where(Incident.opened_at >= utc(2026, 1, 1)).order_by(Incident.id))
    for number in range(90):
        unlike_any_other = hashlib.sha256(str(number).encode()).hexdigest()[:40]  # names that do not compress
        officer = DutyOfficer(name=f"Officer {unlike_any_other}", role="duty officer", mobile=f"+4477009{number:05d}")
        db.session.add(officer)
        db.session.flush()
        ask(first, after=number, officer=officer, status="declined", answered_after=number + 30)
    db.session.commit()
    html = cora.get("/console/reports/", query_string={**Q1, "section": "rota"}).get_data(as_text=True)
    addresses = chart_addresses(html)
    assert len(addresses) == 2 and all(len(address) < 200 for address in addresses)
    table = build_report(Period(date(2026, 1, 1), date(2026, 3, 31)), NOW).table("asks-per-officer")
    assert len(table.rows) == 92
    [officers_chart] = [a for a in addresses if anyone_reads(a)[1][1] == "asks-per-officer"]
    svg = cora.get(officers_chart).get_data(as_text=True)
    assert [values for _, values in sorted(series_in(svg).items())] == [
        [float(v or 0) for v in values] for _, values in table.series()]


def test_each_table_downloads_as_a_csv_with_the_same_figures(cora):
    report = build_report(Period(date(2026, 1, 1), date(2026, 3, 31)), NOW)
    for table in (t for s in report.sections for t in s.tables):
        response = cora.get(f"/console/reports/{table.key}.csv", query_string=Q1)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert f'filename="{table.key}_2026-01-01_2026-03-31.csv"' in response.headers["Content-Disposition"]
        parsed = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert parsed == [table.columns, *[["" if v is None else str(v) for v in row] for row in table.rows]]
    outcome = cora.get("/console/reports/incidents-by-outcome.csv", query_string=Q1).get_data(as_text=True)
    assert outcome.splitlines()[-1] == "2026-03,0,1,0,1,0,2"
    assert cora.get("/console/reports/no-such-table.csv", query_string=Q1).status_code == 404


@freeze_time("2026-04-15 12:00:00")
def test_the_report_opens_on_the_12_months_up_to_today_and_presets_pick_whole_periods(app):
    cora = logged_in(app, "cora", "coordinator")
    for preset, shown in ((None, "16 April 2025 to 15 April 2026"), ("12-months", "16 April 2025 to 15 April 2026"),
                          ("month", "01 March 2026 to 31 March 2026"), ("quarter", "01 January 2026 to 31 March 2026"),
                          ("year", "01 January 2025 to 31 December 2025")):
        html = cora.get("/console/reports/", query_string={"preset": preset} if preset else {}).get_data(as_text=True)
        assert shown in html, preset


@freeze_time("2026-04-15 12:00:00")
def test_the_report_opens_with_headline_figures_that_count_this_weeks_incidents(app):
    seed_quarter()
    cora = logged_in(app, "cora", "coordinator")
    this_week = db.session.scalar(db.select(Incident).order_by(Incident.id))
    this_week.opened_at = utc(2026, 4, 13, 22)  # Monday night, after the last whole quarter
    db.session.commit()
    html = cora.get("/console/reports/").get_data(as_text=True)
    headlines = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt><dd class="govuk-summary-list__value">(.*?)</dd>',
                           html)
    assert headlines[0] == ("Incidents", "9 incidents")  # every one seeded, this week's included
    assert [label for label, _ in headlines] == [
        "Incidents", "Someone accepted", "Median time from the call to someone accepting", "Needed the fallback number",
        "Active plans", "New plans", "Plans overdue for review", "Out of hours with nobody on first call",
        "Cover arranged from care providers", "Carers&#39; mean rating (1 to 5)"]
    assert "<table" not in html and "<img" not in html  # the figures behind them are a section away
    assert 'href="/console/reports/?section=incidents&amp;from=2025-04-16&amp;to=2026-04-15"' in html


def test_a_figure_with_nothing_to_draw_has_no_chart_and_says_so_in_a_line(cora):
    quiet = {"from": "2025-01-01", "to": "2025-01-31"}  # before anything was seeded
    html = cora.get("/console/reports/", query_string={**quiet, "section": "incidents"}).get_data(as_text=True)
    assert chart_addresses(html) == [] and page_tables(html) == []
    assert html.count("None in this period.") == 8
    busy = cora.get("/console/reports/", query_string={**Q1, "section": "incidents"}).get_data(as_text=True)
    assert len(chart_addresses(busy)) == 7 and "None in this period." not in busy


def test_a_section_that_does_not_exist_is_not_found(cora):
    assert cora.get("/console/reports/", query_string={**Q1, "section": "secrets"}).status_code == 404


def test_a_period_that_cannot_be_read_is_answered_beside_the_field_and_kept(cora):
    response = cora.get("/console/reports/", query_string={"from": "2026-03-31", "to": "2026-01-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-to-error"' in html and "Must not be before the start" in words(html)
    assert 'value="2026-03-31"' in html and 'value="2026-01-01"' in html
    response = cora.get("/console/reports/", query_string={"from": "31/03/2026", "to": "2026-04-01"})
    assert response.status_code == 422
    assert "Give a date like 2026-04-01, not '31/03/2026'" in words(response.get_data(as_text=True))


def test_only_coordinators_and_admins_see_reports(app):
    seed_quarter()
    officer = logged_in(app, "dave", "duty_officer")
    assert officer.get("/console/reports/", query_string=Q1).status_code == 403
    assert officer.get("/console/reports/plans-summary.csv", query_string=Q1).status_code == 403
    admin_page = logged_in(app, "ada", "admin").get("/console/reports/", query_string={**Q1, "section": "plans"})
    assert admin_page.status_code == 200
    assert officer.get(chart_addresses(admin_page.get_data(as_text=True))[0]).status_code == 403
    assert app.test_client().get("/console/reports/").status_code == 302


def test_a_monitor_account_has_no_console(app):
    user = users.create_user("prom", "Prometheus", "monitor", NOW)
    users.set_password(user, PASSWORD)
    db.session.commit()
    browser = Browser(app)
    refused = browser.log_in("prom", PASSWORD)
    assert refused.status_code == 403 and "only reads /metrics" in refused.get_data(as_text=True)
    client = browser.client
    assert client.get("/console/reports/").status_code == 302
    assert client.get("/console/").status_code == 302


@freeze_time("2026-04-15 12:00:00")
def test_the_print_view_is_one_document_with_a_title_page_period_date_and_every_section(app):
    seed_quarter()
    cora = logged_in(app, "cora", "coordinator")
    response = cora.get("/console/reports/print", query_string=Q1)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Report to the carers' strategy group" in html
    assert "Period: 01 January 2026 to 31 March 2026" in html
    assert "Figures as counted on Wed 15 Apr 2026 13:00" in html  # BST
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)
    sheet = cora.get(stylesheet)
    css = sheet.get_data(as_text=True)
    sheet.close()  # a static file is sent from an open file
    assert "@media print" in css and "break-after: page" in css and "<style" not in html
    for section in ("Plans", "Incidents", "Rota", "Cover", "Feedback"):
        assert f"<h2>{section}</h2>" in html
    images = chart_addresses(html)
    assert len(images) == 16 and len(page_tables(html)) == 20
    assert all(cora.get(address).mimetype == "image/svg+xml" for address in images)
    assert ".csv" not in html


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(cora):
    officer = db.session.scalar(db.select(DutyOfficer).where(DutyOfficer.name == "Bob Officer"))
    officer.name = '=HYPERLINK("http://evil.example","Bob")'
    db.session.commit()
    response = cora.get("/console/reports/asks-per-officer.csv", query_string=Q1)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[2][0] == '\'=HYPERLINK("http://evil.example","Bob")' and rows[2][1:3] == ["2", "1"]


@pytest.mark.parametrize("query, problem_beside, message", [
    ({"from": "0001-01-01", "to": "0001-01-01"}, "from", "give a date between 2000 and 2099"),
    ({"from": "2026-01-01", "to": "9999-12-31"}, "to", "give a date between 2000 and 2099"),
    ({"from": "2026-01-01"}, "to", "give a date"),
    ({"from": "2026-02-30", "to": "2026-03-01"}, "from", "give a date like 2026-04-01"),
    ({"from": "2020-01-01", "to": "2025-01-01"}, "to", "a report covers at most three years"),
    ({"preset": "decade"}, "preset", "choose one of 12-months, month, quarter, year"),
])
def test_no_period_anyone_can_type_breaks_a_report_page(cora, query, problem_beside, message):
    response = cora.get("/console/reports/", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message[:1].upper() + message[1:] in words(html)
    if problem_beside != "preset":
        assert f'id="f-{problem_beside}-error"' in html
    for path in ("/console/reports/print", "/console/reports/plans-summary.csv"):
        assert cora.get(path, query_string=query).status_code == 404
