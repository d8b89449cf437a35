"""Emergency cover for an accepted incident: ask providers by text, record a phone booking,
extend, end with an outcome, refer to adult social care."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from emergency.api import provider_schemas as schemas
from emergency.api.auth import authenticate, current_user, requires_role
from emergency.clock import utc_now
from emergency.cover import ending, matching
from emergency.cover import service as cover
from emergency.cover.models import Cover
from emergency.cover.vocabulary import EndedBy
from emergency.extensions import db
from emergency.incidents import visibility
from emergency.incidents.models import Incident
from emergency.records import get_or_none
from emergency.users.roles import EVERY_ROLE

blp = Blueprint("cover", __name__, url_prefix="/api/v1", description="Emergency cover from care providers")
blp.before_request(authenticate)


def _incident(incident_id: int) -> Incident:
    incident = get_or_none(Incident, incident_id)
    if incident is None or not visibility.visible_to(current_user(), incident):
        abort(404, message=f"incident_id: no incident {incident_id}", errors={"incident_id": ["not found"]})
    return incident


def _cover(cover_id: int) -> Cover:
    found = get_or_none(Cover, cover_id)
    if found is None or not visibility.visible_to(current_user(), db.session.get(Incident, found.incident_id)):
        abort(404, message=f"cover_id: no cover {cover_id}", errors={"cover_id": ["not found"]})
    return found


@blp.route("/incidents/<int:incident_id>/cover")
class IncidentCover(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.IncidentCoverSchema)
    def get(self, incident_id):
        """The incident's cover and asks to providers"""
        incident = _incident(incident_id)
        return {"covers": cover.covers_for(incident.id), "asks": cover.asks_for(incident.id)}


@blp.route("/incidents/<int:incident_id>/cover/asks")
class CoverAsks(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.AskProvidersSchema)
    @blp.response(201, schemas.AskedOutSchema)
    def post(self, data, incident_id):
        """Ask providers by text, one at a time or all at once; the first to accept is booked"""
        incident = _incident(incident_id)
        asks = cover.ask_providers(incident, data, user=current_user(), now=utc_now())
        warnings = matching.district_warnings(incident.plan_snapshot,
                                              {f"provider_ids[{i}]": ask.provider for i, ask in enumerate(asks)})
        db.session.commit()
        return {"asks": asks, "warnings": warnings}


@blp.route("/incidents/<int:incident_id>/cover/bookings")
class CoverBookings(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.BookingSchema)
    @blp.response(201, schemas.BookedOutSchema)
    def post(self, data, incident_id):
        """Record cover booked by phone; the provider is texted its details link"""
        incident = _incident(incident_id)
        booked = cover.book_by_phone(incident, data, user=current_user(), now=utc_now())
        warnings = matching.district_warnings(incident.plan_snapshot, {"provider_id": booked.provider})
        db.session.commit()
        return {"cover": booked, "warnings": warnings}


@blp.route("/incidents/<int:incident_id>/referrals")
class Referrals(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.ReferralSchema)
    @blp.response(201, schemas.ReferralOutSchema)
    def post(self, data, incident_id):
        """Refer to adult social care: emails the front door the card number, incident and a console link"""
        referral = ending.refer(_incident(incident_id), data["note"], user=current_user(), now=utc_now())
        db.session.commit()
        return referral


@blp.route("/covers/<int:cover_id>/end")
class EndCover(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.EndCoverSchema)
    @blp.response(200, schemas.CoverOutSchema)
    def post(self, data, cover_id):
        """End cover with its outcome; the provider's link stops working"""
        user = current_user()
        ended = ending.end_cover(_cover(cover_id), outcome=data["outcome"], note_text=data["note"],
                                 ended_by=EndedBy.CONSOLE, name=user.username, now=utc_now())
        db.session.commit()
        return ended


@blp.route("/covers/<int:cover_id>/outcome")
class CoverOutcome(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.EndCoverSchema)
    @blp.response(200, schemas.CoverOutSchema)
    def post(self, data, cover_id):
        """Record how cover ended when the provider's DONE did not say (its outcome is to_be_recorded)"""
        recorded = ending.record_outcome(_cover(cover_id), outcome=data["outcome"], note_text=data["note"],
                                         user=current_user(), now=utc_now())
        db.session.commit()
        return recorded


@blp.route("/covers/<int:cover_id>/extend")
class ExtendCover(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.ExtendCoverSchema)
    @blp.response(200, schemas.CoverOutSchema)
    def post(self, data, cover_id):
        """Move the planned end; past the cover limit only a coordinator, with a reason (audited)"""
        extended = ending.extend(_cover(cover_id), data["ends_at"], data["reason"], user=current_user(), now=utc_now())
        db.session.commit()
        return extended
