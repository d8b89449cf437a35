"""A plan, a rota and a coordinator, as a council would have them, for scenario tests."""
from datetime import date, datetime, time, timezone

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import engine
from emergency.outbox.models import OutboxMessage
from emergency.plans import service as plans
from emergency.rota import service as rota
from emergency.users import service as users
from tests.conftest import NOW, plan_payload

THURSDAY_NIGHT = datetime(2026, 12, 3, 22, 0, tzinfo=timezone.utc)
CALLER = "+441134960321"
FALLBACK = "+441134960000"
COORDINATOR_MOBILE = "+447700900900"


class World:
    def __init__(self, app):
        self.app = app
        self.coordinator = users.create_user("cora", "Cora Jones", "coordinator", NOW)
        self.coordinator.mobile = COORDINATOR_MOBILE
        self.plan = plans.create_plan(PlanSchema().load(plan_payload()), by=self.coordinator, now=NOW)
        plans.set_key_safe_code(self.plan, "8642", by=self.coordinator, now=NOW)
        self.officers = {}
        for name, mobile, pref in [("Priya Shah", "+447700900101", "both"), ("Joe Bloggs", "+447700900102", "sms"),
                                   ("Sam Patel", "+447700900104", "both"), ("Mo Khan", "+447700900105", "call")]:
            self.officers[name.split()[0].lower()] = rota.save_officer(
                None, {"name": name, "mobile": mobile, "role": "social worker", "active": True,
                       "contact_preference": pref})
        every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        for tier, who in ((1, "priya"), (2, "sam")):
            rota.save_pattern(None, {"name": f"nights tier {tier}", "tier": tier, "days": every_day,
                                     "starts": time(17), "ends": time(9), "officer_ids": [self.officers[who].id],
                                     "starts_on": date(2026, 11, 30), "ends_on": None, "rotate_every_weeks": 1})
        db.session.commit()
        self.seen = 0

    def new_messages(self):
        """Outbox messages queued since the last look, as (channel, to, purpose, body)."""
        rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > self.seen).order_by(OutboxMessage.id)).all()
        if rows:
            self.seen = rows[-1].id
        return [(m.channel, m.to_number, m.purpose, m.body) for m in rows]

    def tick_at(self, moment):
        with freeze_time(moment):
            handled = engine.tick(utc_now())
        return handled

    def all_messages(self):
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.fixture
def world(app):
    app.config["FALLBACK_PHONE_NUMBER"] = FALLBACK
    return World(app)
