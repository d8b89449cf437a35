"""Charts as SVG, drawn on the server with pygal: no script, nothing fetched from the internet,
and they print cleanly. The table beside each chart carries the same numbers for screen readers.

Each chart is its own image/svg+xml response shown with <img>: pygal styles a chart with an
inline <style>, which the console's Content-Security-Policy refuses inside a page. An SVG loaded
as an image is a document of its own, so its response gets a policy that allows exactly its own
stylesheet (by hash) and nothing else.

The image's address carries its table's figures, signed with the app's secret key: the page
has just counted them, and counting them again for each of fifteen images would cost the
database several times the page itself. Nobody can make a chart of figures of their own. A
table too long for an address (one of many officers, say) is counted again for its chart, in
its own section only."""
import base64
import hashlib
from xml.etree import ElementTree

import pygal
from itsdangerous import BadData, URLSafeSerializer
from pygal.style import Style

from emergency.reports.figures import Table

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


def chart_token(table: Table, secret_key: str) -> str:
    """The table's figures, signed, for the address of its chart image."""
    shown = len(table.columns) if table.charted is None else 1 + table.charted
    figures = {"key": table.key, "title": table.title, "caption": table.caption, "chart": table.chart,
               "columns": table.columns[:shown], "rows": [row[:shown] for row in table.rows]}
    return _signer(secret_key).dumps(figures)


def table_from_token(token: str, secret_key: str) -> Table | None:
    """The table a chart_token was made from, or None for one that was not made here."""
    try:
        figures = _signer(secret_key).loads(token)
        return Table(**figures)
    except (BadData, TypeError):
        return None


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="report-chart")
