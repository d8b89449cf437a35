"""Charts as SVG, drawn on the server with pygal: no script, nothing fetched from the internet,
and they print cleanly. The table beside each chart carries the same numbers for screen readers.

Each chart is its own image/svg+xml response shown with <img>: pygal styles a chart with an
inline <style>, which the console's Content-Security-Policy refuses inside a page. An SVG loaded
as an image is a document of its own, so its response gets a policy that allows exactly its own
stylesheet (by hash) and nothing else.

The image's address names the chart (its section, its table and the report's period), not its
figures: an address is seen in browser histories and proxies' logs, and must tell nobody how
many incidents there were or who was asked. It is signed, so nobody can make one up, and it
expires, so an address copied out of a history shows nothing a day later. Each image counts its
own section again, for the coordinator who is logged in."""
import base64
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from xml.etree import ElementTree

import pygal
from itsdangerous import BadData, URLSafeTimedSerializer
from pygal.style import Style

from emergency.reports.figures import Period, Table

# Long enough for a slow page (and its print view) to load its images; not a bookmark.
CHART_ADDRESS_LIFE = timedelta(hours=1)

_STYLE = Style(background="white", plot_background="white", font_family="system-ui, sans-serif",
               colors=("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000"), opacity=".9", opacity_hover="1")


SVG = "{http://www.w3.org/2000/svg}"
WIDTH, HEIGHT = 800, 320
NONE = "'none'"


def has_chart(table: Table) -> bool:
    """Only a table with something to draw has a chart: an empty axis tells nobody anything."""
    return table.chart != "none" and any(value for _, values in table.series() for value in values)


def chart_svg(table: Table) -> str | None:
    """The table's chart as an SVG document, or None for a table that is not charted."""
    if not has_chart(table):
        return None
    kind = pygal.StackedBar if table.chart == "stacked" else pygal.Bar
    chart = kind(js=[], style=_STYLE, height=HEIGHT, width=WIDTH, show_legend=len(table.series()) > 1,
                 legend_at_bottom=True, x_label_rotation=-45 if len(table.rows) > 12 else 0,
                 print_values=False, disable_xml_declaration=True, truncate_label=-1, show_y_guides=True,
                 no_data_text="Nothing in this period")
    chart.title = table.title
    chart.x_labels = [str(row[0]) for row in table.rows]
    for name, values in table.series():
        chart.add(name, values)
    tree = chart.render_tree()
    # pygal always embeds a configuration script for its tooltips, and a tooltip group with an
    # inline style attribute; without script there are no tooltips, and the policy allows neither.
    for parent in tree.iter():
        for child in [c for c in parent if c.tag == "script" or "tooltip-overlay" in (c.get("class") or "")]:
            parent.remove(child)
    # An image needs its own size: without it the browser falls back to 300 by 150.
    tree.set("width", str(WIDTH))
    tree.set("height", str(HEIGHT))
    tree.set("role", "img")
    tree.set("aria-label", f"Chart: {table.caption}. The same figures are in the table below.")
    return ElementTree.tostring(tree, encoding="unicode")


def svg_policy(svg: str) -> str:
    """The Content-Security-Policy for a chart's own response: its <style> elements, by hash, and
    nothing else (no script, no fetches, no inline style attributes)."""
    root = ElementTree.fromstring(svg)
    hashes = sorted({_sha256_source(element.text or "") for element in root.iter()
                     if element.tag in ("style", f"{SVG}style")})
    return f"default-src 'none'; style-src {' '.join(hashes or [NONE])}; frame-ancestors 'none'; base-uri 'none'"


def _sha256_source(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@dataclass(frozen=True)
class ChartAddress:
    section: str
    key: str
    period: Period


def chart_token(address: ChartAddress, secret_key: str) -> str:
    """The chart's signed name, for the address of its image: no figures."""
    period = address.period
    return _signer(secret_key).dumps([address.section, address.key, period.first.isoformat(), period.last.isoformat()])


def chart_from_token(token: str, secret_key: str) -> ChartAddress | None:
    """The chart a chart_token names, or None for one that was not made here or has expired."""
    try:
        section, key, first, last = _signer(secret_key).loads(token, max_age=int(CHART_ADDRESS_LIFE.total_seconds()))
        return ChartAddress(section, key, Period(date.fromisoformat(first), date.fromisoformat(last)))
    except (BadData, TypeError, ValueError):
        return None


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="report-chart-address")
