"""The in-process clock: APScheduler with its in-memory job store calls jobs that read and
write the database. The database holds all state, so a lost process loses nothing."""
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


def start_scheduler(app):
    """Start the in-process scheduler, unless RUN_SCHEDULER is off. Jobs due while the
    process was down run at once: their state is in the database, not in the scheduler."""
    if not app.config["RUN_SCHEDULER"] or "scheduler" in app.extensions:
        return None
    scheduler = build_scheduler(app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    return scheduler
