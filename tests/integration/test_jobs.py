"""The job runner every background job goes through: a failure is rolled back, logged and
counted; a transaction PostgreSQL broke off to resolve a deadlock is tried once more."""
import logging

import pytest
from psycopg import errors as pg_errors
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from emergency.extensions import db
from emergency.jobs import Job, job_stats, run_job
from emergency.users import service as users
from emergency.users.models import User
from tests.conftest import NOW


def deadlock():
    return OperationalError("UPDATE incident ...", {}, pg_errors.DeadlockDetected("deadlock detected"))


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def test_a_job_gets_now_and_its_work_is_counted(app):
    seen = []
    assert run_job(app, Job("rota gap check", seen.append, on_failure="it runs again tomorrow"), now=NOW)
    assert seen == [NOW]
    assert (job_stats(app)["rota gap check"].runs, job_stats(app)["rota gap check"].failures) == (1, 0)


def test_a_failed_job_is_rolled_back_logged_and_counted_and_never_raises(app, caplog):
    def half_done_then_broken(now):
        users.create_user("half", "Half Done", "coordinator", now)
        db.session.flush()
        raise ValueError("the provider answered nonsense")

    with caplog.at_level(logging.ERROR):
        assert not run_job(app, Job("outbox send", half_done_then_broken, on_failure="the next run retries"), now=NOW)
    assert user_count() == 0
    stats = job_stats(app)["outbox send"]
    assert (stats.runs, stats.failures, stats.retries) == (1, 1, 0)
    assert "ValueError: the provider answered nonsense" in stats.last_error
    assert "job outbox send failed; the next run retries" in caplog.text


def test_a_deadlock_is_retried_once_and_the_second_attempt_counts(app):
    attempts = []

    def deadlocks_once(now):
        attempts.append(now)
        if len(attempts) == 1:
            users.create_user("first", "First Try", "coordinator", now)
            db.session.flush()
            raise deadlock()
        users.create_user("second", "Second Try", "coordinator", now)
        db.session.commit()

    assert run_job(app, Job("escalation tick", deadlocks_once, on_failure="the next tick retries"), now=NOW)
    assert len(attempts) == 2
    assert [u.username for u in db.session.scalars(select(User))] == ["second"]
    stats = job_stats(app)["escalation tick"]
    assert (stats.runs, stats.failures, stats.retries) == (1, 0, 1)


@pytest.mark.parametrize("first_error", [deadlock, lambda: ValueError("not a database conflict")])
def test_a_job_is_not_retried_more_than_once_nor_for_other_faults(app, first_error):
    attempts = []

    def always_fails(now):
        attempts.append(now)
        raise first_error()

    assert not run_job(app, Job("escalation tick", always_fails, on_failure="the next tick retries"), now=NOW)
    expected_attempts = 2 if first_error is deadlock else 1
    assert len(attempts) == expected_attempts
    assert job_stats(app)["escalation tick"].failures == 1
