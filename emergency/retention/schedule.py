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

    @classmethod
    def from_settings(cls, settings) -> "RetentionSchedule":
        return cls(
            replay_days=settings["RETENTION_REPLAY_DAYS"],
            outbox_body_days=settings["RETENTION_OUTBOX_BODY_DAYS"],
            incident_years=settings["RETENTION_INCIDENT_YEARS"],
            expired_token_days=settings["RETENTION_EXPIRED_TOKEN_DAYS"],
        )


@dataclass(frozen=True)
class DueBefore:
    """Cut-offs: whatever happened strictly before them is due for its rule."""

    replay_received: datetime  # webhook replay records: purged
    outbox_created: datetime  # outbox bodies: redacted
    incident_closed: datetime  # closed incidents: anonymised
    token_ended: datetime  # details links expired, calendar feeds revoked: removed


def years_before(moment: datetime, years: int) -> datetime:
    """The same day and time `years` earlier; 29 February becomes the 28th."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def due_before(schedule: RetentionSchedule, now: datetime) -> DueBefore:
    return DueBefore(
        replay_received=now - timedelta(days=schedule.replay_days),
        outbox_created=now - timedelta(days=schedule.outbox_body_days),
        incident_closed=years_before(now, schedule.incident_years),
        token_ended=now - timedelta(days=schedule.expired_token_days),
    )
