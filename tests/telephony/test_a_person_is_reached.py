"""Every text or call reaches a person, by whatever address that person actually has: a
coordinator with only an email gets an email, a person with no address is skipped, and a
text is kept on disk only when the database cannot be reached at all."""
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.jobs import run_job
from emergency.outbox.models import OutboxMessage
from emergency.scheduling import KEPT_TEXTS_REPLAY
from emergency.users import service as users
from tests.conftest import NOW
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.test_texts import reply_text

AT_NOON = THURSDAY_NIGHT.replace(hour=12)  # office hours: nobody is on the rota
STRANGER = "07911 123459"


def hand_overs():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "hand_over")
                              .order_by(OutboxMessage.id)).all()


def kept_files(app):
    return sorted(Path(app.config["INBOUND_SPOOL_DIR"]).glob("*.jsonl"))


def email_only_coordinators(world):
    """The repro: the coordinator has no mobile; an admin has an email address and no mobile."""
    world.coordinator.mobile = None
    ada = users.create_user("ada", "Ada Lovelace", "admin", NOW)
    users.set_email(ada, "ada@council.example.org")
    db.session.commit()
    return ada


def test_with_nobody_on_the_rota_a_coordinator_with_only_an_email_is_emailed_and_nothing_is_kept(app, world, phone):
    email_only_coordinators(world)
    app.config["FALLBACK_PHONE_NUMBER"] = None
    with freeze_time(AT_NOON):
        answer = reply_text(phone.text(STRANGER, "hello? is anyone there"))
    assert "has been told and will call you back" in answer and "It is kept" not in answer
    [told] = hand_overs()
    assert (told.channel, told.to_email, told.to_number) == ("email", "ada@council.example.org", None)
    assert "+447911123459" in told.body and "is anyone there" not in told.body
    assert kept_files(app) == []
    [incident] = db.session.scalars(select(Incident)).all()
    assert incident.caller_number == "+447911123459"
    with freeze_time(AT_NOON.replace(minute=1)):
        assert run_job(app, KEPT_TEXTS_REPLAY)  # nothing kept, nothing to fail on
