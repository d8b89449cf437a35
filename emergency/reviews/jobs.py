"""The review jobs as the scheduler calls them: an app context, one transaction, a log line."""
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.reviews import service


def weekly_review_list(app):
    _run(app, "weekly review list", lambda now: len(service.list_due_reviews_to_coordinators(now)))


def daily_review_texts(app):
    _run(app, "review reminder texts", lambda now: len(service.text_carers_before_review(now)))


def _run(app, name, job):
    with app.app_context():
        try:
            plans = job(utc_now())
            db.session.commit()
            app.logger.info("%s: %d plan(s)", name, plans)
        except Exception:
            db.session.rollback()
            app.logger.exception("%s failed; the next run catches up (it is idempotent)", name)
