from emergency.extensions import db
from sqlalchemy import func, select

# Pages past this are empty; the databases refuse offsets that do not fit 64 bits.
_FURTHEST_ITEM = 2**31


def page_of(query, pagination_parameters):
    """One page of a select(), setting the total that flask-smorest puts in X-Pagination."""
    pagination_parameters.item_count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    first = pagination_parameters.first_item
    if first >= _FURTHEST_ITEM:
        return []
    return list(db.session.scalars(query.limit(pagination_parameters.page_size).offset(first)))
