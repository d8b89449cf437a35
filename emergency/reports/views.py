"""The console's reports, for coordinators and admins: the report page, one CSV per table, the
print view for the strategy group, and the plans due for review."""
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from emergency.clock import utc_now
from emergency.console.login import editors_only, require_login
from emergency.console.views import private_pages
from emergency.reports import service
from emergency.reports.charts import chart_svg, chart_token, has_chart, svg_policy, table_from_token
from emergency.reports.figures import PRESETS, PeriodError, period_from, to_csv
from emergency.reviews import service as reviews
from emergency.rota.service import local_zone

blp = Blueprint("reports", __name__, url_prefix="/console/reports", template_folder="templates", static_folder="static")
# Servers refuse long request lines (gunicorn's limit is 4094 bytes): a longer table's chart
# is counted again instead of carried in its address.
LONGEST_TOKEN = 2000
blp.before_request(require_login)
blp.after_request(private_pages)


def _period_or_problem():
    today = utc_now().astimezone(local_zone()).date()
    try:
        return period_from(request.args, today), {}
    except PeriodError as error:
        return period_from({}, today), {error.field: error.message[:1].upper() + error.message[1:]}


def _form() -> dict:
    return {name: request.args.get(name, "") for name in ("from", "to", "preset")}


@blp.get("/")
@editors_only
def report_page():
    period, problems = _period_or_problem()
    if problems:
        return render_template("reports/report.html", report=None, problems=problems, form=_form(),
                               presets=PRESETS), 422
    report = service.build_report(period, utc_now())
    return render_template("reports/report.html", report=report, charts=_charts(report), problems={},
                           form=_form(), presets=PRESETS, query=_period_query(period))


@blp.get("/print")
@editors_only
def print_page():
    period, problems = _period_or_problem()
    if problems:
        abort(404, description=f"That period cannot be printed: {'; '.join(problems.values())}.")
    report = service.build_report(period, utc_now())
    return render_template("reports/print.html", report=report, charts=_charts(report))


@blp.get("/<key>.csv")
@editors_only
def table_csv(key):
    period, problems = _period_or_problem()
    if problems:
        abort(404, description=f"No such period: {'; '.join(problems.values())}.")
    table = service.build_report(period, utc_now()).table(key)
    if table is None:
        abort(404, description=f"There is no report table called {key!r}.")
    filename = f"{key}_{period.first:%Y-%m-%d}_{period.last:%Y-%m-%d}.csv"
    return Response(to_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.get("/chart/<token>.svg")
@editors_only
def chart_image(token):
    """One table's chart, shown on the report and print pages with <img>."""
    table = table_from_token(token, current_app.secret_key)
    return _svg_response(chart_svg(table) if table is not None else None)


def _svg_response(svg: str | None) -> Response:
    if svg is None:
        abort(404, description="There is no such chart: open it from the reports page.")
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": svg_policy(svg)})


@blp.get("/<section>/<key>.svg")
@editors_only
def counted_chart_image(section, key):
    """A chart whose figures are too many for its address: its section is counted again."""
    period, problems = _period_or_problem()
    if problems:
        abort(404, description=f"No such period: {'; '.join(problems.values())}.")
    if section not in service.SECTION_NAMES:
        abort(404, description=f"There is no report section called {section!r}.")
    table = service.build_report(period, utc_now(), only=(section,)).table(key)
    return _svg_response(chart_svg(table) if table is not None else None)


@blp.get("/reviews")
@editors_only
def reviews_page():
    today = utc_now().astimezone(local_zone()).date()
    overdue, due = reviews.due_and_overdue(today)
    return render_template("reports/reviews.html", overdue=overdue, due=due, today=today,
                           within=reviews.LIST_WITHIN_DAYS)


def _charts(report) -> dict:
    """The address of each table's chart image, or None for a table that has no chart."""
    query = _period_query(report.period)
    charts = {}
    for section in report.sections:
        for table in section.tables:
            token = chart_token(table, current_app.secret_key) if has_chart(table) else None
            charts[table.key] = None if token is None else (
                url_for("reports.chart_image", token=token) if len(token) <= LONGEST_TOKEN
                else url_for("reports.counted_chart_image", section=section.key, key=table.key, **query))
    return charts


def _period_query(period) -> dict:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}
