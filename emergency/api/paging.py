from sqlalchemy import func, select

from emergency.extensions import db
from emergency.records import LARGEST_ID


def page_of(query, pagination_parameters):
    """One page of a select(), setting the total that flask-smorest puts in X-Pagination."""
    pagination_parameters.item_count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    first = pagination_parameters.first_item
    if first > LARGEST_ID:  # no row lies that far; the databases refuse offsets past 64 bits
        return []
    return list(db.session.scalars(query.limit(pagination_parameters.page_size).offset(first)))
