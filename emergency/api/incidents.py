"""Incidents: coordinators see and close all of them; duty officers see those they were asked to help with."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emergency.api.auth import authenticate, current_user, requires_role
from emergency.api.fields import CardNumber, Id, Instant, PhoneNumber, Text
from emergency.api.paging import page_of
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.incidents import closing, opening, queries, timeline, visibility
from emergency.incidents.messages import who_and_where
from emergency.incidents.models import INCIDENT_STATUSES
from emergency.incidents.vocabulary import EventKind, NeedsPersonReason, Origin
from emergency.plans import service as plans
from emergency.users.roles import EDITORS, EVERY_ROLE

blp = Blueprint("incidents", __name__, url_prefix="/api/v1/incidents", description="Emergencies and their escalation")
blp.before_request(authenticate)


class IncidentQuery(Schema):
    status = fields.String(validate=validate.OneOf(INCIDENT_STATUSES))
    opened_from = Instant()
    opened_to = Instant()


class OpenIncidentSchema(Schema):
    card_number = CardNumber()
    plan_id = Id()
    caller_number = PhoneNumber(allow_none=True, load_default=None)
    note = Text(max_length=1000, load_default="")

    @validates_schema
    def one_plan(self, data, **kwargs):
        if ("card_number" in data) == ("plan_id" in data):
            raise ValidationError("give either card_number or plan_id", "card_number")


class ResolveSchema(Schema):
    note = Text(max_length=1000, load_default="")


class CancelSchema(Schema):
    reason = Text(required=True, max_length=1000, required_text=True)


class PageSchema(Schema):
    id = fields.Integer()
    who = fields.String()
    name = fields.String()
    phone = fields.String()
    channels = fields.String()
    code = fields.String()
    tier = fields.Integer(allow_none=True)
    rota_round = fields.Integer(allow_none=True)
    status = fields.String()
    sent_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)


class EventSchema(Schema):
    at = fields.DateTime()
    kind = fields.String()
    detail = fields.String()


class IncidentSummarySchema(Schema):
    id = fields.Integer()
    plan_id = fields.Integer(allow_none=True)
    card_number = fields.String(allow_none=True)
    cared_for = fields.String(metadata={"description": "First names"})
    district = fields.String()
    status = fields.String()
    channel = fields.String()
    caller_number = fields.String(allow_none=True)
    opened_at = fields.DateTime()
    next_action_at = fields.DateTime(allow_none=True)
    accepted_by = fields.String(allow_none=True)


class IncidentSchema(IncidentSummarySchema):
    stage = fields.String()
    needs_person_reason = fields.String(allow_none=True, validate=validate.OneOf(tuple(NeedsPersonReason)), metadata={
        "description": "Why the line handed the call or text to a person (status needs_person); kept once closed"})
    nobody_reached_at = fields.DateTime(allow_none=True, metadata={
        "description": "When the line found no person it could tell about it (critical)"})
    survey_sent_at = fields.DateTime(allow_none=True)
    rota_round = fields.Integer()
    accepted_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    survey_rating = fields.Integer(allow_none=True)
    pages = fields.List(fields.Nested(PageSchema))
    timeline = fields.List(fields.Nested(EventSchema))


def incident_out(incident, detail=False):
    snapshot = incident.plan_snapshot
    _, cared_for, district = who_and_where(snapshot) if snapshot else (None, "unknown (no plan)", "")
    accepter = incident.accepted_page
    body = {
        "id": incident.id, "plan_id": incident.plan_id, "card_number": snapshot["card_number"] if snapshot else None,
        "cared_for": cared_for, "district": district, "status": incident.status, "channel": incident.channel,
        "caller_number": incident.caller_number, "opened_at": incident.opened_at,
        "next_action_at": incident.next_action_at, "accepted_by": accepter.name if accepter else None,
    }
    if detail:
        body.update(stage=incident.stage, needs_person_reason=incident.needs_person_reason,
                    nobody_reached_at=incident.nobody_reached_at, survey_sent_at=incident.survey_sent_at,
                    rota_round=incident.rota_round, accepted_at=incident.accepted_at,
                    closed_at=incident.closed_at, closed_by=incident.closed_by, cancel_reason=incident.cancel_reason,
                    survey_rating=incident.survey_rating, pages=incident.pages, timeline=incident.events)
    return body


def visible_to_current_user(incident):
    """Duty officers see only incidents they were asked to help with; others 404 for them."""
    if not visibility.visible_to(current_user(), incident):
        abort(404, message=f"incident_id: no incident with id {incident.id}")
    return incident


@blp.route("")
class Incidents(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(IncidentQuery, location="query")
    @blp.response(200, IncidentSummarySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List incidents, newest first, by status and opening date"""
        query = visibility.incidents_for(current_user(), **args)
        return [incident_out(incident) for incident in page_of(query, pagination_parameters)]

    @requires_role(*EDITORS)
    @blp.arguments(OpenIncidentSchema)
    @blp.response(201, IncidentSchema)
    def post(self, data):
        """Open an incident by hand (for a call taken outside the line); the first asks go out at once"""
        plan = plans.find_by_card_number(data["card_number"]) if "card_number" in data else plans.get_plan(data["plan_id"])
        incident, _ = opening.open_incident(plan, caller_number=data["caller_number"], channel=Origin.CONSOLE,
                                            now=utc_now(), opened_by=current_user().username)
        if data["note"]:
            timeline.note(incident, utc_now(), EventKind.NOTE, data["note"])
        db.session.commit()
        return incident_out(incident, detail=True)


@blp.route("/<int:incident_id>")
class IncidentById(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, IncidentSchema)
    def get(self, incident_id):
        """An incident with every ask and its timeline"""
        return incident_out(visible_to_current_user(queries.get_incident(incident_id)), detail=True)


@blp.route("/<int:incident_id>/resolve")
class IncidentResolve(MethodView):
    @requires_role(*EDITORS)
    @blp.arguments(ResolveSchema)
    @blp.response(200, IncidentSchema)
    def post(self, data, incident_id):
        """Close an incident as resolved (the carer is asked a day later how it went)"""
        incident = closing.resolve(queries.get_incident(incident_id), utc_now(), current_user().username, data["note"])
        db.session.commit()
        return incident_out(incident, detail=True)


@blp.route("/<int:incident_id>/cancel")
class IncidentCancel(MethodView):
    @requires_role(*EDITORS)
    @blp.arguments(CancelSchema)
    @blp.response(200, IncidentSchema)
    def post(self, data, incident_id):
        """Cancel a false alarm, with the reason"""
        incident = closing.cancel(queries.get_incident(incident_id), data["reason"], utc_now(), current_user().username)
        db.session.commit()
        return incident_out(incident, detail=True)
