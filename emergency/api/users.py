from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from emergency.api.auth import authenticate, current_user, requires_role
from emergency.users.roles import EVERY_ROLE

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Who is logged in")
blp.before_request(authenticate)


class MeSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    role = fields.String()


@blp.route("/me")
class Me(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, MeSchema)
    def get(self):
        """The user this token belongs to, and their role"""
        return current_user()
