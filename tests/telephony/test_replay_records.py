"""One effect per Twilio request, kept without a lookup before every request: a repeat is found
when its record clashes with the first delivery's, and its own effect is rolled back."""
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select, text

from emergency.extensions import db
from emergency.incidents.models import Incident, Page
from emergency.telephony.models import InboundRequest
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.test_texts import CALLER, queued, reply_text

SUE_TYPED = "07700 900456"


def records():
    return db.session.scalars(select(InboundRequest.key).order_by(InboundRequest.key)).all()


def test_help_delivered_twice_gets_the_same_answer_and_one_record(world, phone):
    first = phone.text(CALLER, "HELP", sid="SM" + "1" * 32)
    second = phone.text(CALLER, "HELP", sid="SM" + "1" * 32)
    assert "text the number on the carer's emergency card" in reply_text(first)
    assert second.data == first.data
    assert records() == ["sms:SM" + "1" * 32]


def test_a_done_delivered_again_later_gets_the_first_answer_not_already_closed(world, phone):
    with freeze_time(THURSDAY_NIGHT):
        phone.text(CALLER, world.plan.card_number)
        code = db.session.scalar(select(Page.code))
        phone.text(SUE_TYPED, f"ACCEPT {code}")
        first = phone.text(SUE_TYPED, f"DONE {code}", sid="SM" + "2" * 32)
    with freeze_time(THURSDAY_NIGHT + timedelta(minutes=3)):
        again = phone.text(SUE_TYPED, f"DONE {code}", sid="SM" + "2" * 32)
    assert "The emergency is closed" in reply_text(first)
    assert again.data == first.data
    assert db.session.scalar(select(Incident.status)) == "resolved"
    assert len(queued("details")) == 1


def test_a_pooled_connection_cut_by_a_database_restart_is_replaced_before_a_webhook_uses_it(world, phone):
    card = world.plan.card_number
    with freeze_time(THURSDAY_NIGHT):
        db.session.remove()
        db.engine.dispose()  # so that the pool holds just the connection made next
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            cut = connection.connection.dbapi_connection
        cut.close()  # as a database restart or a firewall's idle timeout would
        response = phone.text(CALLER, card, sid="SM" + "3" * 32)
    assert "We are contacting Margaret's emergency contacts now" in reply_text(response)
    assert db.session.scalar(select(func.count(Incident.id))) == 1
