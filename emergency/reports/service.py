"""The strategy group's report: the queries' figures, shaped into sections of tables."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from emergency.applications.report import CONFIRM_WITHIN_WORKING_DAYS, application_figures
from emergency.applications.service import office_weekdays
from emergency.clock import local_zone
from emergency.reports import queries
from emergency.reports.cover_section import cover_section
from emergency.reports.figures import (
    CHANNELS,
    CONSENTS,
    OUTCOMES,
    PLAN_STATUSES,
    WEEKDAY_NAMES,
    Period,
    Section,
    Table,
    accepter_name,
    by_month,
    channel_name,
    minutes,
    percent,
    split_by_week,
)
from emergency.rota import service as rota
from emergency.rota.settings import bank_holidays, office_hours
from emergency.wording.languages import LANGUAGES, described


def _texts_by_language(counted: list[tuple[str, int, int]]) -> list[list]:
    """Every configured language, with none where nothing was sent, then any other found."""
    found = {code: (texts, segments) for code, texts, segments in counted}
    codes = [*LANGUAGES, *(code for code in found if code not in LANGUAGES)]
    return [[described(code), *found.get(code, (0, 0))] for code in codes]

TOP_DISTRICTS = 30


@dataclass
class Report:
    period: Period
    made_at: datetime
    sections: list[Section]

    def table(self, key: str) -> Table | None:
        return next((t for s in self.sections for t in s.tables if t.key == key), None)


SECTION_TITLES = {"plans": "Plans", "incidents": "Incidents", "rota": "Rota", "cover": "Cover", "feedback": "Feedback"}
SECTION_NAMES = tuple(SECTION_TITLES)


def build_report(period: Period, now: datetime, zone: ZoneInfo | None = None) -> Report:
    """The report's every section, counted now (reports.kept keeps it for the day)."""
    zone = zone or local_zone()
    start, end = period.instants(zone)
    window = queries.Window(start, end, period.first, period.last, zone)
    today = now.astimezone(zone).date()
    queries.settle_the_planner()
    builders = {
        "plans": lambda: _plans(window, min(today, period.last)),
        "incidents": lambda: _incidents(window),
        "rota": lambda: _rota(window, period, zone),
        "cover": lambda: cover_section(window),
        "feedback": lambda: _feedback(window),
    }
    return Report(period, now, [builders[name]() for name in SECTION_NAMES])


def _plans(w, as_of: date) -> Section:
    totals = queries.plan_totals(w, as_of)
    statuses = totals["by_status"]
    consent = queries.contacts_by_consent(w)
    districts = queries.plans_by_district(w)
    on_time = totals["live"] - totals["overdue"]
    return Section("Plans", [
        Table("plans-summary", "Plans", "Plans registered, new, active and archived",
              ["Figure", "Plans"], [
                  ["Registered by the end of the period", totals["registered"]],
                  ["New in the period", totals["new"]],
                  ["Active", totals["active"]],
                  ["Archived in the period", totals["archived_in_period"]],
              ], note="Active counts plans registered by the end of the period that are active now."),
        Table("plans-by-status", "Plans by status", "Plans registered by the end of the period, by their status now",
              ["Status", "Plans"], [[status, statuses.get(status, 0)] for status in PLAN_STATUSES]),
        Table("plans-new-by-month", "New plans per month", "Plans registered in each month (local time)",
              ["Month", "New plans"], by_month(w_period(w), queries.new_plans_by_month(w), ("new",))),
        Table("plans-by-district", "Plans by district", "Live plans by the carer's postcode district",
              ["District", "Plans"], [list(row) for row in districts[:TOP_DISTRICTS]],
              note=f"The {TOP_DISTRICTS} districts with most plans." if len(districts) > TOP_DISTRICTS else ""),
        Table("plans-by-language", "Plans by preferred language", "Live plans by the carer's preferred language",
              ["Language", "Plans"],
              [[described(code, other), plans] for code, other, plans in totals["by_language"]]),
        Table("cared-for-covered", "Cared-for people covered", "People cared for under active plans",
              ["Figure", "People"], [["Cared-for people under active plans", queries.cared_for_covered(w)]],
              chart="none"),
        Table("plan-reviews", "Plan reviews", "Reviews due, overdue and done on time",
              ["Figure", "Value"], [
                  ["Reviews due in the period", totals["due"]],
                  [f"Overdue on {as_of:%d %b %Y}", totals["overdue"]],
                  ["Reviews recorded in the period", totals["reviewed_in_period"]],
                  ["Live plans reviewed within 12 months (%)", percent(on_time, totals["live"])],
              ], chart="none",
              note="A plan is reviewed on time while its review date has not passed."),
        Table("contacts-consent", "Contacts' consent", "Emergency contacts on live plans, by consent",
              ["Consent", "Contacts"], [[status, consent.get(status, 0)] for status in CONSENTS]),
        _applications(w),
    ])


def _applications(w) -> Table:
    config = current_app.config
    figures = application_figures(w.start, w.end, w.zone, bank_holidays(config["BANK_HOLIDAY_REGION"]),
                                  office_weekdays(office_hours(config)))
    return Table("applications", "Applications", "Carers' applications and professionals' referrals",
                 ["Figure", "Value"], [
                     ["Received in the period", figures["received"]],
                     ["Approved in the period", figures["approved"]],
                     ["Declined in the period", figures["declined"]],
                     [f"Approved within {CONFIRM_WITHIN_WORKING_DAYS} working days (%)",
                      percent(figures["approved_on_time"], figures["approved"])],
                 ], chart="none",
                 note="Working days leave out weekends and bank holidays.")


def w_period(w) -> Period:
    return Period(w.first_day, w.last_day)


