"""The engine's promises under concurrency and crashes. Row locks are only real on
PostgreSQL, so the concurrent tests run there (tasks.py test runs the suite on both)."""
import os
import subprocess
import sys
import threading
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from time import monotonic, sleep

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.incidents import answers, engine, opening, steps
from emergency.incidents.models import Incident, Page
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.plans.models import ContingencyPlan
from emergency.rota import service as rota
from emergency.rota.models import RotaOverride
from tests.conftest import NOW, on_postgres, plan_payload

OPENED = datetime(2026, 12, 3, 22, 0, tzinfo=timezone.utc)  # a Thursday night
DUE = OPENED + timedelta(minutes=10)
PRIYA = "+447700900101"
postgres_only = pytest.mark.skipif(not on_postgres(), reason="row locks and concurrent writers need PostgreSQL")


def seed_rota():
    priya = rota.save_officer(None, {"name": "Priya Shah", "mobile": PRIYA, "role": "social worker", "active": True,
                                     "contact_preference": "both"})
    rota.save_pattern(None, {"name": "nights", "tier": 1, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                             "starts": time(17), "ends": time(9), "officer_ids": [priya.id],
                             "starts_on": date(2026, 11, 30), "ends_on": None, "rotate_every_weeks": 1})
    return priya


def seed_incidents(count):
    """`count` incidents whose first ask (to their one contact) went out at OPENED; the
    next step (Priya, tier 1) falls due at DUE."""
    seed_rota()
    payload = PlanSchema().load(plan_payload(contacts=plan_payload()["contacts"][:1]))
    for _ in range(count):
        plan = plans.create_plan(payload, by=None, now=NOW)
        opening.open_incident(plan, caller_number=None, channel="sms", now=OPENED)
    db.session.commit()


def asks_to(phone):
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.to_number == phone, OutboxMessage.purpose == "ask"))


def assert_second_step_taken_exactly_once(count):
    db.session.expire_all()
    assert db.session.scalars(select(Incident.step)).all() == [2] * count
    per_incident = db.session.execute(
        select(Page.incident_id, func.count(Page.id)).where(Page.phone == PRIYA).group_by(Page.incident_id)).all()
    assert len(per_incident) == count and {n for _, n in per_incident} == {1}
    assert asks_to(PRIYA) == 2 * count  # a text and a call each, never twice
    codes = db.session.scalars(select(Page.code).where(Page.phone == PRIYA, Page.status == "open")).all()
    assert len(set(codes)) == len(codes) == count  # each "ACCEPT <code>" from Priya names one incident


def run_in_threads(app, count, work):
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def runner(index):
        with app.app_context():
            try:
                barrier.wait()
                results[index] = work(index)
            except Exception as error:  # reported below, so a failure is not silent
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@postgres_only
def test_two_engines_ticking_together_over_200_due_incidents_take_each_step_once(app):
    seed_incidents(200)
    handled = run_in_threads(app, 2, lambda i: engine.tick(DUE, instance=f"engine-{i}"))
    assert sum(handled) == 200  # between them; how they shared it depends on timing
    assert_second_step_taken_exactly_once(200)


def test_a_step_that_fails_is_retried_in_a_minute_and_the_other_due_steps_are_taken(app):
    # One incident's snapshot has lost its contacts (a fault in the data, not in the rules):
    # its step fails, and the steps due beside it, claimed and written together with it on
    # PostgreSQL, are still taken.
    seed_incidents(3)
    broken_id = db.session.scalars(select(Incident.id).order_by(Incident.id)).all()[1]
    broken = db.session.get(Incident, broken_id)
    broken.plan_snapshot = {key: value for key, value in broken.plan_snapshot.items() if key != "contacts"}
    db.session.commit()

    assert engine.tick(DUE) == 3

    db.session.expire_all()
    assert db.session.scalars(select(Incident.step).order_by(Incident.id)).all() == [2, 1, 2]
    assert asks_to(PRIYA) == 4  # a text and a call for each of the two that stepped
    broken = db.session.get(Incident, broken_id)
    assert broken.next_action_at == DUE + timedelta(minutes=1)
    assert [event.kind for event in broken.events][-1] == "engine error"


