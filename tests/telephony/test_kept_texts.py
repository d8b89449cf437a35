"""A text that arrives while the database cannot take it is kept on disk, the texter is told
so, and it is handled (and the texter answered) once the database is back: never lost."""
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from emergency.audit.models import AuditEvent
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.jobs import run_job
from emergency.monitoring import metrics
from emergency.outbox.models import OutboxMessage
from emergency.scheduling import KEPT_TEXTS_REPLAY
from emergency.telephony import spool
from emergency.users import service as users
from tests.conftest import NOW
from tests.console.client import PASSWORD, Browser
from tests.scenarios.conftest import COORDINATOR_MOBILE, THURSDAY_NIGHT
from tests.telephony.test_texts import CALLER, reply_text

CALLER_E164 = "+447911123456"


def database_gone(_session):
    raise OperationalError("COMMIT", {}, Exception("the database system is shutting down"))


def texted_while_the_database_is_down(phone, body, sid):
    event.listen(db.session, "before_commit", database_gone)
    try:
        with freeze_time(THURSDAY_NIGHT):
            return reply_text(phone.text(CALLER, body, sid=sid))
    finally:
        event.remove(db.session, "before_commit", database_gone)


def incidents():
    return db.session.scalar(select(func.count(Incident.id)))


def kept_files(app):
    return sorted(Path(app.config["INBOUND_SPOOL_DIR"]).glob("*.jsonl"))


def spool_texts(path):
    return spool.texts_in(path)


def critical_count(what):
    return metrics.PROCESS_REGISTRY.get_sample_value("cel_nobody_reached_total", {"what": what}) or 0


def test_a_text_the_database_cannot_take_is_kept_and_handled_when_it_is_back(app, world, phone):
    card = world.plan.card_number
    reply = texted_while_the_database_is_down(phone, f"Margaret has fallen, card {card}", sid="SM" + "7" * 32)
    assert "It is kept and will be dealt with as soon as we can" in reply and "call 999" in reply
    assert incidents() == 0 and len(kept_files(app)) == 1

    later = THURSDAY_NIGHT.replace(minute=2)
    with freeze_time(later):
        assert run_job(app, KEPT_TEXTS_REPLAY)
    db.session.expire_all()
    incident = db.session.scalar(select(Incident))
    assert incident.plan_id == world.plan.id and incident.caller_number == CALLER_E164
    asked = db.session.scalars(select(OutboxMessage.to_number).where(OutboxMessage.purpose == "ask")).all()
    assert "+447700900456" in asked  # Susan, the first contact
    told = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "kept_text_reply"))
    assert "We are contacting Margaret's emergency contacts now" in told
    assert kept_files(app) == []


def test_a_kept_text_is_handled_once_however_often_it_is_replayed_or_redelivered(app, world, phone):
    card = world.plan.card_number
    sid = "SM" + "8" * 32
    texted_while_the_database_is_down(phone, f"card {card}", sid=sid)
    spool_file = kept_files(app)[0]
    copy = spool_file.read_text()
    with freeze_time(THURSDAY_NIGHT):
        run_job(app, KEPT_TEXTS_REPLAY)
        spool_file.write_text(copy)  # as if a replay had stopped before removing its file
        run_job(app, KEPT_TEXTS_REPLAY)
        phone.text(CALLER, f"card {card}", sid=sid)  # Twilio delivering the same text again
    db.session.expire_all()
    assert incidents() == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.purpose == "kept_text_reply")) == 1


def test_a_text_without_a_card_kept_while_the_database_was_down_still_reaches_a_person(app, world, phone):
    texted_while_the_database_is_down(phone, "Help, my neighbour has collapsed", sid="SM" + "9" * 32)
    with freeze_time(THURSDAY_NIGHT):
        run_job(app, KEPT_TEXTS_REPLAY)
    db.session.expire_all()
    incident = db.session.scalar(select(Incident))
    assert incident is not None and incident.caller_number == CALLER_E164 and incident.plan_id is None


# A kept text the line cannot handle never holds up the others

POISON = "+447911123999"  # a texter whose every record the database refuses


@contextmanager
def database_refuses_incidents(which):
    """The database refuses to record some incidents (as a check constraint or a bug would):
    a refused statement, not a database that cannot be reached."""

    def refuse(session, _context, _instances):
        if any(isinstance(row, Incident) and which(row) for row in session.new):
            raise IntegrityError("INSERT INTO incident", {}, Exception("stand-in: a check constraint failed"))

    event.listen(db.session, "before_flush", refuse)
    try:
        yield
    finally:
        event.remove(db.session, "before_flush", refuse)


def keep_while_down(phone, sender, body, sid):
    event.listen(db.session, "before_commit", database_gone)
    try:
        with freeze_time(THURSDAY_NIGHT):
            return reply_text(phone.text(sender, body, sid=sid))
    finally:
        event.remove(db.session, "before_commit", database_gone)


REPLAYED_AT = THURSDAY_NIGHT.replace(minute=5)


def replay(app, moment=REPLAYED_AT):
    with freeze_time(moment):
        assert run_job(app, KEPT_TEXTS_REPLAY)  # never fails the job: one text holds up nothing
    db.session.expire_all()


def queued_to(purpose):
    return sorted((m.channel, m.to_number or m.to_email) for m in
                  db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == purpose)))


def spooled(app):
    return [text for path in kept_files(app) for text in spool_texts(path)]


