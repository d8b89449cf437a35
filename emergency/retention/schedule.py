"""The retention schedule, and what falls due under it at a given moment.

Pure: no session, no Flask. `now` is passed in; a record is due when its moment (received,
created, closed, expired or revoked) is strictly before the matching cut-off.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

# What a redacted or erased outbox body reads: the metadata (when, to whom, what for, what
# happened) stays, the words do not.
REDACTED_BODY = "[redacted under the retention schedule]"
ERASED_TEXT = "[erased]"


@dataclass(frozen=True)
class RetentionSchedule:
    replay_days: int = 7
    outbox_body_days: int = 90
    incident_years: int = 8
    expired_token_days: int = 0
    application_months: int = 6  # declined and withdrawn applications

    @classmethod
    def from_settings(cls, settings) -> "RetentionSchedule":
        return cls(
            replay_days=settings["RETENTION_REPLAY_DAYS"],
            outbox_body_days=settings["RETENTION_OUTBOX_BODY_DAYS"],
            incident_years=settings["RETENTION_INCIDENT_YEARS"],
            expired_token_days=settings["RETENTION_EXPIRED_TOKEN_DAYS"],
            application_months=settings["APPLICATION_RETENTION_MONTHS"],
        )


@dataclass(frozen=True)
class DueBefore:
    """Cut-offs: whatever happened strictly before them is due for its rule."""

    replay_received: datetime  # webhook replay records: purged
    outbox_created: datetime  # outbox bodies: redacted
    incident_closed: datetime  # closed incidents: anonymised
    token_ended: datetime  # details links expired, calendar feeds revoked: removed
    application_closed: datetime  # applications declined or withdrawn: deleted
    draft_started: datetime  # applications never sent: deleted
    code_sent: datetime  # codes that confirmed mobiles (kept a while for the caps per number): deleted


def years_before(moment: datetime, years: int) -> datetime:
    """The same day and time `years` earlier; 29 February becomes the 28th."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier; a day the month lacks becomes its last."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def due_before(schedule: RetentionSchedule, now: datetime) -> DueBefore:
    return DueBefore(
        replay_received=now - timedelta(days=schedule.replay_days),
        outbox_created=now - timedelta(days=schedule.outbox_body_days),
        incident_closed=years_before(now, schedule.incident_years),
        token_ended=now - timedelta(days=schedule.expired_token_days),
        application_closed=months_before(now, schedule.application_months),
        draft_started=now - timedelta(days=1),
        code_sent=now - timedelta(days=2),
    )
