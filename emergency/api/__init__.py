"""The REST API under /api/v1, documented at /api/openapi.json and /api/docs."""
from flask import abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from emergency.api import incidents, outbox, plans, rota, users
from emergency.errors import DomainError
from emergency.extensions import api, db


def domain_error_response(error: DomainError):
    db.session.rollback()
    field = error.field
    body = {
        "code": error.status_code,
        "status": {404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity"}.get(error.status_code, "Bad Request"),
        "message": f"{field}: {error.message}" if field else error.message,
    }
    if field:
        body["errors"] = {field: [error.message]}
    return body, error.status_code


SWAGGER_UI_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")


def swagger_ui_asset(name: str):
    if name not in SWAGGER_UI_ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=86400)


def register_api(app):
    api.init_app(app)
    api.register_blueprint(plans.blp)
    api.register_blueprint(users.blp)
    api.register_blueprint(rota.blp)
    api.register_blueprint(outbox.blp)
    api.register_blueprint(outbox.opt_outs_blp)
    api.register_blueprint(incidents.blp)
    app.register_error_handler(DomainError, domain_error_response)
    app.add_url_rule("/api/docs/assets/<name>", "swagger_ui_asset", swagger_ui_asset)
