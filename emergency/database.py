"""Connection settings that SQLite needs to behave like a real database."""
import sqlite3

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # The web process and the engine write from different threads; wait, don't fail.
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def insert_of(session):
    """The INSERT of the session's database, which knows ON CONFLICT (both dialects spell it alike)."""
    return _INSERTS[session.get_bind().dialect.name]
