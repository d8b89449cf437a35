"""The in-process clock: APScheduler with its in-memory job store calls jobs that read and
write the database. The database holds all state, so a lost process loses nothing.

The engine tick and the outbox sender also run when nudged (see `emergency.wakeup`): a
commit that queues a message or makes a step due now runs them at once; the interval stays
as a safety net.
"""
import logging
import threading
from datetime import datetime, timezone

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from emergency import wakeup
from emergency.clock import utc_now
from emergency.extensions import db

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


def daily_rota_gap_check(app):
    from emergency.rota import service as rota

    with app.app_context():
        try:
            queued = rota.alert_coordinators_of_gaps(utc_now())
            db.session.commit()
            app.logger.info("rota gap check: %d alert(s) queued", len(queued))
        except Exception:
            db.session.rollback()
            app.logger.exception("rota gap check failed; it runs again tomorrow, or run `flask rota check-gaps`")


def escalation_tick(app):
    from emergency.incidents import engine

    def tick():
        with app.app_context():
            try:
                engine.tick(utc_now())
            except Exception:
                db.session.rollback()
                app.logger.exception("engine tick failed; the next tick retries")

    app.extensions["nudges"].run(wakeup.ENGINE, tick)


def send_outbox(app):
    from emergency.telephony import sender

    def send():
        with app.app_context():
            try:
                sender.send_due(utc_now(), app.extensions["gateway"], app.extensions["mailer"])
            except Exception:
                db.session.rollback()
                app.logger.exception("outbox sending failed; the next run retries")

    app.extensions["nudges"].run(wakeup.SENDER, send)


def add_jobs(scheduler, app):
    zone = app.config["LOCAL_TIMEZONE"]
    hour, minute = (int(part) for part in app.config["ROTA_GAP_CHECK_AT"].split(":"))
    every = max(app.config["ENGINE_TICK_SECONDS"], 1)
    nudges = app.extensions.setdefault("nudges", Nudges())
    nudges.scheduler = scheduler
    # First run at once: whatever fell due while no engine ran is done straight away.
    scheduler.add_job(
        escalation_tick, IntervalTrigger(seconds=every), args=[app], id=JOB_IDS[wakeup.ENGINE],
        next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every,
    )
    scheduler.add_job(
        send_outbox, IntervalTrigger(seconds=every), args=[app], id=JOB_IDS[wakeup.SENDER],
        next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every,
    )
    scheduler.add_job(
        daily_rota_gap_check, CronTrigger(hour=hour, minute=minute, timezone=zone), args=[app],
        id="rota-gap-check", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
    )
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
        import psycopg

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
