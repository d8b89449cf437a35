"""The in-process clock: APScheduler with its in-memory job store calls jobs that read and
write the database. The database holds all state, so a lost process loses nothing."""
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from emergency.clock import utc_now
from emergency.extensions import db


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
            raise


def build_scheduler(app) -> BackgroundScheduler:
    zone = app.config["LOCAL_TIMEZONE"]
    hour, minute = (int(part) for part in app.config["ROTA_GAP_CHECK_AT"].split(":"))
    scheduler = BackgroundScheduler(timezone=zone)
    scheduler.add_job(
        daily_rota_gap_check, CronTrigger(hour=hour, minute=minute, timezone=zone), args=[app],
        id="rota-gap-check", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
    )
    return scheduler


def register_scheduler(app):
    """Start the scheduler with the first request the web process serves, so that CLI
    commands (which build the same app) never start one."""
    if not app.config["RUN_SCHEDULER"]:
        return
    lock = threading.Lock()

    @app.before_request
    def start_scheduler_once():
        if "scheduler" in app.extensions:
            return
        with lock:
            if "scheduler" not in app.extensions:
                scheduler = build_scheduler(app)
                scheduler.start()
                app.extensions["scheduler"] = scheduler
