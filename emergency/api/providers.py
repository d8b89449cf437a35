"""Care providers the council commissions for emergency cover: coordinators keep them, officers read them."""
from flask.views import MethodView
from flask_smorest import Blueprint

from emergency.api import provider_schemas as schemas
from emergency.api.auth import authenticate, current_user, requires_role
from emergency.api.paging import page_of
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.providers import service
from emergency.users.roles import EDITORS, EVERY_ROLE

blp = Blueprint("providers", __name__, url_prefix="/api/v1/providers", description="Care providers for emergency cover")
blp.before_request(authenticate)


@blp.route("")
class Providers(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.arguments(schemas.ProviderQuery, location="query")
    @blp.response(200, schemas.ProviderSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List care providers"""
        return page_of(service.providers(args.get("active")), pagination_parameters)

    @requires_role(*EDITORS)
    @blp.arguments(schemas.ProviderSchema)
    @blp.response(201, schemas.ProviderSchema)
    def post(self, data):
        """Add a care provider (audited)"""
        provider = service.save_provider(None, data, by=current_user(), now=utc_now())
        db.session.commit()
        return provider


@blp.route("/<int:provider_id>")
class ProviderById(MethodView):
    @requires_role(*EVERY_ROLE)
    @blp.response(200, schemas.ProviderSchema)
    def get(self, provider_id):
        """Read a care provider"""
        return service.get_provider(provider_id)

    @requires_role(*EDITORS)
    @blp.arguments(schemas.ProviderSchema)
    @blp.response(200, schemas.ProviderSchema)
    def put(self, data, provider_id):
        """Change a care provider (audited); set active false to stop offering it"""
        provider = service.save_provider(service.get_provider(provider_id), data, by=current_user(), now=utc_now())
        db.session.commit()
        return provider
