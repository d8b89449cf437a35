"""Schemathesis generates requests from our own OpenAPI description: no request a client can
send gets a 500, and no response breaks the schema the API publishes."""
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from sqlalchemy import func, select

from config import TestConfig
from emergency import create_app
from emergency.api.plan_schemas import PlanSchema
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.plans.models import ContingencyPlan
from tests.conftest import NOW, plan_payload

# The spec needs no database; requests go to each test's own app (and its fresh database).
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", create_app(TestConfig(environ={"DATABASE_URL": "sqlite://"}))
)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_500_or_an_answer_outside_the_schema(case, app, coordinator):
    if db.session.scalar(select(func.count(ContingencyPlan.id))) == 0:
        plan = plans.create_plan(PlanSchema().load(plan_payload()), by=coordinator.user, now=NOW)
        plans.set_key_safe_code(plan, "1234", by=coordinator.user, now=NOW)
        db.session.commit()
    case.call_and_validate(
        app=app, headers=coordinator.headers, checks=[not_a_server_error, response_schema_conformance]
    )