@postgres_only
def test_fifty_simultaneous_accepts_leave_exactly_one_winner(app):
    priya = seed_rota()
    others = [rota.save_officer(None, {"name": f"Officer {i}", "mobile": f"+4420794602{i:02d}", "role": "social worker",
                                       "active": True, "contact_preference": "sms"}) for i in range(49)]
    for officer in others:
        db.session.add(RotaOverride(kind="add", tier=1, officer_id=officer.id, starts_at=OPENED - timedelta(hours=1),
                                    ends_at=OPENED + timedelta(hours=1), note="", created_by="t", created_at=NOW))
    plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=[])), by=None, now=NOW)
    incident, _ = opening.open_incident(plan, caller_number="+441134960321", channel="sms", now=OPENED)
    db.session.commit()
    page_ids = [page.id for page in incident.pages]
    assert len(page_ids) == 50 and priya.id in {page.officer_id for page in incident.pages}

    def accept(index):
        won, _ = answers.accept(db.session.get(Page, page_ids[index]), OPENED + timedelta(minutes=1))
        db.session.commit()
        return won

    assert run_in_threads(app, 50, accept).count(True) == 1
    db.session.expire_all()
    incident = db.session.get(Incident, incident.id)
    assert incident.status == "accepted"
    assert [p.status for p in incident.pages].count("accepted") == 1
    confirmations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "caller_confirmation")).all()
    assert len(confirmations) == 1


ENGINE_PROCESS = """
import sys
from datetime import datetime
from config import TestConfig
from emergency import create_app
from emergency.incidents import engine

app = create_app(TestConfig(environ={"DATABASE_URL": sys.argv[1]}))
with app.app_context():
    engine.tick(datetime.fromisoformat(sys.argv[2]), instance="doomed")
"""


def test_an_engine_killed_mid_run_loses_nothing_and_sends_no_step_twice(app, database_url):
    count = 150  # at tens a second, far more than the engine can take between the first commit seen and the kill
    seed_incidents(count)
    root = Path(__file__).resolve().parents[2]
    # The with block closes the engine's stderr pipe once it is dead.
    with subprocess.Popen([sys.executable, "-c", ENGINE_PROCESS, database_url, DUE.isoformat()], cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, stderr=subprocess.PIPE) as doomed:
        # Wait for the engine to be part-way through, then kill it without warning.
        done_before_kill = 0
        while doomed.poll() is None and done_before_kill == 0:
            # Waiting for another process, not for the behaviour under test: without the pause
            # this loop took a core from the engine it waits for.
            sleep(0.01)
            db.session.rollback()
            done_before_kill = db.session.scalar(select(func.count(Incident.id)).where(Incident.step == 2))
        doomed.kill()
        doomed.wait()
    db.session.rollback()
    done_at_kill = db.session.scalar(select(func.count(Incident.id)).where(Incident.step == 2))
    assert 0 < done_at_kill < count, f"the engine was not killed part-way ({done_at_kill} of {count} done)"

    engine.tick(DUE + timedelta(seconds=30), instance="restarted")
    assert_second_step_taken_exactly_once(count)


def officer_page(incident_id, code):
    return Page(incident_id=incident_id, code=code, who="officer", name="Priya Shah", phone=PRIYA, channels="sms",
                step=1, tier=1, rota_round=1, status="open", sent_at=OPENED)


def test_two_open_asks_to_one_number_never_share_a_reply_code(app):
    seed_incidents(2)
    first, second = db.session.scalars(select(Incident.id).order_by(Incident.id)).all()
    db.session.add(officer_page(first, "123"))
    db.session.commit()

    db.session.add(officer_page(second, "123"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    # Once the first ask is answered its code is free again.
    db.session.execute(update(Page).where(Page.code == "123").values(status="declined"))
    db.session.add(officer_page(second, "123"))
    db.session.commit()
    assert answers.page_for_reply(PRIYA, "123").incident_id == second


def test_an_ask_whose_first_code_is_taken_gets_another_and_the_opening_goes_on(app, monkeypatch):
    """Codes are picked without looking first: a pick that Priya's open ask already has is
    refused by the unique index, and the ask is saved with another code in the same
    transaction, with its text and call."""
    seed_incidents(1)
    earlier_incident = db.session.scalar(select(Incident.id))
    db.session.add(officer_page(earlier_incident, "123"))
    db.session.commit()
    plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=[])), by=None, now=NOW)  # asks the rota first
    db.session.commit()
    picks = iter([23, 24])  # randbelow(900) + 100: "123", then "124"
    monkeypatch.setattr(steps.secrets, "randbelow", lambda _below: next(picks))

    incident, _ = opening.open_incident(plan, caller_number=None, channel="sms", now=OPENED)
    db.session.commit()

    db.session.expire_all()
    open_codes = db.session.execute(
        select(Page.incident_id, Page.code).where(Page.phone == PRIYA, Page.status == "open").order_by(Page.id)).all()
    assert open_codes == [(earlier_incident, "123"), (incident.id, "124")]
    assert [page.code for page in incident.pages] == ["124"]
    assert asks_to(PRIYA) == 2  # the new ask's text and call


