"""The scheduler's daily retention job."""
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.retention import service
from emergency.retention.schedule import RetentionSchedule


def daily_retention_run(app):
    with app.app_context():
        try:
            report = service.run(utc_now(), RetentionSchedule.from_settings(app.config))
            app.logger.info("retention: %s", "; ".join(report.lines()))
        except Exception:
            db.session.rollback()
            app.logger.exception("retention run failed; it runs again tomorrow, or run `flask retention run`")