def test_a_kept_text_that_cannot_be_handled_does_not_hold_up_the_kept_texts_behind_it(app, world, phone):
    keep_while_down(phone, POISON, "hello? is anyone there", sid="SM" + "1" * 32)
    keep_while_down(phone, CALLER, f"Margaret has fallen, card {world.plan.card_number}", sid="SM" + "2" * 32)
    with database_refuses_incidents(lambda incident: incident.caller_number == POISON):
        replay(app)
    incident = db.session.scalar(select(Incident))
    assert incident.plan_id == world.plan.id and incident.caller_number == CALLER_E164
    assert queued_to("kept_text_reply") == [("sms", CALLER_E164)]
    [left] = spooled(app)
    assert (left["sender"], left["attempts"]) == (POISON, 1)


def test_after_the_set_number_of_tries_a_kept_text_is_a_dead_letter_until_a_coordinator_deals_with_it(
        app, world, phone):
    app.config["KEPT_TEXT_ATTEMPTS"] = 3
    users.set_email(world.coordinator, "cora.jones@council.example.org")
    users.set_password(world.coordinator, PASSWORD)
    db.session.commit()
    keep_while_down(phone, POISON, "my dad has fallen and can't get up", sid="SM" + "3" * 32)
    critical_before = critical_count("kept_text")
    with database_refuses_incidents(lambda incident: incident.caller_number == POISON):
        for minute in (5, 6, 7):
            replay(app, THURSDAY_NIGHT.replace(minute=minute))
            assert run_job(app, KEPT_TEXTS_REPLAY)  # once a dead letter, nothing is left to fail

    assert spooled(app) == [] and [letter["sender"] for letter in spool.dead_letters()] == [POISON]
    # Every coordinator by every channel they have; the text's words stay off their phones.
    assert queued_to("dead_letter_alert") == [("email", "cora.jones@council.example.org"), ("sms", COORDINATOR_MOBILE)]
    alert = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.purpose == "dead_letter_alert"))
    assert "07911 123999" in alert and "fallen" not in alert
    assert critical_count("kept_text") == critical_before + 1
    health = app.test_client().get("/health")
    assert health.status_code == 503 and "1 kept text could not be handled" in health.json["status"]

    cora = Browser(app)
    cora.log_in("cora")
    board = cora.page("/console/")
    assert "Texts the line could not handle (1)" in board and "my dad has fallen" in board
    assert cora.submit(f"/console/kept-texts/{'SM' + '3' * 32}/dealt-with").status_code == 302
    assert "Texts the line could not handle" not in cora.page("/console/")
    dealt = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kept_text.dealt_with"))
    assert dealt.actor == "cora" and dealt.detail == f"text {'SM' + '3' * 32}"
    assert app.test_client().get("/health").status_code == 200
    assert cora.submit(f"/console/kept-texts/{'SM' + '3' * 32}/dealt-with").status_code == 404  # dealt with once


def test_a_duty_officer_neither_sees_nor_clears_a_dead_letter(app, world, phone):
    app.config["KEPT_TEXT_ATTEMPTS"] = 1
    keep_while_down(phone, POISON, "hello?", sid="SM" + "4" * 32)
    with database_refuses_incidents(lambda incident: incident.caller_number == POISON):
        replay(app)
    officer = users.create_user("priya", "Priya Shah", "duty_officer", NOW)
    users.set_password(officer, PASSWORD)
    db.session.commit()
    priya = Browser(app)
    priya.log_in("priya")
    assert "Texts the line could not handle" not in priya.page("/console/")
    assert priya.submit(f"/console/kept-texts/{'SM' + '4' * 32}/dealt-with").status_code == 403
    assert len(spool.dead_letters()) == 1


def test_a_database_that_goes_away_during_a_replay_counts_no_tries(app, world, phone):
    app.config["KEPT_TEXT_ATTEMPTS"] = 2
    keep_while_down(phone, CALLER, f"card {world.plan.card_number}", sid="SM" + "5" * 32)
    event.listen(db.session, "before_commit", database_gone)
    try:
        for minute in (1, 2, 3):
            replay(app, THURSDAY_NIGHT.replace(minute=minute))
    finally:
        event.remove(db.session, "before_commit", database_gone)
    [waiting] = spooled(app)
    assert "attempts" not in waiting and spool.dead_letters() == []
    replay(app)
    assert incidents() == 1 and spooled(app) == []


def test_a_statement_the_database_refuses_goes_to_a_person_not_to_the_disk(app, world, phone):
    world.coordinator.mobile = None
    users.set_email(world.coordinator, "cora.jones@council.example.org")
    db.session.commit()
    with database_refuses_incidents(lambda incident: incident.plan_id is not None), \
            freeze_time(THURSDAY_NIGHT.replace(hour=12)):  # nobody on the rota
        answer = reply_text(phone.text(CALLER, f"card {world.plan.card_number}"))
    assert "is being told and will call you back" in answer and "It is kept" not in answer
    assert kept_files(app) == []
    incident = db.session.scalar(select(Incident))
    assert (incident.status, incident.needs_person_reason) == ("needs_person", "fault")
    assert queued_to("hand_over") == [("call", "+441134960000"), ("email", "cora.jones@council.example.org")]


def test_a_kept_text_another_worker_is_replaying_is_left_to_it(app, world, phone):
    keep_while_down(phone, CALLER, f"card {world.plan.card_number}", sid="SM" + "6" * 32)
    [claimed] = spool.claim()
    other_worker = os.open(claimed, os.O_RDONLY)
    fcntl.flock(other_worker, fcntl.LOCK_EX)
    try:
        replay(app)
        assert incidents() == 0 and spool_texts(claimed)[0]["sid"] == "SM" + "6" * 32
    finally:
        os.close(other_worker)  # that worker ends (or is killed): the lock goes with it
    replay(app)
    assert incidents() == 1 and kept_files(app) == []
