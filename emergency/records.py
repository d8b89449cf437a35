"""Fetching a row by the id a client sent."""
from emergency.errors import NotFound
from emergency.extensions import db

# Primary keys are 32-bit on PostgreSQL; a larger id can only be a miss.
LARGEST_ID = 2**31 - 1


def get_or_none(model, item_id: int):
    """The row with this id, or None; an id no row can have is a miss, not a database error."""
    return db.session.get(model, item_id) if 0 < item_id <= LARGEST_ID else None


def get_or_not_found(model, item_id: int, what: str, field: str):
    item = get_or_none(model, item_id)
    if item is None:
        raise NotFound(f"no {what} with id {item_id}", field=field)
    return item
