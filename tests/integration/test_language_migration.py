"""The carer's preferred language, free text until revision 0019, becomes a choice."""
import flask_migrate
from sqlalchemy import text

from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.plans import service as plans
from tests.conftest import NOW, plan_payload

WRITTEN = ["English", " welsh ", "Cymraeg", "POLISH", "Urdu", "Somali", ""]


def test_free_text_that_names_a_configured_language_becomes_its_code_and_the_rest_other(app):
    ids = [plans.create_plan(PlanSchema().load(plan_payload()), by=None, now=NOW).id for _ in WRITTEN]
    db.session.commit()
    flask_migrate.downgrade(revision="0016")
    for plan_id, written in zip(ids, WRITTEN, strict=True):
        db.session.execute(text("UPDATE contingency_plan SET carer_preferred_language = :said WHERE id = :id"),
                           {"said": written, "id": plan_id})
    db.session.commit()
    flask_migrate.upgrade()
    rows = db.session.execute(text("SELECT carer_preferred_language, carer_other_language FROM contingency_plan "
                                   "ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("en", None), ("cy", None), ("cy", None), ("pl", None), ("ur", None),
                                            ("other", "Somali"), ("en", None)]
