"""Test set-up: the schema is built once per test process by running the Alembic migrations,
on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (tasks.py test does both).
Each test gets a copy of that migrated database: a copy of the SQLite file, or a PostgreSQL
database made from it as a template. With pytest-xdist each worker builds its own."""
import contextlib
import copy
import os
import shutil
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import flask_migrate
import freezegun
import hypothesis
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from config import TestConfig
from emergency import create_app, register_outbox
from emergency.extensions import db
from emergency.users import service as users

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# "gw0", "gw1" ... under pytest-xdist; databases and files are named after it.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)

# freezegun looks through every loaded module each time it freezes the clock. These large
# packages of the test tools never tell the service the time, so it can pass them by (halving
# the cost of each freeze), and pytest's own clock for --durations stays real.
freezegun.configure(extend_ignore_list=[
    "_pytest", "hypothesis", "schemathesis", "playwright", "axe_playwright_python", "pyee", "greenlet", "fontTools",
    "PIL", "pygments", "rich", "markdown_it", "yaml", "graphql", "hypothesis_graphql", "harfile", "jsonschema_rs",
    "aiohttp", "multidict", "yarl",
])
# No test is timed on the wall clock, Hypothesis's examples included (its default deadline is
# 200 ms each): on a loaded machine, with a worker per core, a slow example is not a wrong one.
hypothesis.settings.register_profile("suite", deadline=None)
hypothesis.settings.load_profile("suite")


def on_postgres() -> bool:
    return bool(POSTGRES_URL)


def make_app(database_url: str):
    return create_app(TestConfig(environ={"DATABASE_URL": database_url}))


class PostgresDatabases:
    """Databases on the server of TEST_DATABASE_URL, made and dropped through a connection to
    that database (CREATE DATABASE cannot run in a transaction). Copying a migrated template
    takes about a tenth of the time of emptying every table of one shared database."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        return self.url_of(name)

    def drop(self, name: str) -> None:
        # FORCE: a connection a test left open (a thread, a killed process) must not keep it.
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def new_name(self) -> str:
        # Random, not counted: the browser tests import this module a second time (as
        # tests.conftest), with counters of its own.
        return f"{self.url.database}_{WORKER}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def migrated_database_url(tmp_path_factory):
    """A database at the newest migration, to be copied, never used directly: a PostgreSQL
    template database of this worker's, or a SQLite file."""
    if on_postgres():
        databases = PostgresDatabases(POSTGRES_URL)
        template = f"{databases.url.database}_{WORKER}_template"
        url = databases.create(template)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()  # a template must have no connections while it is copied
    yield url
    if on_postgres():
        databases.drop(template)
        databases.admin.dispose()


_postgres = {}


