"""Reports counted once a day and kept: a national register's report reads millions of rows
(seconds of work), and its page, print view, tables and charts would each count it again. A
period's report is counted when first opened on a day, or overnight for the usual periods, and
kept until the next day; a coordinator may count it again at any time. The caller commits."""
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from emergency.clock import local_zone
from emergency.extensions import db
from emergency.reports.figures import PRESETS, Period, Section, Table, preset_period
from emergency.reports.models import KeptReport
from emergency.reports.service import Report, build_report


def report_for(period: Period, now: datetime) -> Report:
    """The period's report as counted today, counted now if it has not been yet."""
    kept = db.session.scalar(select(KeptReport).where(KeptReport.first == period.first,
                                                      KeptReport.last == period.last))
    if kept is not None and _day(kept.counted_at) == _day(now):
        return _report_of(period, kept)
    return count_again(period, now)


def count_again(period: Period, now: datetime) -> Report:
    """Count the period's report now and keep it in place of any counted before."""
    report = build_report(period, now)
    sections = [{"title": section.title, "tables": [asdict(table) for table in section.tables]}
                for section in report.sections]
    db.session.execute(delete(KeptReport).where(KeptReport.first == period.first, KeptReport.last == period.last))
    try:
        with db.session.begin_nested():
            db.session.add(KeptReport(first=period.first, last=period.last, counted_at=now, sections=sections))
    except IntegrityError:
        pass  # another coordinator's count of the same moment was kept first: as good as ours
    return report


def count_the_usual_periods(now: datetime) -> str:
    """The nightly job: the periods the report page offers are counted before anyone opens
    them, and reports counted on earlier days are let go."""
    today = _day(now)
    counted = [count_again(preset_period(preset, today), now) for preset in PRESETS]
    db.session.execute(delete(KeptReport).where(KeptReport.counted_at < _start_of(today)))
    return f"{len(counted)} report(s) counted: " + ", ".join(report.period.describe() for report in counted)


def _report_of(period: Period, kept: KeptReport) -> Report:
    return Report(period, kept.counted_at, [Section(section["title"], [Table(**table) for table in section["tables"]])
                                            for section in kept.sections])


def _day(instant: datetime):
    return instant.astimezone(local_zone()).date()


def _start_of(day) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=local_zone())
