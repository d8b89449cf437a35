"""A council's world with two care providers, a signed phone and Twilio's stand-in, for cover."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from emergency.extensions import db
from emergency.incidents.models import Page
from emergency.providers import service as providers
from tests.conftest import NOW
from tests.scenarios.conftest import World
from tests.telephony.conftest import Phone, TwilioStandIn, twilio_account

ACME_MOBILE, BRIGHT_MOBILE, FAR_MOBILE = "+447700900701", "+447700900702", "+447700900703"
CARER_MOBILE = "+447700900100"  # the plan's carer (tests.conftest.plan_payload)
STRANGER = "+447700900799"


def provider_data(name, mobile, districts=("LS6",), capabilities=("personal_care", "overnight", "dementia"),
                  rate="24.50", **more):
    return {"name": name, "bookings_phone": "+441134960701", "mobile": mobile, "email": "bookings@example.org",
            "districts": list(districts), "capabilities": list(capabilities), "hourly_rate": Decimal(rate),
            "active": True, "contract_ends_on": None, **more}


class CoverWorld(World):
    def __init__(self, app):
        super().__init__(app)
        self.acme = providers.save_provider(None, provider_data("Acme Care", ACME_MOBILE), by=self.coordinator, now=NOW)
        self.bright = providers.save_provider(None, provider_data("Bright Homecare", BRIGHT_MOBILE, rate="30.00"),
                                              by=self.coordinator, now=NOW)
        self.far = providers.save_provider(None, provider_data("Far Away Care", FAR_MOBILE, districts=("EN5",)),
                                           by=self.coordinator, now=NOW)
        db.session.commit()

    def texts_to(self, number, purpose=None):
        return [body for channel, to, why, body in self.new_messages()
                if to == number and channel == "sms" and (purpose is None or why == purpose)]

    def code_for(self, incident, phone):
        return db.session.scalar(select(Page.code).where(Page.incident_id == incident.id, Page.phone == phone)
                                 .order_by(Page.id.desc()))


@pytest.fixture
def cover_world(app):
    twilio = twilio_account(app, TwilioStandIn())
    app.config.update(FALLBACK_PHONE_NUMBER="+441134960000", SOCIAL_CARE_EMAIL="front.door@example.org")
    world = CoverWorld(app)
    world.twilio = twilio
    return world


@pytest.fixture
def phone(client):
    return Phone(client)


