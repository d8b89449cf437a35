"""The retention schedule's cut-offs, decided from `now` alone."""
from datetime import datetime, timezone

import pytest

from config import Config
from emergency.retention.schedule import RetentionSchedule, due_before, years_before

NOW = datetime(2034, 11, 22, 3, 30, tzinfo=timezone.utc)


def test_the_default_schedule_is_7_days_90_days_and_8_years():
    due = due_before(RetentionSchedule(), NOW)
    assert due.replay_received == datetime(2034, 11, 15, 3, 30, tzinfo=timezone.utc)
    assert due.outbox_created == datetime(2034, 8, 24, 3, 30, tzinfo=timezone.utc)
    assert due.incident_closed == datetime(2026, 11, 22, 3, 30, tzinfo=timezone.utc)
    assert due.token_ended == NOW


def test_eight_years_before_a_29_february_is_the_28th():
    leap_day = datetime(2032, 2, 29, 12, 0, tzinfo=timezone.utc)
    assert years_before(leap_day, 8) == datetime(2024, 2, 29, 12, 0, tzinfo=timezone.utc)
    assert years_before(leap_day, 7) == datetime(2025, 2, 28, 12, 0, tzinfo=timezone.utc)


def test_every_period_comes_from_the_environment():
    settings = Config(environ={"RETENTION_REPLAY_DAYS": "14", "RETENTION_OUTBOX_BODY_DAYS": "30",
                               "RETENTION_INCIDENT_YEARS": "10", "RETENTION_EXPIRED_TOKEN_DAYS": "2",
                               "RETENTION_RUN_AT": "02:15"})
    settings.check()
    schedule = RetentionSchedule.from_settings(vars(settings))
    assert schedule == RetentionSchedule(replay_days=14, outbox_body_days=30, incident_years=10, expired_token_days=2)
    assert settings.RETENTION_RUN_AT == "02:15"


def test_the_defaults_apply_with_no_environment():
    assert RetentionSchedule.from_settings(vars(Config(environ={}))) == RetentionSchedule()


@pytest.mark.parametrize("environ, says", [({"RETENTION_REPLAY_DAYS": "0"}, "RETENTION_REPLAY_DAYS"),
                                           ({"RETENTION_OUTBOX_BODY_DAYS": "soon"}, "RETENTION_OUTBOX_BODY_DAYS"),
                                           ({"RETENTION_INCIDENT_YEARS": "0"}, "RETENTION_INCIDENT_YEARS"),
                                           ({"RETENTION_RUN_AT": "3am"}, "RETENTION_RUN_AT")])
def test_a_period_that_would_lose_data_early_or_cannot_be_read_is_refused(environ, says):
    with pytest.raises(RuntimeError, match=says):
        Config(environ=environ).check()
