"""The REST API under /api/v1, documented at /api/openapi.json and /api/docs."""
import json

from flask import abort, request, send_from_directory
from flask_smorest import abort as api_abort
from swagger_ui_bundle import swagger_ui_path

from emergency.api import cover, incidents, outbox, plans, providers, rota, users
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


INVALID_JSON = "invalid JSON: the body is not well-formed JSON, or is nested too deeply"


def refuse_invalid_json():
    """before_request of the app: a JSON body that cannot be read is a 400 here, whatever
    the view. Thousands of `[` make Python's parser raise RecursionError, not a ValueError,
    which would otherwise reach the views' parser as a 500. A chunked body has no Content-Length
    and is read all the same (MAX_CONTENT_LENGTH still bounds it)."""
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    if not body:
        return
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        api_abort(400, message=INVALID_JSON, errors={"json": [INVALID_JSON]})


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
    api.register_blueprint(providers.blp)
    api.register_blueprint(cover.blp)
    app.register_error_handler(DomainError, domain_error_response)
    app.before_request(refuse_invalid_json)
    app.add_url_rule("/api/docs/assets/<name>", "swagger_ui_asset", swagger_ui_asset)
