"""The in-process clock: APScheduler with its in-memory job store calls jobs that read and
write the database. The database holds all state, so a lost process loses nothing. Every job
runs through emergency.jobs.run_job, which logs, counts and rolls back a failed run."""
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.jobs import Job, run_job
from emergency.retention import service as retention
from emergency.retention.schedule import RetentionSchedule
from emergency.rota import service as rota
from emergency.telephony import sender


def _rota_gap_check(now):
    queued = rota.alert_coordinators_of_gaps(now)
    db.session.commit()
    return f"{len(queued)} alert(s) queued"


def _send_outbox(now):
    return sender.send_due(now, current_app.extensions["gateway"])


def _retention_run(now):
    return "; ".join(retention.run(now, RetentionSchedule.from_settings(current_app.config)).lines())


ESCALATION_TICK = Job("escalation tick", engine.tick, on_failure="the next tick retries")
OUTBOX_SEND = Job("outbox send", _send_outbox, on_failure="the next run retries")
ROTA_GAP_CHECK = Job("rota gap check", _rota_gap_check,
                     on_failure="it runs again tomorrow, or run `flask rota check-gaps`")
RETENTION_RUN = Job("retention run", _retention_run,
                    on_failure="it runs again tomorrow, or run `flask retention run`")


def add_jobs(scheduler, app):
    zone = app.config["LOCAL_TIMEZONE"]
    hour, minute = (int(part) for part in app.config["ROTA_GAP_CHECK_AT"].split(":"))
    every = max(app.config["ENGINE_TICK_SECONDS"], 1)
    # First run at once: whatever fell due while no engine ran is done straight away.
    frequent = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 2 * every, "next_run_time": utc_now()}
    scheduler.add_job(run_job, IntervalTrigger(seconds=every), args=[app, ESCALATION_TICK], id="escalation-tick",
                      **frequent)
    scheduler.add_job(run_job, IntervalTrigger(seconds=every), args=[app, OUTBOX_SEND], id="outbox-send", **frequent)
    scheduler.add_job(
        run_job, CronTrigger(hour=hour, minute=minute, timezone=zone), args=[app, ROTA_GAP_CHECK],
        id="rota-gap-check", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
    )
    retention_hour, retention_minute = (int(part) for part in app.config["RETENTION_RUN_AT"].split(":"))
    scheduler.add_job(
        run_job, CronTrigger(hour=retention_hour, minute=retention_minute, timezone=zone), args=[app, RETENTION_RUN],
        id="retention-run", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
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
