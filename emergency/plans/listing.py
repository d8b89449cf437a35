"""One page of the console's plan list, read in a time that does not grow with the register.

Matches are counted up to LISTED_AT_MOST only: counting a district or a common name in a national
register read every plan it found. Up to that many, the matches are gathered first and then put
in name order, so a page costs at most LISTED_AT_MOST rows. Beyond it, the list walks the plans
in name order to the page wanted, within the first LISTED_AT_MOST; a name is not walked, since a
common name (Smith, John) sits in long runs of that order and the walk may read most of the
register before it has a page: it asks for more of the name instead."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from emergency.extensions import db
from emergency.plans.models import ContingencyPlan

LISTED_AT_MOST = 1000


@dataclass(frozen=True)
class PlanListing:
    plans: list[ContingencyPlan]
    found: int  # exact up to LISTED_AT_MOST
    more: bool  # more than LISTED_AT_MOST were found: only the first are listed
    too_broad: bool  # a name found more than LISTED_AT_MOST: none are listed
    page: int
    pages: int


def one_page(query, *, page: int, size: int, by_name: bool) -> PlanListing:
    """`query` is a search_plans() query; `page` counts from 1 and is brought within the pages."""
    found = db.session.scalar(select(func.count()).select_from(query.order_by(None).limit(LISTED_AT_MOST + 1)
                                                               .subquery()))
    more = found > LISTED_AT_MOST
    if more and by_name:
        return PlanListing([], LISTED_AT_MOST, more=True, too_broad=True, page=1, pages=1)
    pages = max(1, -(-min(found, LISTED_AT_MOST) // size))
    page = max(1, min(page, pages))
    if more:
        ordered, plan = query, ContingencyPlan
    else:
        # The LIMIT keeps PostgreSQL from merging the gathering into the ordered read.
        plan = aliased(ContingencyPlan, query.order_by(None).limit(LISTED_AT_MOST + 1).subquery())
        ordered = select(plan).order_by(plan.carer_name, plan.id)
    plans = db.session.scalars(ordered.options(selectinload(plan.cared_for))
                               .limit(size).offset((page - 1) * size)).all()
    return PlanListing(plans, min(found, LISTED_AT_MOST), more=more, too_broad=False, page=page, pages=pages)
