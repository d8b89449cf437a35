"""A plan with a history: versions, a key-safe code, and incidents that were asked, accepted,
resolved and rated, at moments a test chooses."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.incidents import answers, closing, opening, surveys
from emergency.incidents.models import Incident
from emergency.plans import service as plans
from emergency.plans.snapshot import plan_to_dict
from emergency.users import service as users
from tests.conftest import NOW, plan_payload

CALLER = "+447700900900"
KEY_SAFE_CODE = "QZX719"
# What the seeded plan holds that must not survive its erasure (numbers in E.164, as stored).
PERSONAL = ["Margaret", "Hughes", "Arthur", "Susan", "Tom Baker", "Brudenell", "LS6 1HR", "Donepezil",
            "Alzheimer", "Key safe by the back door", "+447700900100", "+447700900456", "+447700900789",
            CALLER, KEY_SAFE_CODE, "Likes his tea strong"]


@pytest.fixture
def cora(app):
    user = users.create_user("cora", "Cora Jones", "coordinator", NOW)
    db.session.commit()
    return user


def editable(plan):
    data = plan_to_dict(plan)
    for key in ("id", "card_number"):
        data.pop(key)
    data["home_access"].pop("has_key_safe_code")
    return PlanSchema().load({**data, "status": plan.status})


def make_plan(by, now=NOW, key_safe_code=KEY_SAFE_CODE, routines="Likes his tea strong", **overrides):
    """A plan with three versions: created, key-safe code set, routines added."""
    plan = plans.create_plan(PlanSchema().load(plan_payload(**overrides)), by=by, now=now)
    plans.set_key_safe_code(plan, key_safe_code, by=by, now=now)
    data = editable(plan)
    data["cared_for"][0]["routines"] = routines
    plans.update_plan(plan, data, expected_version=plan.version, by=by, now=now)
    db.session.commit()
    return plan


def closed_incident(plan, opened_at: datetime, *, closed_at: datetime | None = None, rating: int | None = 4,
                    cancel: bool = False, caller: str = CALLER, note: str = "Susan stayed with Arthur") -> Incident:
    """An incident opened by the caller's text, accepted by the first contact, then resolved
    (surveyed and rated) or cancelled at closed_at."""
    closed_at = closed_at or opened_at + timedelta(hours=2)
    incident, _ = opening.open_incident(plan, caller_number=caller, channel="sms", now=opened_at)
    if cancel:
        closing.cancel(incident, "Margaret's daughter was already there", closed_at, by="cora")
    else:
        answers.accept(incident.pages[0], opened_at + timedelta(minutes=3))
        closing.resolve(incident, closed_at, by="cora", detail=note)
        surveys.send_survey(incident, closed_at + timedelta(days=1))
        if rating:
            surveys.record_survey(incident, rating, closed_at + timedelta(days=1, hours=1))
    db.session.commit()
    return incident


def open_incident(plan, opened_at):
    incident, _ = opening.open_incident(plan, caller_number=CALLER, channel="voice", now=opened_at)
    db.session.commit()
    return incident


def database_text() -> str:
    """Every row of every table, as text: what a dump of the database would show."""
    rows = []
    for table in db.metadata.sorted_tables:
        rows.extend(f"{table.name}: {tuple(row)!r}" for row in db.session.execute(select(table)))
    return "\n".join(rows)
