"""Connection settings that SQLite needs to behave like a real database."""
import sqlite3
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # The web process and the engine write from different threads; wait, don't fail.
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


# A pooled connection that has sat idle may have been cut (a database restart, a firewall's idle
# timeout), so it is pinged before use. One just handed back by another request is not: pinging
# every checkout (pool_pre_ping) cost a round trip per webhook. A connection cut while busy
# fails its statement; SQLAlchemy then discards the whole pool, so the next checkout is fresh.
PING_AFTER_IDLE_SECONDS = 10.0


def ping_connections_after_idle(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    def note_time(_dbapi_connection, record, *_):
        record.info["last_used"] = time.monotonic()

    def ping_if_idle(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("last_used", 0.0) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection was cut while idle") from error  # the pool reconnects

    event.listen(engine, "connect", note_time)
    event.listen(engine, "checkin", note_time)
    event.listen(engine, "checkout", ping_if_idle)
