"""Plan reviews: the weekly list for coordinators, the carer's reminder text (with the link to
review the plan online: emergency.reviews.carer_links), and the review letter by post for a carer with no mobile to text.

Each is sent once per plan per due date, however often the jobs run and however many workers
run them: the notice's unique key (plan, due date, kind) is claimed in the same transaction
that queues the message, and a worker that loses the race inserts nothing and sends nothing.
"""
import hashlib
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from emergency.alerts import service as alerts
from emergency.audit import service as audit
from emergency.clock import local_date
from emergency.database import insert_of
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.outbox.models import Purpose
from emergency.outbox.service import queue_message
from emergency.plans import letter_service
from emergency.plans.letters import LetterKind
from emergency.plans.models import ContingencyPlan
from emergency.plans.service import plans_due_for_review
from emergency.plans.vocabulary import PlanStatus
from emergency.reviews import carer_links
from emergency.reviews.models import PlanReviewNotice
from emergency.wording import phrase

LIST_WITHIN_DAYS = 30
TEXT_CARER_DAYS_BEFORE = 14
LISTS_AT_MOST = 10


def _claim(plan_id: int, due_on: date, kind: str, now) -> bool:
    """True if this call is the first to tell `kind` about this plan's review on `due_on`."""
    insert = insert_of(db.session)
    claimed = db.session.scalar(
        insert(PlanReviewNotice).values(plan_id=plan_id, due_on=due_on, kind=kind, sent_at=now)
        .on_conflict_do_nothing(index_elements=["plan_id", "due_on", "kind"]).returning(PlanReviewNotice.id)
    )
    return claimed is not None


def due_and_overdue(today: date, within_days: int = LIST_WITHIN_DAYS) -> tuple[list, list]:
    """(overdue plans, plans due within `within_days`), soonest first. A plan stays overdue
    until a review is recorded, which moves its review date on."""
    plans = db.session.scalars(plans_due_for_review(today=today, within_days=within_days)).all()
    return [p for p in plans if p.review_due_on < today], [p for p in plans if p.review_due_on >= today]


def list_due_reviews_to_coordinators(now) -> list[int]:
    """The weekly job: tell coordinators (through their alert path) of plans whose review
    falls due in the next 30 days that they have not yet been told about. Returns the plan ids."""
    today = local_date(now)
    _, due = due_and_overdue(today)
    newly = [plan for plan in due if _claim(plan.id, plan.review_due_on, "coordinators", now)]
    if not newly:
        return []
    listed = "; ".join(f"card {p.card_number} due {p.review_due_on:%d %b}" for p in newly[:LISTS_AT_MOST])
    more = f"; and {len(newly) - LISTS_AT_MOST} more" if len(newly) > LISTS_AT_MOST else ""
    body = (f"Carers Emergency Line: {len(newly)} plan{'s' if len(newly) > 1 else ''} due for review in the next "
            f"{LIST_WITHIN_DAYS} days: {listed}{more}. The list is in the console under Reviews.")
    batch = ",".join(str(p.id) for p in newly)
    alerts.alert_coordinators(key=f"plan-reviews:{today}:{_short_hash(batch)}",
                              subject=f"Carers Emergency Line: {len(newly)} plan review(s) due", body=body,
                              purpose=Purpose.REVIEW_LIST, now=now)
    return [p.id for p in newly]


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def review_text(due_on: date, call: str, link: str | None = None) -> str:
    # No names, addresses or health details: the text may be read by anyone holding the phone.
    # The link opens nothing without the code then texted to the same mobile.
    due = due_on.strftime("%d %B %Y")
    if link:
        return phrase("reviews.carer_text_with_link", due=due, call=call, link=link)
    return phrase("reviews.carer_text", due=due, call=call)


def _due_to_remind(today: date, *, has_mobile: bool) -> list[ContingencyPlan]:
    """Active plans whose review falls due within two weeks and that do not opt out of reminders."""
    mobile = ContingencyPlan.carer_mobile.is_not(None) if has_mobile else ContingencyPlan.carer_mobile.is_(None)
    return db.session.scalars(
        select(ContingencyPlan).where(
            ContingencyPlan.status == PlanStatus.ACTIVE,
            ContingencyPlan.review_texts_opt_out.is_(False),
            mobile,
            ContingencyPlan.review_due_on >= today,
            ContingencyPlan.review_due_on <= today + timedelta(days=TEXT_CARER_DAYS_BEFORE),
        ).order_by(ContingencyPlan.review_due_on, ContingencyPlan.id)
    ).all()


def post_review_letters(now) -> list[int]:
    """The daily job, for carers with no mobile to text: the review letter, by post (Notify or the
    print queue), once per plan per due date. A letter that cannot be made (an address the post
    cannot take) is audited and not tried again for that due date. Returns the plan ids posted to."""
    settings = letter_service.LetterSettings.from_config(current_app.config)
    posted = []
    for plan in _due_to_remind(local_date(now), has_mobile=False):
        if not _claim(plan.id, plan.review_due_on, "carer_letter", now):
            continue
        try:
            letter_service.post_letter(plan, LetterKind.REVIEW, settings, by=None, now=now)
        except DomainError as refused:
            audit.record("plan.letter_not_posted", user=None, now=now, plan_id=plan.id, detail=f"review: {refused.message}")
            continue
        posted.append(plan.id)
    return posted


def text_carers_before_review(now) -> list[int]:
    """The daily job: text each carer whose active plan's review falls due within two weeks,
    unless the plan opts out or has no mobile. Returns the plan ids texted."""
    today = local_date(now)
    call = current_app.config["PLAN_REVIEW_PHONE"]
    plans = _due_to_remind(today, has_mobile=True)
    texted = []
    for plan in plans:
        if _claim(plan.id, plan.review_due_on, "carer", now):
            token = carer_links.issue(plan, now=now, days=current_app.config["REVIEW_LINK_DAYS"])
            link = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/review/{token}"
            queue_message(key=f"plan-review:{plan.id}:{plan.review_due_on}:carer", channel="sms",
                          to_number=plan.carer_mobile, body=review_text(plan.review_due_on, call, link),
                          purpose=Purpose.REVIEW_REMINDER, now=now)
            texted.append(plan.id)
    return texted
