"""Coordinators' alerts go by email as well as by text: an address per user, and every alert
path (rota gaps, an exhausted incident) through the one function that alerts coordinators."""
from datetime import timedelta

from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents import engine, opening
from emergency.outbox.models import OutboxMessage
from emergency.rota import service as rota
from emergency.users.models import User
from tests.scenarios.conftest import COORDINATOR_MOBILE, THURSDAY_NIGHT


def test_set_email_takes_an_address_refuses_a_typo_and_none_removes_it(app, coordinator):
    cli = app.test_cli_runner()
    done = cli.invoke(args=["users", "set-email", "cora", "cora.jones@council.example"])
    assert done.exit_code == 0 and "cora.jones@council.example" in done.output
    refused = cli.invoke(args=["users", "set-email", "cora", "cora.jones@council"])
    assert refused.exit_code != 0 and "is not an email address" in refused.output
    assert db.session.scalar(select(User.email)) == "cora.jones@council.example"
    assert cli.invoke(args=["users", "set-email", "cora", "none"]).exit_code == 0
    assert db.session.scalar(select(User.email)) is None


def alerts(purpose):
    return [(m.channel, m.to_number or m.to_email, m.subject) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == purpose).order_by(OutboxMessage.id))]


def test_rota_gaps_are_texted_and_emailed_and_an_email_only_coordinator_is_told_too(app, world):
    world.coordinator.email = "cora.jones@council.example"
    db.session.add(User(username="eve", full_name="Eve", role="coordinator", active=True, created_at=THURSDAY_NIGHT,
                        email="eve@council.example"))
    db.session.commit()
    rota.alert_coordinators_of_gaps(THURSDAY_NIGHT)
    rota.alert_coordinators_of_gaps(THURSDAY_NIGHT + timedelta(hours=1))  # once a day, however often it runs
    db.session.commit()
    sent = alerts("rota_gap_alert")
    assert [(channel, to) for channel, to, _ in sent] == [
        ("sms", COORDINATOR_MOBILE), ("email", "cora.jones@council.example"), ("email", "eve@council.example")]
    assert sent[1][2].startswith("Carers Emergency Line:") and "gap" in sent[1][2]


def test_an_exhausted_incident_is_emailed_to_coordinators(app, world):
    world.coordinator.email = "cora.jones@council.example"
    incident, _ = opening.open_incident(world.plan, caller_number=None, channel="sms", now=THURSDAY_NIGHT)
    incident.rounds = 1
    db.session.commit()
    moment = THURSDAY_NIGHT
    while incident.status == "open":
        moment += timedelta(minutes=10)
        world.tick_at(moment)
        db.session.refresh(incident)
    assert incident.status == "exhausted"
    assert ("email", "cora.jones@council.example", f"Carers Emergency Line: incident {incident.id} exhausted") in \
        alerts("coordinator_alert")
    assert engine.tick(moment) == 0
