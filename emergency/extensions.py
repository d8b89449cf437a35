"""Extensions, created unbound; create_app binds them."""
from flask import request
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic can alter them on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _error_lines(errors, path=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _error_lines(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        yield f"{path}: {' '.join(errors)}"
    else:
        yield f"{path}: {errors}"


def too_large_message() -> str:
    limit = request.max_content_length
    return f"the request is too large: at most {limit // 1024} KB" if limit else "the request is too large"


class ServiceApi(Api):
    """flask-smorest's Api with two fixes: a 405 keeps its Allow header (HTTP requires it),
    and a validation error also gets a one-line message naming each field and what is wrong."""

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if code == 413:
            payload["message"] = too_large_message()
        allowed = getattr(error, "valid_methods", None)
        if code == 405 and allowed:
            headers = {**headers, "Allow": ", ".join(allowed)}
        if "errors" in payload and "message" not in payload:
            by_location = payload["errors"]
            lines = [line for location in by_location.values() for line in _error_lines(location)]
            payload["message"] = "; ".join(lines)
        return payload, code, headers


db = SQLAlchemy(model_class=Model)
migrate = Migrate()
api = ServiceApi()
