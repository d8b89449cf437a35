"""One runner for every background job (the escalation tick, the outbox sender, the daily
checks): it gives the job an app context and `now`, logs and counts each run, rolls back what a
failed run left behind, and retries once a run that PostgreSQL broke off to resolve a
deadlock or a serialization conflict. The database holds all state, so a failed run loses
nothing: the next run picks up where it stopped."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from emergency.clock import utc_now
from emergency.extensions import db

# SQLSTATEs that mean "try the same transaction again": serialization_failure, deadlock_detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], object]  # given now; returns what to log (e.g. how many it handled)
    on_failure: str  # what happens next, for the log: who retries, or how to run it by hand


@dataclass
class JobStats:
    runs: int = 0
    failures: int = 0
    retries: int = 0
    last_error: str | None = None
    last_finished_at: datetime | None = field(default=None)


def job_stats(app) -> dict[str, JobStats]:
    return app.extensions.setdefault("job_stats", {})


def _retryable(error: Exception) -> bool:
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    return isinstance(error, DBAPIError) and sqlstate in RETRYABLE_SQLSTATES


def run_job(app, job: Job, now: datetime | None = None) -> bool:
    """Run `job` once in an app context. Returns whether it succeeded; never raises, so a
    failing job cannot stop the scheduler that calls it."""
    stats = job_stats(app).setdefault(job.name, JobStats())
    with app.app_context():
        for attempt in (1, 2):
            try:
                outcome = job.run(now or utc_now())
            except Exception as error:  # any fault: the job's own transaction is rolled back
                db.session.rollback()
                if attempt == 1 and _retryable(error):
                    stats.retries += 1
                    app.logger.warning("job %s: the database broke off a transaction (%s); trying once more",
                                       job.name, getattr(error.orig, "sqlstate", "?"))
                    continue
                stats.runs += 1
                stats.failures += 1
                stats.last_error = f"{type(error).__name__}: {error}"[:500]
                app.logger.exception("job %s failed; %s", job.name, job.on_failure)
                return False
            stats.runs += 1
            stats.last_finished_at = utc_now()
            if outcome is not None:
                app.logger.debug("job %s: %s", job.name, outcome)
            return True
    return False  # unreachable: the loop returns on its second attempt
