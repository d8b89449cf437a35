"""A text that arrives while the database cannot take it is kept on disk, the texter is told
so, and it is handled (and the texter answered) once the database is back: never lost."""
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.jobs import run_job
from emergency.outbox.models import OutboxMessage
from emergency.scheduling import KEPT_TEXTS_REPLAY
from tests.scenarios.conftest import THURSDAY_NIGHT
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
