"""Test set-up: the schema is built by running the Alembic migrations, on SQLite by default
and on PostgreSQL when TEST_DATABASE_URL is set (tasks.py test does both)."""
import contextlib
import os
import shutil
from datetime import datetime, timezone

import flask_migrate
import pytest
from sqlalchemy import create_engine, text

from config import TestConfig
from emergency import create_app
from emergency.extensions import db
from emergency.users import service as users

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


def make_app(database_url: str):
    return create_app(TestConfig(environ={"DATABASE_URL": database_url}))


def _reset_postgres_schema(url):
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database_url(tmp_path_factory):
    """A database at the newest migration: PostgreSQL itself, or a SQLite template file."""
    if on_postgres():
        _reset_postgres_schema(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


@contextlib.contextmanager
def fresh_database(migrated_url, directory):
    """A fresh, migrated database: an emptied PostgreSQL afterwards, or a copy of the SQLite template."""
    if on_postgres():
        yield migrated_url
        engine = create_engine(migrated_url)
        with engine.begin() as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
                )
            ]
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = directory / "test.db"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database_url(migrated_database_url, tmp_path):
    """A fresh, migrated database for one test."""
    with fresh_database(migrated_database_url, tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        yield app
        app.extensions["outbox"].close()  # the sender's threads end with the test
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class ApiUser:
    """A user with a token, and a test client that sends it."""

    def __init__(self, app, user, token):
        self.user, self.token, self._client = user, token, app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, verb):
        method = getattr(self._client, verb)
        return lambda *args, **kwargs: method(*args, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


def make_api_user(app, username, role):
    user = users.create_user(username, username.title(), role, NOW)
    _, token = users.issue_token(user, "tests", NOW)
    db.session.commit()
    return ApiUser(app, user, token)


@pytest.fixture
def coordinator(app):
    return make_api_user(app, "cora", "coordinator")


@pytest.fixture
def duty_officer(app):
    return make_api_user(app, "dave", "duty_officer")


@pytest.fixture
def admin(app):
    return make_api_user(app, "ada", "admin")


def plan_payload(**overrides):
    """A valid plan as a coordinator would send it; phone numbers are Ofcom drama numbers."""
    payload = {
        "status": "active",
        "carer": {
            "name": "Margaret Hughes",
            "mobile": "07700 900100",
            "address": {"line1": "14 Brudenell Grove", "town": "Leeds", "postcode": "ls6 1hr"},
        },
        "cared_for": [
            {
                "name": "Arthur Hughes",
                "date_of_birth": "1941-03-02",
                "conditions": "Alzheimer's disease",
                "medication": "Donepezil 10 mg at night",
                "medication_location": "kitchen cupboard",
                "can_be_left_alone": True,
                "safe_alone_minutes": 60,
            }
        ],
        "home_access": {"how_to_get_in": "Key safe by the back door"},
        "contacts": [
            {
                "name": "Susan Hughes",
                "relationship": "daughter",
                "mobile": "07700 900456",
                "holds_key": True,
                "consent": {"status": "given", "recorded_on": "2026-01-10"},
            },
            {
                "name": "Tom Baker",
                "relationship": "neighbour",
                "mobile": "+44 7700 900789",
                "availability": [{"days": ["mon", "tue"], "from": "18:00", "to": "08:00"}],
            },
        ],
        "instructions": "Tell Arthur that Margaret is safe.",
    }
    payload.update(overrides)
    return payload


def pytest_report_header(config):
    return f"database: {'PostgreSQL at ' + POSTGRES_URL if on_postgres() else 'SQLite (a migrated copy per test)'}"
