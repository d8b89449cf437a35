"""The report's headline figures: the few numbers the strategy group reads first, taken from
the report's own tables so that they always agree with them. Pure."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    section: str  # where the figures behind it are


def headlines(report) -> list[Headline]:
    """Headline figures of a report built with all its sections."""

    def figure(key: str, row: int, column: int = 1):
        table = report.table(key)
        return table.rows[row][column] if table is not None and len(table.rows) > row else None

    opened = figure("fallback", 0) or 0
    accepted = sum(row[1] for row in report.table("accepted-by").rows)
    gap_hours = sum(row[1] for row in report.table("tier1-gaps").rows)
    answered, mean = figure("ratings-summary", 1), figure("ratings-summary", 3)
    return [
        Headline("Incidents", _count(opened, "incident"), "incidents"),
        Headline("Someone accepted", f"{_count(accepted, 'incident')}{_share(accepted, opened)}", "incidents"),
        Headline("Median time from the call to someone accepting", _minutes(figure("response-times", 1, 2)),
                 "incidents"),
        Headline("Needed the fallback number", f"{_count(figure('fallback', 1) or 0, 'incident')}", "incidents"),
        Headline("Active plans", _count(figure("plans-summary", 2) or 0, "plan"), "plans"),
        Headline("New plans", _count(figure("plans-summary", 1) or 0, "plan"), "plans"),
        Headline("Plans overdue for review", _count(figure("plan-reviews", 1) or 0, "plan"), "plans"),
        Headline("Out of hours with nobody on first call", f"{gap_hours:,.1f} hours", "rota"),
        Headline("Cover arranged from care providers", _cover(report), "cover"),
        Headline("Carers' mean rating (1 to 5)", "no answers" if mean is None else
                 f"{mean} from {_count(answered, 'answer')}", "feedback"),
    ]


def _cover(report) -> str:
    """'3 covers, 120.0 hours, about £2,940.00'."""
    covers = sum(row[1] for row in report.table("cover-by-month").rows)
    spent = report.table("cover-by-provider").rows
    if not covers:
        return "none"
    return (f"{_count(covers, 'cover')}, {sum(row[1] for row in spent):,.1f} hours, "
            f"about £{sum(row[2] for row in spent):,.2f}")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _share(part: int, whole: int) -> str:
    return f" ({round(100 * part / whole)}%)" if whole else ""


def _minutes(value) -> str:
    return "none accepted" if value is None else f"{value} minutes"