@contextlib.contextmanager
def fresh_database(migrated_url, directory):
    """A fresh, migrated database of its own, dropped or deleted afterwards: a PostgreSQL
    database made from the template, or a copy of the SQLite template file."""
    if on_postgres():
        databases = _postgres.setdefault(migrated_url, PostgresDatabases(POSTGRES_URL))
        name = databases.new_name()
        url = databases.create(name, template=make_url(migrated_url).database)
        try:
            yield url
        finally:
            databases.drop(name)
    else:
        path = directory / "test.db"
        shutil.copy(migrated_url.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"


class EmptiedInPlace:
    """A PostgreSQL database put back as the migrated template left it without copying the
    template again: its tables emptied and its sequences restarted, in one round trip. On a
    busy server that takes about 20 ms, where CREATE DATABASE ... TEMPLATE (which writes every
    page of the template) took 0.5 s. Whoever is still connected (a test's leftover thread, a
    server's pool) is disconnected first, as their locks would hold the emptying up; a server's
    pool reconnects by itself (pool_pre_ping)."""

    def __init__(self, template_url: str, url: str):
        template = create_engine(template_url, poolclass=NullPool)  # a template must have no connections
        with template.connect() as connection:
            self._schema = _schema_of(connection)
        self._emptying = text("; ".join(
            ["SET LOCAL session_replication_role = replica"]  # the audit log refuses DELETE by trigger
            + [f'DELETE FROM "{table}"' for table in sorted(self._schema[1]) if table != "alembic_version"]
            + ["SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"]))
        self._engine = create_engine(url, pool_pre_ping=True)

    def empty(self) -> bool:
        """False, with nothing done, when a test left the schema other than the template's (a
        migration test that stopped half way down): only a new copy will do then."""
        with self._engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            connection.commit()
            if _schema_of(connection) != self._schema:
                connection.rollback()
                self._engine.dispose()
                return False
            connection.execute(self._emptying)
            connection.commit()
        return True

    def dispose(self) -> None:
        self._engine.dispose()


def _schema_of(connection) -> tuple:
    """The revision and the tables, which are all a test can change of a schema."""
    tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar(), frozenset(tables)


class WorkerDatabase:
    """The database of this worker's tests: one address for the whole session, so that one app
    can serve every test, with its contents made afresh before each test: on SQLite a copy of
    the template file, on PostgreSQL the same database emptied in place (EmptiedInPlace)."""

    def __init__(self, template_url, directory: Path):
        if on_postgres():
            self._databases = PostgresDatabases(POSTGRES_URL)
            self._name = f"{self._databases.url.database}_{WORKER}"
            self._template_url, self._template = template_url, make_url(template_url).database
            self.url = self._databases.url_of(self._name)
            self._in_place = None
        else:
            self._template_path = Path(template_url.removeprefix("sqlite:///"))
            self._path = directory / "test.db"
            self.url = f"sqlite:///{self._path}"

    def renew(self) -> None:
        if on_postgres():
            if self._in_place is None:  # the session's first test: there is no database yet
                self._databases.create(self._name, template=self._template)
                self._in_place = EmptiedInPlace(self._template_url, self.url)
            elif not self._in_place.empty():
                self._databases.create(self._name, template=self._template)  # dropped first, connections and all
            return
        # A new file, and none of the last test's write-ahead log: SQLite would replay it into the copy.
        for path in (self._path, Path(f"{self._path}-wal"), Path(f"{self._path}-shm"), Path(f"{self._path}-journal")):
            path.unlink(missing_ok=True)
        shutil.copyfile(self._template_path, self._path)

    def drop(self) -> None:
        if on_postgres():
            if self._in_place is not None:
                self._in_place.dispose()
            self._databases.drop(self._name)
            self._databases.admin.dispose()


class SharedApp:
    """One app for all of a worker's tests, made the first time a test asks for it: building one
    takes about a tenth of a second, and the suite asks for one about 700 times. Before each test
    it is put back as it was built: its settings (those a TestConfig makes for itself, like its
    own folder for kept texts, made afresh), its extensions, and a new outbox (transports, sender pool, subscribers)."""

    def __init__(self, database: WorkerDatabase):
        self._database, self._app = database, None

    def disconnect(self) -> None:
        if self._app is not None:
            with self._app.app_context():
                db.session.remove()
                db.engine.dispose()

    def as_new(self):
        if self._app is None:
            self._app = make_app(self._database.url)
            self._config, self._extensions = copy.deepcopy(dict(self._app.config)), dict(self._app.extensions)
        app = self._app
        settings = TestConfig(environ={"DATABASE_URL": self._database.url})
        settings.check()
        app.config.clear()
        app.config.update(copy.deepcopy(self._config))
        app.config.update({name: value for name, value in vars(settings).items() if name.isupper()})
        app.extensions.clear()
        app.extensions.update(self._extensions)
        register_outbox(app)
        return app


@pytest.fixture(scope="session")
def worker_database(migrated_database_url, tmp_path_factory):
    database = WorkerDatabase(migrated_database_url, tmp_path_factory.mktemp("database"))
    yield database
    database.drop()


@pytest.fixture(scope="session")
def shared_app(worker_database):
    return SharedApp(worker_database)


@pytest.fixture
def database_url(worker_database, shared_app):
    """A fresh, migrated database for one test (the worker's database, made afresh)."""
    shared_app.disconnect()
    worker_database.renew()
    yield worker_database.url


@pytest.fixture
def app(shared_app, database_url):
    """The worker's app, as built, on the test's fresh database."""
    app = shared_app.as_new()
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


# A test that asks for none of these touches no database: what it proves does not depend on
# which database the suite runs on.
DATABASE_FIXTURES = {"migrated_database_url", "worker_database", "database_url", "shared_app"}


def pytest_collection_modifyitems(config, items):
    """schemathesis 4.32 gives the tests of every API operation one and the same node id on pytest 9. Give each
    its own (its name names the operation), so that a report says which operation failed, and so
    that pytest-xdist's --dist loadgroup, which keeps tests by node id, runs all of them: with
    the shared id it ran one of the 41 and dropped the rest without a word."""
    counts = Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1 and item.name.endswith("]"):
            # pytest 9 keeps node ids structured; the name's bracket holds "GET /api/v1/plans".
            item._id = item._id.with_params(item.name.partition("[")[2].removesuffix("]"))
    repeated = [nodeid for nodeid, count in Counter(item.nodeid for item in items).items() if count > 1]
    if repeated:
        raise pytest.UsageError(f"tests with the same node id would not all run under pytest-xdist: {repeated}")
    if on_postgres():
        # Each test touching no database runs once, in the SQLite run, not again here.
        without_database = [item for item in items if not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
        if without_database:
            config.hook.pytest_deselected(items=without_database)
            items[:] = [item for item in items if item not in without_database]


def pytest_report_header(config):
    if on_postgres():
        return (f"database: PostgreSQL at {POSTGRES_URL} (a copy of a migrated template database per test; "
                "the tests that touch no database run in the SQLite run only)")
    return "database: SQLite (a copy of a migrated file per test)"
