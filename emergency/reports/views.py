"""The console's reports, for coordinators and admins: the report page, one CSV per table, the
print view for the strategy group, and the plans due for review."""
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from emergency.clock import utc_now
from emergency.console.login import editors_only, require_login
from emergency.console.views import private_pages
from emergency.extensions import db
from emergency.reports import kept, service
from emergency.reports.charts import ChartAddress, chart_from_token, chart_svg, chart_token, has_chart, svg_policy
from emergency.reports.figures import PRESETS, PeriodError, period_from, to_csv
from emergency.reports.headlines import headlines
from emergency.reviews import service as reviews
from emergency.rota.service import local_zone

blp = Blueprint("reports", __name__, url_prefix="/console/reports", template_folder="templates", static_folder="static")
blp.before_request(require_login)
blp.after_request(private_pages)


def _period_or_problem():
    today = utc_now().astimezone(local_zone()).date()
    try:
        return period_from(request.args, today), {}
    except PeriodError as error:
        return period_from({}, today), {error.field: error.message[:1].upper() + error.message[1:]}


def _period_or_404(refusal: str):
    """The period asked for; a page that cannot show a form is not found for one it cannot read."""
    period, problems = _period_or_problem()
    if problems:
        abort(404, description=f"{refusal}: {'; '.join(problems.values())}.")
    return period


def _form() -> dict:
    return {name: request.args.get(name, "") for name in ("from", "to", "preset")}


@blp.get("/")
@editors_only
def report_page():
    """The headline figures, or one section's tables and charts (?section=incidents): a page
    short enough to read."""
    section = request.args.get("section") or None
    if section is not None and section not in service.SECTION_NAMES:
        abort(404, description=f"There is no report section called {section!r}.")
    period, problems = _period_or_problem()
    pages = {"sections": service.SECTION_TITLES, "section": section, "presets": PRESETS, "form": _form()}
    if problems:
        return render_template("reports/report.html", report=None, problems=problems, **pages), 422
    report = _kept_report(period)
    if section is None:
        return render_template("reports/report.html", report=report, problems={}, query=_period_query(period),
                               charts={}, headlines=headlines(report), **pages)
    shown = service.Report(report.period, report.made_at, [part for part in report.sections if part.key == section])
    return render_template("reports/report.html", report=shown, problems={}, query=_period_query(period),
                           charts=_charts(shown), headlines=None, **pages)


@blp.post("/count-again")
@editors_only
def count_again():
    """The period's figures counted now, in place of those kept from earlier today."""
    period = _period_or_404("That period cannot be counted")
    kept.count_again(period, utc_now())
    db.session.commit()
    section = request.args.get("section")
    return redirect(url_for("reports.report_page", **_period_query(period),
                            **({"section": section} if section in service.SECTION_NAMES else {})), 303)


@blp.get("/print")
@editors_only
def print_page():
    report = _kept_report(_period_or_404("That period cannot be printed"))
    return render_template("reports/print.html", report=report, charts=_charts(report), headlines=headlines(report))


@blp.get("/<key>.csv")
@editors_only
def table_csv(key):
    period = _period_or_404("No such period")
    table = _kept_report(period).table(key)
    if table is None:
        abort(404, description=f"There is no report table called {key!r}.")
    filename = f"{key}_{period.first:%Y-%m-%d}_{period.last:%Y-%m-%d}.csv"
    return Response(to_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.get("/chart/<token>.svg")
@editors_only
def chart_image(token):
    """One table's chart, shown on the report and print pages with <img>, drawn from the
    period's kept figures (the address names the chart, never its figures)."""
    chart = chart_from_token(token, current_app.secret_key)
    if chart is None or chart.section not in service.SECTION_NAMES:
        abort(404, description="There is no such chart, or its address has expired: open it from the reports page.")
    table = _kept_report(chart.period).table(chart.key)
    svg = chart_svg(table) if table is not None else None
    if svg is None:
        abort(404, description="There is no such chart: open it from the reports page.")
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": svg_policy(svg)})


@blp.get("/reviews")
@editors_only
def reviews_page():
    today = utc_now().astimezone(local_zone()).date()
    overdue, due = reviews.due_and_overdue(today)
    return render_template("reports/reviews.html", overdue=overdue, due=due, today=today,
                           within=reviews.LIST_WITHIN_DAYS)


def _kept_report(period) -> service.Report:
    report = kept.report_for(period, utc_now())
    db.session.commit()  # a report counted now is kept for the day
    return report


def _charts(report) -> dict:
    """The address of each table's chart image, or None for a table that has no chart."""
    return {table.key: url_for("reports.chart_image", token=chart_token(
                ChartAddress(section.key, table.key, report.period), current_app.secret_key))
            if has_chart(table) else None
            for section in report.sections for table in section.tables}


def _period_query(period) -> dict:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}
