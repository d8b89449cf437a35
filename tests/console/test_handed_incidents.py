"""A duty officer texted "please call them back (incident 6)" can open incident 6, and no
other incident they were neither asked about nor handed."""
from freezegun import freeze_time
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.users import service as users
from tests.conftest import NOW
from tests.console.client import PASSWORD, Browser
from tests.scenarios.conftest import THURSDAY_NIGHT
from tests.telephony.conftest import AUTH_TOKEN, Phone


def officer_login(app, world, name):
    user = users.create_user(name, name.title(), "duty_officer", NOW)
    users.set_password(user, PASSWORD)
    world.officers[name].user_id = user.id
    db.session.commit()
    browser = Browser(app)
    assert browser.log_in(name).status_code == 302
    return browser


def test_an_officer_handed_an_incident_can_open_it_and_no_other(app, world, client):
    app.config["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN  # the webhooks are signed
    priya, sam = officer_login(app, world, "priya"), officer_login(app, world, "sam")  # tier 1 and tier 2 tonight
    phone = Phone(client)
    with freeze_time(THURSDAY_NIGHT):
        phone.text("07911 123459", "hello? is anyone there")
    handed = db.session.scalar(select(Incident))
    with freeze_time(THURSDAY_NIGHT.replace(hour=12)):  # nobody on the rota: the coordinator is told, not Priya
        phone.text("07911 123458", "hello?")
    not_handed = db.session.scalar(select(Incident).where(Incident.id != handed.id))

    page = priya.page(f"/console/incidents/{handed.id}")
    assert "+447911123459" in page and "Resolved: the person is safe" not in page  # she reads, coordinators close
    assert f"/console/incidents/{handed.id}" in priya.page("/console/")
    assert priya.client.get(f"/console/incidents/{not_handed.id}").status_code == 404
    assert sam.client.get(f"/console/incidents/{handed.id}").status_code == 404  # tier 2 was not told
    assert priya.submit(f"/console/incidents/{handed.id}/resolve").status_code == 403
