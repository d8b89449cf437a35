"""Plan reviews: coordinators told once what falls due, carers texted once two weeks before,
overdue plans flagged until a review is recorded."""
import re
import threading
from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.jobs import run_job
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.reviews import service as reviews
from emergency.scheduling import REVIEW_LIST, REVIEW_TEXTS, build_scheduler
from emergency.users import service as users
from tests.conftest import NOW, on_postgres, plan_payload
from tests.reports.seed import plan, utc
from tests.reports.test_report_pages import logged_in

postgres_only = pytest.mark.skipif(not on_postgres(), reason="concurrent workers need PostgreSQL")
CARER = "+447700900100"


def texts(purpose):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == purpose)
                              .order_by(OutboxMessage.id)).all()


@pytest.fixture
def review_plans(app):
    app.config["PLAN_REVIEW_PHONE"] = "0113 496 0000"
    coordinator = users.create_user("cora", "Cora", "coordinator", NOW)
    coordinator.mobile = "+447700900500"
    created = utc(2025, 5, 1)
    found = {
        "due": plan(1, created=created, status="active", postcode="LS6 1HR", language="English",
                    due=date(2026, 5, 10), mobile=CARER),
        "opted_out": plan(2, created=created, status="active", postcode="LS6 1HR", language="English",
                          due=date(2026, 5, 10), mobile="+447700900201", opt_out=True),
        "no_mobile": plan(3, created=created, status="active", postcode="LS6 1HR", language="English",
                          due=date(2026, 5, 12)),
        "draft": plan(4, created=created, status="draft", postcode="LS6 1HR", language="English",
                      due=date(2026, 5, 11), mobile="+447700900202"),
        "later": plan(5, created=created, status="active", postcode="LS6 1HR", language="English",
                      due=date(2026, 6, 30), mobile="+447700900203"),
        "overdue": plan(6, created=created, status="active", postcode="LS6 1HR", language="English",
                        due=date(2026, 3, 1), mobile="+447700900204"),
    }
    db.session.commit()
    return found


def tick_days(days, job):
    for day in days:
        with freeze_time(datetime(2026, 4, day, 9, tzinfo=timezone.utc)):
            job(utc_now())
            db.session.commit()


def test_the_carer_is_texted_once_two_weeks_before_unless_the_plan_opts_out(app, review_plans):
    tick_days([20, 25], reviews.text_carers_before_review)
    assert texts("review_reminder") == []  # 20 and 15 days before
    tick_days([26, 26, 27, 28, 30], reviews.text_carers_before_review)
    sent = texts("review_reminder")
    assert [m.to_number for m in sent] == [CARER]
    assert re.fullmatch(
        r"Carers Emergency Line: your emergency plan is due for review on 10 May 2026\. Check it online at "
        r"https://line\.example\.org/review/[A-Za-z0-9_-]{32} \(the link works once\), or call 0113 496 0000 to go "
        r"through it with us\.", sent[0].body)  # the link: emergency.reviews.carer_links, tests/front_door
    # Not the opted-out plan, the one with no mobile, the draft, the one due in June, the overdue one.


def test_a_new_review_date_gets_its_own_reminder(app, review_plans):
    tick_days([26], reviews.text_carers_before_review)
    plan_row = review_plans["due"]
    plan_row.review_due_on = date(2026, 5, 14)  # moved by a coordinator
    db.session.commit()
    tick_days([30, 30], reviews.text_carers_before_review)
    assert [m.body.split(" on ")[1][:11] for m in texts("review_reminder")] == ["10 May 2026", "14 May 2026"]


def test_coordinators_get_the_weekly_list_once_per_plan_per_due_date(app, review_plans):
    tick_days([13, 13], reviews.list_due_reviews_to_coordinators)
    first = texts("review_list")
    # Due by 13 May: plans 1, 2, 3 and 4 (the draft too: it still needs its review); not the overdue one.
    assert len(first) == 1 and first[0].to_number == "+447700900500"
    assert "4 plans due for review in the next 30 days" in first[0].body
    assert [f"card {n:010d}" in first[0].body for n in (1, 2, 3, 4, 5)] == [True, True, True, True, False]
    tick_days([20], reviews.list_due_reviews_to_coordinators)
    assert len(texts("review_list")) == 1  # nothing new came into the window
    review_plans["later"].review_due_on = date(2026, 5, 15)
    db.session.commit()
    tick_days([20, 20], reviews.list_due_reviews_to_coordinators)
    listed = texts("review_list")
    assert len(listed) == 2 and "1 plan due for review" in listed[1].body and "card 0000000005" in listed[1].body


def test_the_jobs_run_as_the_scheduler_calls_them(app, review_plans):
    with freeze_time(datetime(2026, 4, 27, 9, tzinfo=timezone.utc)):
        assert run_job(app, REVIEW_TEXTS) and run_job(app, REVIEW_LIST)
    assert len(texts("review_reminder")) == 1 and len(texts("review_list")) == 1


def test_overdue_plans_stay_flagged_on_the_console_until_a_review_is_recorded(app, review_plans):
    with freeze_time(datetime(2026, 4, 13, 9, tzinfo=timezone.utc)):
        cora = logged_in(app, "carla", "coordinator")
        html = cora.get("/console/reports/reviews").get_data(as_text=True)
        overdue_part, due_part = html.split("Due in the next 30 days")
        assert "Overdue: 1 plan" in overdue_part and "0000000006" in overdue_part
        assert "0000000001" in due_part and "0000000006" not in due_part
        plans.mark_reviewed(review_plans["overdue"], by=users.get_user("carla"), now=utc_now())
        db.session.commit()
        html = cora.get("/console/reports/reviews").get_data(as_text=True)
        assert "No plan is overdue for review." in html and "0000000006" not in html


@postgres_only
def test_two_workers_at_once_send_each_reminder_and_list_once(app, review_plans):
    barrier, errors = threading.Barrier(2), []

    def worker():
        with app.app_context():
            try:
                now = datetime(2026, 4, 27, 9, tzinfo=timezone.utc)
                barrier.wait()
                reviews.text_carers_before_review(now)
                reviews.list_due_reviews_to_coordinators(now)
                db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [m.to_number for m in texts("review_reminder")] == [CARER]
    assert len(texts("review_list")) == 1


def test_the_api_takes_and_shows_the_opt_out(coordinator):
    created = coordinator.post("/api/v1/plans", json=plan_payload())
    assert created.status_code == 201 and created.json["review_texts_opt_out"] is False
    opted = coordinator.post("/api/v1/plans", json=plan_payload(review_texts_opt_out=True))
    assert opted.status_code == 201 and opted.json["review_texts_opt_out"] is True
    refused = coordinator.post("/api/v1/plans", json=plan_payload(review_texts_opt_out="sometimes"))
    assert refused.status_code == 422 and "review_texts_opt_out" in refused.json["errors"]["json"]


def test_the_review_jobs_are_on_the_schedule(app):
    scheduler = build_scheduler(app)
    weekly, daily = scheduler.get_job("plan-review-list"), scheduler.get_job("plan-review-texts")
    assert weekly.args[1] is REVIEW_LIST and daily.args[1] is REVIEW_TEXTS
    assert "day_of_week='mon'" in str(weekly.trigger) and "hour='8'" in str(weekly.trigger)
    assert "hour='10'" in str(daily.trigger) and str(daily.trigger.timezone) == "Europe/London"
