"""Providers accepting at the same moment, on PostgreSQL with concurrent writers: exactly one is
booked (the incident's row lock, and a unique index on live cover behind it)."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from emergency.cover import service as cover
from emergency.cover.models import Cover, CoverAsk
from emergency.extensions import db
from emergency.incidents import answers, opening
from emergency.outbox.models import OutboxMessage
from emergency.providers import service as providers
from tests.conftest import NOW, on_postgres
from tests.cover.conftest import provider_data
from tests.scenarios.conftest import CALLER

postgres_only = pytest.mark.skipif(not on_postgres(), reason="concurrent writers need PostgreSQL")


@postgres_only
def test_eight_providers_accepting_at_once_leave_exactly_one_booked(app, cover_world):
    many = [providers.save_provider(None, provider_data(f"Agency {i}", f"+4477009007{40 + i}"), by=None, now=NOW)
            for i in range(8)]
    incident, _ = opening.open_incident(cover_world.plan, caller_number=CALLER, channel="sms", now=NOW)
    answers.accept(answers.open_pages_for("+447700900456")[0], NOW)
    cover.ask_providers(incident, {"provider_ids": [p.id for p in many], "mode": "all_at_once",
                                   "starts_at": NOW, "ends_at": NOW + timedelta(hours=24)},
                        user=cover_world.coordinator, now=NOW)
    db.session.commit()
    ask_ids = db.session.scalars(select(CoverAsk.id).order_by(CoverAsk.id)).all()
    barrier, won, errors = threading.Barrier(len(ask_ids)), [], []

    def accept(ask_id):
        with app.app_context():
            try:
                barrier.wait()
                won.append(cover.accept_ask(db.session.get(CoverAsk, ask_id), NOW + timedelta(minutes=1)))
                db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(ask_id,)) for ask_id in ask_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and won.count(True) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Cover.id))) == 1
    booked = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.body.contains("you are booked"))).all()
    assert len(booked) == 1
