"""A property over every configuration a council could be in: whoever texts or calls the line
without a usable card, at least one person (a duty officer, a coordinator, the fallback number)
is contacted by some channel; and where no person could be, the failure is counted as critical
and /health says so. Each example is a fresh database, app, rota and set of coordinators."""
import tempfile
from datetime import date, time
from pathlib import Path
from xml.etree import ElementTree

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.monitoring import metrics
from emergency.outbox import opt_outs, sender
from emergency.outbox.models import OutboxMessage
from emergency.rota import service as rota
from emergency.users import service as users
from tests.conftest import NOW, fresh_database, make_app
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import Phone, query, twilio_account
from tests.telephony.test_provider_outage import TwilioThatCanGoDown

OFFICER, FALLBACK, CALLER = "+447700900101", "+441134960000", "+447911123459"
AT_NIGHT, AT_NOON = THURSDAY_NIGHT, THURSDAY_NIGHT.replace(hour=12)  # the rota covers nights only

coordinators = st.lists(st.fixed_dictionaries({
    "role": st.sampled_from(["coordinator", "admin", "duty_officer"]),
    "active": st.booleans(),
    "mobile": st.booleans(),
    "email": st.booleans(),
    "opted_out": st.booleans(),  # their mobile texted STOP
}), max_size=3)
# No card, a card nobody has (1234567894: a right check digit), a mistyped card; keyed or silence.
contacts = st.sampled_from([("text", "hello? is anyone there"), ("text", "card 1234567894"), ("text", "1234567890"),
                            ("call", "1234567894"), ("call", "1234567890"), ("call", "")])


def set_up(people, officer_opted_out):
    """Coordinators as drawn, and one officer on first call every night."""
    for number, person in enumerate(people):
        user = users.create_user(f"user{number}", f"User {number}", person["role"], NOW)
        user.active = person["active"]
        user.mobile = f"+44113496099{number}" if person["mobile"] else None
        users.set_email(user, f"user{number}@council.example.org" if person["email"] else None)
        if person["mobile"] and person["opted_out"]:
            opt_outs.opt_out(user.mobile, NOW)
    officer = rota.save_officer(None, {"name": "Priya Shah", "mobile": OFFICER, "role": "social worker",
                                       "active": True, "contact_preference": "both"})
    if officer_opted_out:
        opt_outs.opt_out(OFFICER, NOW)
    rota.save_pattern(None, {"name": "nights", "tier": 1, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                             "starts": time(17), "ends": time(9), "officer_ids": [officer.id],
                             "starts_on": date(2026, 11, 30), "ends_on": None, "rotate_every_weeks": 1})
    db.session.commit()


def who_can_be_reached(people, staffed, fallback, provider_up, contact_kind) -> bool:
    """Worked out from the configuration alone: can any person be told?"""
    alerted = [p for p in people if p["active"] and p["role"] != "duty_officer"]
    by_email = any(p["email"] for p in alerted)
    by_phone = any(p["mobile"] for p in alerted)
    if contact_kind == "call" and (staffed or fallback):
        return True  # the caller is put through (Twilio dials from our answer; its REST API is not needed)
    return by_email or (provider_up and (staffed or by_phone or fallback))


def contacted(twilio, dialled) -> bool:
    """Observed: a text or call Twilio took for a person other than the caller, an email
    handed to the mail transport, or a person the caller was put through to."""
    helpers = {r["data"].get("To") for r in twilio.requests if not twilio.down} - {CALLER}
    emailed = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.channel == "email",
                                                               OutboxMessage.status == "sent").limit(1))
    return bool(helpers or emailed is not None or dialled)


def critical_count() -> float:
    return sum(metrics.PROCESS_REGISTRY.get_sample_value("cel_nobody_reached_total", {"what": what}) or 0
               for what in ("hand_over", "call", "text"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=coordinators, staffed=st.booleans(), officer_opted_out=st.booleans(), fallback=st.booleans(),
       provider_up=st.booleans(), contact=contacts)
def test_every_text_or_call_reaches_a_person_or_is_reported_as_critical(
        migrated_database_url, people, staffed, officer_opted_out, fallback, provider_up, contact):
    with tempfile.TemporaryDirectory() as folder, fresh_database(migrated_database_url, Path(folder)) as url:
        app = make_app(url)
        app.config.update(FALLBACK_PHONE_NUMBER=FALLBACK if fallback else None,
                          INBOUND_SPOOL_DIR=str(Path(folder) / "spool"))
        twilio = twilio_account(app, TwilioThatCanGoDown())
        with app.app_context():
            try:
                set_up(people, officer_opted_out)
                twilio.down = not provider_up
                before = critical_count()
                moment = AT_NIGHT if staffed else AT_NOON
                kind, words = contact
                phone = Phone(app.test_client())
                with freeze_time(moment):
                    if kind == "text":
                        answer = phone.text(CALLER, words)
                        dialled = []
                    else:
                        phone.call_step(query("/twilio/voice/card", attempt=1), CALLER, digits=words)
                        answer = phone.call_step(query("/twilio/voice/card", attempt=2), CALLER, digits=words)
                        dialled = [n.text for n in ElementTree.fromstring(answer.data).iter("Number")]
                    assert answer.status_code == 200 and ElementTree.fromstring(answer.data).tag == "Response"
                    for _ in range(2):  # the second run sends what the first queued instead (by email)
                        sender.send_due(moment)
                    health = app.test_client().get("/health")
                assert not list((Path(folder) / "spool").glob("*.jsonl"))  # the database was up: nothing kept

                reached = contacted(twilio, dialled)
                assert reached == who_can_be_reached(people, staffed, fallback, provider_up, kind)
                incident = db.session.scalar(select(Incident))
                if not reached:
                    assert critical_count() > before
                    assert incident.nobody_reached_at is not None
                    assert health.status_code == 503 and "reached nobody" in health.json["status"]
                else:
                    assert incident.nobody_reached_at is None and critical_count() == before
            finally:
                app.extensions["outbox"].close()
                db.session.remove()
                db.engine.dispose()
