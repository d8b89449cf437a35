"""Extensions, created unbound; create_app binds them."""
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


class ApiWithAllowHeader(Api):
    """flask-smorest drops the Allow header of a 405; HTTP requires it."""

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        allowed = getattr(error, "valid_methods", None)
        if code == 405 and allowed:
            headers = {**headers, "Allow": ", ".join(allowed)}
        return payload, code, headers


db = SQLAlchemy(model_class=Model)
migrate = Migrate()
api = ApiWithAllowHeader()
