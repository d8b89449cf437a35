"""What the service has queued to send: with no Twilio account, this is where texts land."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from emergency.api.auth import authenticate, requires_role
from emergency.api.fields import PhoneNumber
from emergency.api.paging import page_of
from emergency.outbox import opt_outs, service
from emergency.redaction import redact_secret_links
from emergency.users.roles import EDITORS

blp = Blueprint("outbox", __name__, url_prefix="/api/v1/outbox", description="Outbound texts and calls")
blp.before_request(authenticate)


class OutboxQuery(Schema):
    purpose = fields.String(metadata={"example": "rota_gap_alert"})
    to_number = PhoneNumber()


class OutboxMessageSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    to_number = fields.String()
    body = fields.Function(lambda message: redact_secret_links(message.body),
                           metadata={"description": "The text; a details link's token is never shown"})
    purpose = fields.String()
    status = fields.String()
    provider = fields.String(metadata={"description": "Who it was handed to: twilio, notify, email or local"})
    provider_id = fields.String(metadata={"description": "The provider's id for it"})
    created_at = fields.DateTime()


@blp.route("")
class Outbox(MethodView):
    @requires_role(*EDITORS)
    @blp.arguments(OutboxQuery, location="query")
    @blp.response(200, OutboxMessageSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Outbound messages, newest first"""
        return page_of(service.messages(**args), pagination_parameters)


opt_outs_blp = Blueprint("opt_outs", __name__, url_prefix="/api/v1/opt-outs",
                         description="Numbers that texted STOP: asks to them go by call only")
opt_outs_blp.before_request(authenticate)


class OptOutSchema(Schema):
    phone = fields.String()
    opted_out_at = fields.DateTime()


@opt_outs_blp.route("")
class OptOuts(MethodView):
    @requires_role(*EDITORS)
    @opt_outs_blp.response(200, OptOutSchema(many=True))
    @opt_outs_blp.paginate()
    def get(self, pagination_parameters):
        """Numbers that have opted out of texts, newest first"""
        return page_of(opt_outs.opt_outs(), pagination_parameters)
