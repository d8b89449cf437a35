"""Contingency plans: the registry coordinators keep and duty officers look things up in."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError

from emergency.api import plan_schemas as schemas
from emergency.api.auth import authenticate, current_user, requires_role
from emergency.api.fields import CardNumber
from emergency.api.paging import page_of
from emergency.audit import service as audit
from emergency.clock import local_date, utc_now
from emergency.errors import NotFound
from emergency.extensions import db
from emergency.incidents.visibility import may_read_plan
from emergency.plans import service
from emergency.plans.snapshot import plan_to_dict
from emergency.plans.summary import plan_summary
from emergency.retention import erasure
from emergency.users.roles import EDITORS, EVERY_ROLE, sees_only_own_asks

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans", description="Contingency plans")
blp.before_request(authenticate)


def plan_out(plan):
    return {
        **plan_to_dict(plan),
        "version": plan.version,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
    }


def parse_card_number_in_path(text):
    try:
        return CardNumber().deserialize(text)
    except ValidationError as error:
        abort(422, message=f"card_number: {error.messages[0]}", errors={"path": {"card_number": error.messages}})


def readable(find, what: str):
    """The plan find() finds, if this user may read it. A duty officer gets the same 404 for a
    plan they may not read as for one that does not exist: an id or card number tells them nothing."""
    if not sees_only_own_asks(current_user()):
        return find()
    try:
        plan = find()
    except NotFound:
        plan = None
    if plan is None or not may_read_plan(current_user(), plan.id):
        raise NotFound(f"no plan of a live incident you were asked about has this {what}",
                       field="card_number" if what == "card number" else "plan_id")
    return plan


@blp.route("")
class Plans(MethodView):
    @requires_role(*EDITORS)
    @blp.arguments(schemas.PlanSearchArgs, location="query")
    @blp.response(200, schemas.PlanSummarySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List plans, searching by name, card number, phone or postcode"""
        plans = page_of(service.search_plans(**args), pagination_parameters)
        return [plan_summary(plan) for plan in plans]

    @requires_role(*EDITORS)
    @blp.arguments(schemas.PlanSchema)
    @blp.response(201, schemas.PlanOutSchema)
    def post(self, data):
        """Register a plan; it gets its card number"""
        plan = service.create_plan(data, by=current_user(), now=utc_now())
        db.session.commit()
        return plan_out(plan)


@blp.route("/due-for-review")
class PlansDueForReview(MethodView):
    @requires_role(*EDITORS)
    @blp.arguments(schemas.DueForReviewArgs, location="query")
    @blp.response(200, schemas.PlanSummarySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List live plans whose review is due within the given number of days, or overdue"""
        query = service.plans_due_for_review(today=local_date(utc_now()), within_days=args["within_days"])
        return [plan_summary(plan) for plan in page_of(query, pagination_parameters)]


@blp.route("/by-card/<card_number>")
class PlanByCard(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.PlanOutSchema)
    def get(self, card_number):
        """Find a plan by its card number (spaces and dashes allowed); the view is audited. A duty
        officer reads only the plan of a live incident they were asked about"""
        card_number = parse_card_number_in_path(card_number)
        plan = readable(lambda: service.find_by_card_number(card_number), "card number")
        service.record_view(plan, by=current_user(), now=utc_now())
        db.session.commit()
        return plan_out(plan)


@blp.route("/<int:plan_id>")
class PlanById(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.PlanOutSchema)
    def get(self, plan_id):
        """Read a whole plan; the view is audited. A duty officer reads only the plan of a live
        incident they were asked about"""
        plan = readable(lambda: service.get_plan(plan_id), "id")
        service.record_view(plan, by=current_user(), now=utc_now())
        db.session.commit()
        return plan_out(plan)

    @requires_role(*EDITORS)
    @blp.arguments(schemas.PlanUpdateSchema)
    @blp.response(200, schemas.PlanOutSchema)
    def put(self, data, plan_id):
        """Change a plan: send the whole plan with the version it is based on"""
        plan = service.get_plan(plan_id)
        expected_version = data.pop("version")
        service.update_plan(plan, data, expected_version=expected_version, by=current_user(), now=utc_now())
        db.session.commit()
        return plan_out(plan)


@blp.route("/<int:plan_id>/archive")
class PlanArchive(MethodView):
    @requires_role(*EDITORS)
    @blp.arguments(schemas.ArchiveSchema)
    @blp.response(200, schemas.PlanOutSchema)
    def post(self, data, plan_id):
        """Archive a plan that is no longer needed; it is kept for the record"""
        plan = service.archive_plan(service.get_plan(plan_id), reason=data["reason"], by=current_user(), now=utc_now())
        db.session.commit()
        return plan_out(plan)


@blp.route("/<int:plan_id>/erase")
class PlanErase(MethodView):
    @requires_role("admin")
    @blp.arguments(schemas.EraseSchema)
    @blp.response(200, schemas.ErasureSchema)
    def post(self, data, plan_id):
        """Erase a plan's personal data on request (admins; confirm with the card number); not during an incident"""
        plan = service.get_plan(plan_id)
        done = erasure.erase_plan(plan, reason=data["reason"], confirm=data["confirm"], by=current_user(),
                                  now=utc_now())
        db.session.commit()
        return done


@blp.route("/<int:plan_id>/review")
class PlanReview(MethodView):
    @requires_role(*EDITORS)
    @blp.response(200, schemas.PlanOutSchema)
    def post(self, plan_id):
        """Record that the plan was reviewed with the carer today; the next review falls due later"""
        plan = service.mark_reviewed(service.get_plan(plan_id), by=current_user(), now=utc_now())
        db.session.commit()
        return plan_out(plan)


@blp.route("/<int:plan_id>/versions")
class PlanVersions(MethodView):
    @requires_role(*EDITORS)
    @blp.response(200, schemas.PlanVersionSchema(many=True))
    def get(self, plan_id):
        """A plan's history, newest first: who changed what and when; the view is audited"""
        plan = service.get_plan(plan_id)
        service.record_view(plan, by=current_user(), now=utc_now(), what="plan.history_viewed")
        db.session.commit()
        return service.versions_of(plan)


@blp.route("/<int:plan_id>/key-safe")
class PlanKeySafe(MethodView):
    @requires_role(*EDITORS)
    @blp.response(200, schemas.KeySafeSchema)
    def get(self, plan_id):
        """Read the key-safe code; the view is audited"""
        plan = service.get_plan(plan_id)
        code = service.read_key_safe_code(plan, by=current_user(), now=utc_now())
        db.session.commit()
        return {"code": code}

    @requires_role(*EDITORS)
    @blp.arguments(schemas.KeySafeSchema)
    @blp.response(204)
    def put(self, data, plan_id):
        """Set or remove (null) the key-safe code"""
        plan = service.get_plan(plan_id)
        service.set_key_safe_code(plan, data["code"] or None, by=current_user(), now=utc_now())
        db.session.commit()


@blp.route("/<int:plan_id>/audit")
class PlanAudit(MethodView):
    @requires_role(*EDITORS)
    @blp.response(200, schemas.AuditEventSchema(many=True))
    @blp.paginate()
    def get(self, plan_id, pagination_parameters):
        """Who created, changed or viewed this plan's details, newest first"""
        plan = service.get_plan(plan_id)
        return page_of(audit.events_for_plan(plan.id), pagination_parameters)
