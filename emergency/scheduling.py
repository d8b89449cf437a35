"""The in-process clock: APScheduler with its in-memory job store calls jobs that read and
write the database. The database holds all state, so a lost process loses nothing. Every job
runs through emergency.jobs.run_job, which logs, counts and rolls back a failed run.

The engine tick and the outbox sender also run when nudged (see `emergency.wakeup`): a
commit that queues a message or makes a step due now runs them at once; the interval stays
as a safety net.
"""
import logging
import threading
from datetime import datetime, timezone

import psycopg
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from emergency import wakeup
from emergency.clock import utc_now
from emergency.cover import tick as cover_tick
from emergency.extensions import db
from emergency.incidents import engine
from emergency.jobs import Job, run_job
from emergency.outbox import letters as outbox_letters
from emergency.outbox import sender
from emergency.reports import kept as kept_reports
from emergency.retention import service as retention
from emergency.retention.schedule import RetentionSchedule
from emergency.reviews import service as reviews
from emergency.rota import service as rota
from emergency.telephony import kept_texts

log = logging.getLogger(__name__)
JOB_IDS = {wakeup.ENGINE: "escalation-tick", wakeup.SENDER: "outbox-send"}
LISTEN_RECONNECT_SECONDS = 5


class Nudges:
    """Runs a job now when asked. A nudge during a run makes the job run once more when it
    ends, so work committed while it ran is not left for the next poll."""

    def __init__(self):
        self.scheduler = None
        self._requested = {kind: threading.Event() for kind in JOB_IDS}
        self._running = {kind: threading.Event() for kind in JOB_IDS}

    def nudge(self, kind: str) -> None:
        self._requested[kind].set()
        if self.scheduler is None or self._running[kind].is_set():
            return  # the running job sees the request when it ends
        try:
            self.scheduler.modify_job(JOB_IDS[kind], next_run_time=datetime.now(timezone.utc))
        except JobLookupError:
            pass  # shutting down

    def run(self, kind: str, job) -> None:
        self._running[kind].set()
        try:
            while True:
                self._requested[kind].clear()
                job()
                # Cleared before looking, so a nudge now either sees it clear or is seen here.
                self._running[kind].clear()
                if not self._requested[kind].is_set():
                    return
                self._running[kind].set()
        finally:
            self._running[kind].clear()


def _rota_gap_check(now):
    queued = rota.alert_coordinators_of_gaps(now)
    db.session.commit()
    return f"{len(queued)} alert(s) queued"


def _send_outbox(now):
    return sender.send_due(now)


def _replay_kept_texts(now):
    return f"{kept_texts.replay_kept_texts(now)} kept text(s) handled"


def _retention_run(now):
    return "; ".join(retention.run(now, RetentionSchedule.from_settings(current_app.config)).lines())


def _review_list(now):
    listed = reviews.list_due_reviews_to_coordinators(now)
    db.session.commit()
    return f"{len(listed)} plan(s) newly due for review listed to coordinators"


def _review_texts(now):
    texted = reviews.text_carers_before_review(now)
    db.session.commit()
    posted = reviews.post_review_letters(now)  # carers with no mobile: the review letter by post
    db.session.commit()
    return f"{len(texted)} carer(s) reminded of their review by text, {len(posted)} by post"


def _report_counts(now):
    counted = kept_reports.count_the_usual_periods(now)
    db.session.commit()
    return counted


def _letter_statuses(now):
    asked = outbox_letters.ask_notify_about_letters(now, current_app.extensions["outbox"].transports)
    db.session.commit()
    return f"Notify asked about {asked} letter(s)"


COVER_TICK = Job("cover tick", cover_tick.tick, on_failure="the next tick retries")
ESCALATION_TICK = Job("escalation tick", engine.tick, on_failure="the next tick retries")
OUTBOX_SEND = Job("outbox send", _send_outbox, on_failure="the next run retries")
ROTA_GAP_CHECK = Job("rota gap check", _rota_gap_check,
                     on_failure="it runs again tomorrow, or run `flask rota check-gaps`")
KEPT_TEXTS_REPLAY = Job("kept texts replay", _replay_kept_texts,
                        on_failure="the texts stay on disk; the next run tries again")
RETENTION_RUN = Job("retention run", _retention_run,
                    on_failure="it runs again tomorrow, or run `flask retention run`")
