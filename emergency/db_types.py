"""Column types shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC and read back aware on SQLite and PostgreSQL alike.

    SQLite drops the offset and reads back naive values, which then refuse to compare with
    an aware `now`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store a naive datetime: {value!r}")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def aware(value: datetime) -> datetime:
    """For values built in Python before a flush; stored values are already aware."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def render_type_for_migrations(kind, obj, autogen_context):
    """Alembic renders UTCDateTime as the plain column type: migrations never import the app."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def values_of(vocabulary) -> tuple[str, ...]:
    """A StrEnum's values as plain strings, e.g. for `CheckConstraint(f"status IN {...}")`."""
    return tuple(member.value for member in vocabulary)


def one_of(column: str, vocabulary) -> str:
    """A check constraint's SQL: the column holds one of the vocabulary's values. Quoted as SQL
    strings, so that a value with an apostrophe ("caller's text") or a one-value vocabulary
    renders right, which a Python tuple's repr does not."""
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values_of(vocabulary))
    return f"{column} IN ({quoted})"
