"""The in-process clock: APScheduler with its in-memory job store calls jobs that read and
write the database. The database holds all state, so a lost process loses nothing."""
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.reviews import jobs as reviews


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

    with app.app_context():
        try:
            engine.tick(utc_now())
        except Exception:
            db.session.rollback()
            app.logger.exception("engine tick failed; the next tick retries")


def send_outbox(app):
    from emergency.telephony import sender

    with app.app_context():
        try:
            sender.send_due(utc_now(), app.extensions["gateway"])
        except Exception:
            db.session.rollback()
            app.logger.exception("outbox sending failed; the next run retries")


def add_jobs(scheduler, app):
    zone = app.config["LOCAL_TIMEZONE"]
    hour, minute = (int(part) for part in app.config["ROTA_GAP_CHECK_AT"].split(":"))
    every = max(app.config["ENGINE_TICK_SECONDS"], 1)
    # First run at once: whatever fell due while no engine ran is done straight away.
    scheduler.add_job(
        escalation_tick, IntervalTrigger(seconds=every), args=[app], id="escalation-tick",
        next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every,
    )
    scheduler.add_job(
        send_outbox, IntervalTrigger(seconds=every), args=[app], id="outbox-send",
        next_run_time=utc_now(), coalesce=True, max_instances=1, misfire_grace_time=2 * every,
    )
    scheduler.add_job(
        daily_rota_gap_check, CronTrigger(hour=hour, minute=minute, timezone=zone), args=[app],
        id="rota-gap-check", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
    )
    scheduler.add_job(
        reviews.weekly_review_list, CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=zone),
        args=[app], id="plan-review-list", coalesce=True, max_instances=1, misfire_grace_time=24 * 3600,
    )
    scheduler.add_job(
        reviews.daily_review_texts, CronTrigger(hour=10, minute=0, timezone=zone), args=[app],
        id="plan-review-texts", coalesce=True, max_instances=1, misfire_grace_time=6 * 3600,
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