REVIEW_LIST = Job("plan review list", _review_list, on_failure="it runs again next week; it lists each plan once")
REVIEW_TEXTS = Job("plan review texts", _review_texts, on_failure="it runs again tomorrow; each carer is texted once")
LETTER_STATUSES = Job("letter statuses", _letter_statuses, on_failure="it runs again in an hour")
REPORT_COUNTS = Job("report counts", _report_counts,
                    on_failure="each period is counted when a coordinator first opens it today")
NUDGED_JOBS = {wakeup.ENGINE: ESCALATION_TICK, wakeup.SENDER: OUTBOX_SEND}


def run_nudged_job(app, kind: str) -> None:
    """The engine tick or the sender, run again at once if nudged while it ran."""
    app.extensions["nudges"].run(kind, lambda: run_job(app, NUDGED_JOBS[kind]))


def add_jobs(scheduler, app):
    zone = app.config["LOCAL_TIMEZONE"]
    every = max(app.config["ENGINE_TICK_SECONDS"], 1)
    nudges = app.extensions.setdefault("nudges", Nudges())
    nudges.scheduler = scheduler
    # First run at once: whatever fell due while no engine ran is done straight away.
    for kind, job_id in JOB_IDS.items():
        scheduler.add_job(run_nudged_job, IntervalTrigger(seconds=every), args=[app, kind], id=job_id,
                          next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every)
    scheduler.add_job(run_job, IntervalTrigger(seconds=every), args=[app, KEPT_TEXTS_REPLAY], id="kept-texts-replay",
                      next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every)
    scheduler.add_job(run_job, IntervalTrigger(seconds=every), args=[app, COVER_TICK], id="cover-tick",
                      next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every)
    hour, minute = (int(part) for part in app.config["ROTA_GAP_CHECK_AT"].split(":"))
    retention_hour, retention_minute = (int(part) for part in app.config["RETENTION_RUN_AT"].split(":"))
    daily = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}
    for job, job_id, trigger in (
        (ROTA_GAP_CHECK, "rota-gap-check", CronTrigger(hour=hour, minute=minute, timezone=zone)),
        (RETENTION_RUN, "retention-run", CronTrigger(hour=retention_hour, minute=retention_minute, timezone=zone)),
        (REVIEW_LIST, "plan-review-list", CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=zone)),
        (REVIEW_TEXTS, "plan-review-texts", CronTrigger(hour=10, minute=0, timezone=zone)),
        (LETTER_STATUSES, "letter-statuses", CronTrigger(minute=40, timezone=zone)),  # hourly
        (REPORT_COUNTS, "report-counts", CronTrigger(hour=4, minute=15, timezone=zone)),  # after retention's run
    ):
        scheduler.add_job(run_job, trigger, args=[app, job], id=job_id, **daily)
    return scheduler


def build_scheduler(app) -> BackgroundScheduler:
    return add_jobs(BackgroundScheduler(timezone=app.config["LOCAL_TIMEZONE"]), app)


def start_scheduler(app):
    """Start the in-process scheduler, unless RUN_SCHEDULER is off. Jobs due while the
    process was down run at once: their state is in the database, not in the scheduler."""
    if not app.config["RUN_SCHEDULER"] or "scheduler" in app.extensions:
        return None
    scheduler = build_scheduler(app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    return scheduler


def listen_for_work(app, stop: threading.Event) -> threading.Thread | None:
    """On PostgreSQL, a thread that LISTENs for work committed by other processes (the web
    workers) and nudges this process's jobs. None on SQLite, which serves one process."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "postgresql":
        return None
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)

    def listen():
        nudges = app.extensions["nudges"]
        while not stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as connection:
                    connection.execute(f"LISTEN {wakeup.CHANNEL}")
                    # Anything committed while we were not listening is found by this run.
                    for kind in JOB_IDS:
                        nudges.nudge(kind)
                    while not stop.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            if notice.payload in JOB_IDS:
                                nudges.nudge(notice.payload)
            except Exception:
                log.exception("engine: listening for work failed; the poll carries on, retrying in %d s",
                              LISTEN_RECONNECT_SECONDS)
                stop.wait(LISTEN_RECONNECT_SECONDS)

    thread = threading.Thread(target=listen, name="listen-for-work", daemon=True)
    thread.start()
    return thread