def _incidents(w) -> Section:
    period = w_period(w)
    by_channel: dict[tuple[str, str], int] = {}
    by_outcome: dict[tuple[str, str], int] = {}
    for month, channel, outcome, count in queries.incidents_by_month(w):
        by_channel[(month, channel_name(channel))] = by_channel.get((month, channel_name(channel)), 0) + count
        by_outcome[(month, outcome)] = by_outcome.get((month, outcome), 0) + count
    first_ask, acceptance = queries.time_to_first_ask(w), queries.time_to_acceptance(w)
    accepters: dict[str, int] = {}
    for who, tier, count in queries.accepted_by(w):
        accepters[accepter_name(who, tier)] = accepters.get(accepter_name(who, tier), 0) + count
    opened, fallback = queries.incidents_with_fallback(w)
    config = current_app.config
    holidays = bank_holidays(config["BANK_HOLIDAY_REGION"])
    days = (w.first_day + timedelta(days=n) for n in range((w.last_day - w.first_day).days + 1))
    holiday_days = [f"{day:%Y-%m-%d}" for day in days if day in holidays]
    office_days = [day.strip() for day in config["OFFICE_DAYS"].split(",") if day.strip()]
    when = queries.incidents_by_weekday_and_hour(w, office_days, config["OFFICE_OPENS"], config["OFFICE_CLOSES"],
                                                 holiday_days)
    by_day = [[name, sum(c for (d, _, out), c in when.items() if d == index and out),
               sum(c for (d, _, out), c in when.items() if d == index and not out)]
              for index, name in enumerate(WEEKDAY_NAMES)]
    by_hour = [[f"{hour:02d}:00", sum(c for (_, h, out), c in when.items() if h == hour and out),
                sum(c for (_, h, out), c in when.items() if h == hour and not out)] for hour in range(24)]
    return Section("Incidents", [
        Table("incidents-by-channel", "Incidents per month, by channel", "Incidents opened each month, by channel",
              ["Month", *CHANNELS], by_month(period, by_channel, CHANNELS), chart="stacked"),
        Table("incidents-by-outcome", "Incidents per month, by outcome",
              "Incidents opened each month, by their outcome at the end of the period",
              ["Month", *OUTCOMES], by_month(period, by_outcome, OUTCOMES), chart="stacked",
              note="Open: still open when the period ended; that is not counted as a failure."),
        Table("response-times", "Time to help", "Minutes from opening to the first ask and to acceptance",
              ["Measure", "Incidents", "Median", "90th percentile", "Longest"], [
                  ["Opening to first ask", first_ask["count"], minutes(first_ask["median"]),
                   minutes(first_ask["p90"]), minutes(first_ask["max"])],
                  ["Opening to acceptance", acceptance["count"], minutes(acceptance["median"]),
                   minutes(acceptance["p90"]), minutes(acceptance["max"])],
              ], note="Percentiles by the nearest-rank method."),
        Table("accepted-by", "Who accepted", "Incidents accepted, by who accepted",
              ["Accepted by", "Incidents"],
              [[name, accepters.get(name, 0)] for name in ("a contact", "tier 1", "tier 2", "tier 3")]),
        Table("fallback", "Nobody found", "Incidents that needed the fallback number",
              ["Figure", "Incidents"], [["Opened in the period", opened], ["Needed the fallback number", fallback],
                                        ["Share (%)", percent(fallback, opened)]], chart="none"),
        Table("incidents-by-weekday", "Incidents by day of the week", "Incidents opened on each day (local time)",
              ["Day", "Out of hours", "Office hours"], by_day, chart="stacked"),
        Table("incidents-by-hour", "Incidents by time of day", "Incidents opened in each hour (local time)",
              ["Hour", "Out of hours", "Office hours"], by_hour, chart="stacked"),
        Table("texts-by-language", "Texts by language", "Texts queued in the period and the SMS segments they cost",
              ["Language", "Texts", "Segments"],
              _texts_by_language(queries.texts_by_language(w)),
              note="A text with a letter outside the GSM alphabet (ŵ, ł, any Urdu) costs a segment per 67 "
                   "characters instead of per 153. Texts queued before segments were counted show none."),
    ])


def _rota(w, period: Period, zone: ZoneInfo) -> Section:
    gaps = rota.gaps(w.start, w.end)
    asks = queries.asks_per_officer(w)
    return Section("Rota", [
        Table("tier1-gaps", "Out-of-hours hours with nobody on first call",
              "Out-of-hours hours with nobody in tier 1, per week (weeks start on Monday)",
              ["Week starting", "Hours"], split_by_week(gaps, period, zone)),
        Table("asks-per-officer", "Asks per officer", "Asks to each duty officer, and how they answered",
              ["Officer", "Asks", "Accepted", "Declined", "Accepted (%)", "Declined (%)"],
              [[name, count, accepted, declined, percent(accepted, count), percent(declined, count)]
               for name, count, accepted, declined in asks], charted=3),
    ])


def _feedback(w) -> Section:
    figures = queries.ratings(w)
    answered = sum(figures["counts"].values())
    return Section("Feedback", [
        Table("ratings", "Survey ratings", "Carers' ratings of how well their needs were met (1 to 5)",
              ["Rating", "Answers"], [[str(rating), figures["counts"].get(rating, 0)] for rating in range(1, 6)]),
        Table("ratings-summary", "Survey responses", "Surveys sent, answered, and the mean rating",
              ["Figure", "Value"], [
                  ["Surveys sent", figures["asked"]], ["Answered", answered],
                  ["Response rate (%)", percent(answered, figures["asked"])],
                  ["Mean rating", None if figures["mean"] is None else round(figures["mean"], 2)],
              ], chart="none"),
    ])
