"""The out-of-hours cover rota: coordinators edit it, duty officers read it."""
from datetime import timedelta

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from emergency.api import rota_schemas as schemas
from emergency.api.auth import authenticate, current_user, requires_role
from emergency.api.paging import page_of
from emergency.clock import local_zone, utc_now
from emergency.extensions import db
from emergency.rota import service
from emergency.users.roles import EDITORS, EVERY_ROLE

blp = Blueprint("rota", __name__, url_prefix="/api/v1/rota", description="Out-of-hours cover rota")
blp.before_request(authenticate)

LONGEST_SPAN = timedelta(days=92)
_CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
_CSV_RESPONSE = {"200": {"description": "Shifts as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}


def span_from(args):
    starts = args.get("starts") or utc_now()
    ends = args.get("ends") or starts + timedelta(days=28)
    if ends <= starts:
        abort(422, message="to: must be after from", errors={"query": {"to": ["must be after from"]}})
    if ends - starts > LONGEST_SPAN:
        abort(422, message="to: at most 92 days after from", errors={"query": {"to": ["at most 92 days after from"]}})
    return starts, ends


@blp.route("/officers")
class Officers(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.OfficerQuery, location="query")
    @blp.response(200, schemas.OfficerSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List duty officers"""
        return page_of(service.officers(args.get("active")), pagination_parameters)

    @requires_role(*EDITORS)
    @blp.arguments(schemas.OfficerSchema)
    @blp.response(201, schemas.OfficerSchema)
    def post(self, data):
        """Add a duty officer"""
        officer = service.save_officer(None, data)
        db.session.commit()
        return officer


@blp.route("/officers/<int:officer_id>")
class OfficerById(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.OfficerSchema)
    def get(self, officer_id):
        """Read a duty officer"""
        return service.get_officer(officer_id)

    @requires_role(*EDITORS)
    @blp.arguments(schemas.OfficerSchema)
    @blp.response(200, schemas.OfficerSchema)
    def put(self, data, officer_id):
        """Change a duty officer; set active false when they leave (their turns become gaps)"""
        officer = service.save_officer(service.get_officer(officer_id), data)
        db.session.commit()
        return officer


@blp.route("/patterns")
class Patterns(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.PatternOutSchema(many=True))
    def get(self):
        """List recurring shift patterns"""
        return db.session.scalars(service.patterns()).all()

    @requires_role(*EDITORS)
    @blp.arguments(schemas.PatternSchema)
    @blp.response(201, schemas.PatternOutSchema)
    def post(self, data):
        """Add a recurring shift pattern"""
        pattern = service.save_pattern(None, data)
        db.session.commit()
        return pattern


@blp.route("/patterns/<int:pattern_id>")
class PatternById(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.PatternOutSchema)
    def get(self, pattern_id):
        """Read a shift pattern"""
        return service.get_pattern(pattern_id)

    @requires_role(*EDITORS)
    @blp.arguments(schemas.PatternSchema)
    @blp.response(200, schemas.PatternOutSchema)
    def put(self, data, pattern_id):
        """Change a shift pattern; to stop one from a date, set ends_on"""
        pattern = service.save_pattern(service.get_pattern(pattern_id), data)
        db.session.commit()
        return pattern

    @requires_role(*EDITORS)
    @blp.response(204)
    def delete(self, pattern_id):
        """Delete a shift pattern entered by mistake"""
        service.delete_pattern(service.get_pattern(pattern_id))
        db.session.commit()


@blp.route("/overrides")
class Overrides(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.SpanQuery, location="query")
    @blp.response(200, schemas.OverrideSchema(many=True))
    def get(self, args):
        """List one-off overrides that touch a stretch of time"""
        return db.session.scalars(service.overrides_between(*span_from(args))).all()

    @requires_role(*EDITORS)
    @blp.arguments(schemas.OverrideSchema)
    @blp.response(201, schemas.OverrideSchema)
    def post(self, data):
        """Add, remove or replace an officer for a time range; overrides beat patterns"""
        override = service.add_override(data, by=current_user(), now=utc_now())
        db.session.commit()
        return override


@blp.route("/overrides/<int:override_id>")
class OverrideById(MethodView):
    @requires_role(*EDITORS)
    @blp.response(204)
    def delete(self, override_id):
        """Withdraw an override"""
        service.delete_override(service.get_override(override_id))
        db.session.commit()


@blp.route("/on-duty")
class OnDuty(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.OnDutyQuery, location="query")
    @blp.response(200, schemas.OnDutySchema)
    def get(self, args):
        """Who is on duty at an instant, per tier"""
        at = args.get("at") or utc_now()
        tiers = service.on_duty(at)
        return {"at": at, "out_of_hours": service.is_out_of_hours(at),
                "tiers": [{"tier": tier, "officers": officers} for tier, officers in tiers.items()]}


@blp.route("/gaps")
class Gaps(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.GapQuery, location="query")
    @blp.response(200, schemas.GapSchema(many=True))
    def get(self, args):
        """Out-of-hours stretches in the coming days with nobody on duty in a tier"""
        now = utc_now()
        zone = local_zone()
        return [
            {"starts_at": a, "ends_at": b, "hours": round((b - a) / timedelta(hours=1), 2),
             "local": service.describe_span(a, b, zone)}
            for a, b in service.gaps(now, now + timedelta(days=args["days"]), tier=args["tier"])
        ]


@blp.route("/shifts")
class Shifts(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.SpanQuery, location="query")
    @blp.response(200, schemas.ShiftSchema(many=True))
    def get(self, args):
        """The rota as it stands (patterns with overrides applied), one entry per unbroken shift"""
        return service.duty_runs(*span_from(args), officer_id=args.get("officer_id"))


@blp.route("/shifts.csv")
class ShiftsCsv(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.SpanQuery, location="query")
    @blp.doc(responses=_CSV_RESPONSE)
    def get(self, args):
        """Export the rota as it stands as CSV"""
        return Response(service.shifts_csv(*span_from(args), officer_id=args.get("officer_id")), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=rota-shifts.csv"})

    @requires_role(*EDITORS)
    @blp.doc(requestBody=_CSV_BODY)
    @blp.response(201, schemas.ImportResultSchema)
    def post(self):
        """Import one-off shifts from CSV (columns officer_mobile, officer_name, tier, starts, ends, note);
        a file with any bad row imports nothing and says which lines are wrong; shifts the rota
        already has (such as a re-imported export) are counted and skipped"""
        if request.mimetype != "text/csv":
            abort(415, message="send the shifts as text/csv")
        request.max_content_length = current_app.config["CSV_IMPORT_MAX_LENGTH"]
        overrides, skipped, problems = service.import_shifts_csv(request.get_data(as_text=True), by=current_user(),
                                                                 now=utc_now())
        if problems:
            lines = "; ".join(f"line {p['line']}: {', '.join(p['errors'])}" for p in problems[:20])
            abort(422, message=f"nothing was imported: {lines}", errors={"csv": problems})
        db.session.commit()
        return {"imported": len(overrides), "already_on_the_rota": skipped,
                "override_ids": [override.id for override in overrides]}


@blp.route("/feeds")
class Feeds(MethodView):
    @requires_role(*EDITORS)
    @blp.response(200, schemas.FeedSchema(many=True))
    def get(self):
        """Calendar feeds that have been handed out (their addresses are shown only once)"""
        return db.session.scalars(service.feeds()).all()

    @requires_role(*EDITORS)
    @blp.arguments(schemas.FeedRequestSchema)
    @blp.response(201, schemas.NewFeedSchema)
    def post(self, data):
        """Make a calendar feed address for one officer or the whole rota"""
        feed, token = service.create_feed(data["officer_id"], utc_now())
        db.session.commit()
        url = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/feeds/{token}.ics"
        return {"id": feed.id, "officer_id": feed.officer_id, "created_at": feed.created_at,
                "revoked_at": None, "url": url}


@blp.route("/feeds/<int:feed_id>")
class FeedById(MethodView):
    @requires_role(*EDITORS)
    @blp.response(204)
    def delete(self, feed_id):
        """Revoke a calendar feed address"""
        service.revoke_feed(service.get_feed(feed_id), utc_now())
        db.session.commit()