@postgres_only
def test_an_ask_that_loses_a_race_for_its_code_picks_another(app, monkeypatch):
    """Another process gives Priya code 123 after our look for free codes and before our
    insert: ours is refused by the database and saved with a fresh code instead."""
    seed_incidents(1)
    earlier_incident = db.session.scalar(select(Incident.id))
    db.session.commit()
    plan = plans.create_plan(PlanSchema().load(plan_payload(contacts=[])), by=None, now=NOW)  # asks the rota first
    db.session.commit()
    picks = iter([23, 24])  # randbelow(900) + 100: "123", then "124"
    monkeypatch.setattr(steps.secrets, "randbelow", lambda _below: next(picks))

    holder_ready, holder_errors = threading.Event(), []

    def other_process():
        """Holds an uncommitted ask to Priya with code 123 until our insert waits on it."""
        with app.app_context():
            try:
                db.session.add(officer_page(earlier_incident, "123"))
                db.session.flush()
                holder_ready.set()
                deadline = monotonic() + 30
                while not insert_is_waiting_on_a_lock() and monotonic() < deadline:
                    sleep(0.01)  # polling the server for the insert's lock wait
                db.session.commit()
            except Exception as error:  # reported below
                holder_errors.append(error)
                holder_ready.set()
            finally:
                db.session.remove()

    holder = threading.Thread(target=other_process)
    holder.start()
    holder_ready.wait(30)
    incident, _ = opening.open_incident(plan, caller_number=None, channel="sms", now=OPENED)
    db.session.commit()
    holder.join()

    assert holder_errors == []
    db.session.expire_all()
    open_codes = db.session.execute(
        select(Page.incident_id, Page.code).where(Page.phone == PRIYA, Page.status == "open").order_by(Page.id)).all()
    assert open_codes == [(earlier_incident, "123"), (incident.id, "124")]
    assert answers.page_for_reply(PRIYA, "124").incident_id == incident.id


@postgres_only
def test_two_texts_for_one_plan_at_the_same_moment_open_one_incident_which_the_second_joins(app):
    plan = plans.create_plan(PlanSchema().load(plan_payload()), by=None, now=NOW)
    db.session.commit()
    plan_id, second = plan.id, {}

    def second_text():
        with app.app_context():
            try:
                incident, joined = opening.open_incident(db.session.get(ContingencyPlan, plan_id), caller_number="+447700900222",
                                                         channel="sms", now=OPENED)
                db.session.commit()
                second.update(incident_id=incident.id, joined=joined)
            except Exception as error:  # reported below
                second.update(error=error)
            finally:
                db.session.remove()

    first, joined = opening.open_incident(plan, caller_number="+447700900111", channel="sms", now=OPENED)
    assert not joined
    other = threading.Thread(target=second_text)
    other.start()
    deadline = monotonic() + 30
    while other.is_alive() and not statement_is_waiting_on_a_lock("UPDATE contingency_plan%") and monotonic() < deadline:
        sleep(0.01)  # polling the server until the second opening waits for the first (or, wrongly, does not)
    db.session.commit()
    other.join()

    assert "error" not in second
    assert second == {"incident_id": first.id, "joined": True}
    assert db.session.scalar(select(func.count(Incident.id)).where(Incident.plan_id == plan_id)) == 1
    assert asks_to("+447700900456") == 2  # Susan is asked once: a text and a call


def statement_is_waiting_on_a_lock(pattern: str) -> bool:
    with db.engine.connect() as connection:
        return connection.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE :pattern"), {"pattern": pattern}) > 0


def insert_is_waiting_on_a_lock():
    return statement_is_waiting_on_a_lock("INSERT INTO page%")
