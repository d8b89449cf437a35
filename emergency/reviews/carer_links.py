"""The carer's own yearly review, online: the link in the review reminder (single use, expiring,
only its hash kept), the plan's mobile confirmed by a texted code, then either "nothing has
changed" (the review recorded, as the coordinator's button does) or the carer's changes sent
to the coordinators' queue as a review update. Every view of the link is audited."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from emergency.applications import codes
from emergency.applications import service as applications
from emergency.applications.models import MobileCode
from emergency.applications.settings import FrontDoorSettings
from emergency.audit import service as audit
from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.plans.models import ContingencyPlan
from emergency.plans.snapshot import changed_fields, plan_to_dict
from emergency.plans.vocabulary import PlanStatus
from emergency.reviews.models import CarerReviewLink

ACTOR = "carer (online review)"


def token_hash(token: str) -> str:
    return hashlib.sha256(f"carer-review-link:{token}".encode()).hexdigest()


def issue(plan: ContingencyPlan, *, now, days: int) -> str:
    """A new link for the plan's review; returns the token (only its hash is kept)."""
    token = secrets.token_urlsafe(24)
    db.session.add(CarerReviewLink(plan_id=plan.id, token_hash=token_hash(token), created_at=now,
                                   expires_at=now + timedelta(days=days)))
    db.session.flush()
    return token


def find(token, now) -> tuple[CarerReviewLink | None, str]:
    """(the link, 'open') when it may be used; else (the link or None, why not: 'unknown',
    'expired', 'used')."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None, "unknown"
    link = db.session.scalar(select(CarerReviewLink).where(CarerReviewLink.token_hash == token_hash(token)))
    if link is None:
        return None, "unknown"
    plan = db.session.get(ContingencyPlan, link.plan_id)
    if link.used_at is not None:
        return link, "used"
    if link.expires_at <= now or plan.status == PlanStatus.ARCHIVED or not plan.carer_mobile:
        return link, "expired"
    return link, "open"


def record_view(link: CarerReviewLink | None, page: str, *, now) -> None:
    audit.record("review_link.viewed", user=None, now=now, actor=ACTOR, plan_id=link.plan_id if link else None,
                 detail=page if link else f"{page}: no such link")


def open_link(link: CarerReviewLink, *, now, address: str, settings: FrontDoorSettings, language: str) -> None:
    """The first opening claims the link (later openings elsewhere are refused) and texts a code
    to the plan's mobile, within the code limits (raises CodeRefused)."""
    if link.opened_at is not None:
        raise RuleBroken("this link has already been opened", field="link")
    link.opened_at = now
    send_code(link, now=now, address=address, settings=settings, language=language)


def send_code(link: CarerReviewLink, *, now, address: str, settings: FrontDoorSettings, language: str):
    plan = plans.get_plan(link.plan_id)
    for earlier in db.session.scalars(select(MobileCode).where(MobileCode.review_link_id == link.id,
                                                                     MobileCode.used_at.is_(None))):
        earlier.used_at = now
    row = codes.send_code(plan.carer_mobile, address=address, now=now, settings=settings, language=language)
    row.review_link_id = link.id
    return row


def check_code(link: CarerReviewLink, typed: str, *, now, settings: FrontDoorSettings) -> str:
    """As codes.check_code; when confirmed, the plan as it is now is the version the carer sees."""
    latest = db.session.scalar(select(MobileCode).where(MobileCode.review_link_id == link.id)
                               .order_by(MobileCode.sent_at.desc(), MobileCode.id.desc()).limit(1))
    outcome = codes.check_code(latest, typed, now=now, settings=settings)
    if outcome == "confirmed":
        link.confirmed_at = now
        link.based_on_version = plans.get_plan(link.plan_id).version
        audit.record("review_link.confirmed", user=None, now=now, actor=ACTOR, plan_id=link.plan_id)
    return outcome


def nothing_changed(link: CarerReviewLink, *, now) -> ContingencyPlan:
    """The review recorded as the coordinator's button does: the next one falls due a term later."""
    plan = plans.get_plan(link.plan_id)
    _use(link, "unchanged", now)
    plans.mark_reviewed(plan, by=None, now=now)
    return plan


def send_changes(link: CarerReviewLink, changed_plan: dict, *, now, address: str):
    """The carer's plan with their changes goes to the coordinators' queue as a review update,
    each changed field marked, based on the version the carer was shown."""
    base = shown_plan(link)
    changes = [change for change in changed_fields(base, changed_plan) if change["field"] not in SERVICE_FIELDS]
    if not changes:
        raise RuleBroken("nothing was changed", field="form")
    _use(link, "changed", now)
    return applications.send_review_update(link.plan_id, changed_plan, changes, based_on_version=link.based_on_version,
                                           now=now, address=address)


# Fields the carer neither sees nor changes.
SERVICE_FIELDS = ("id", "card_number", "status", "version", "instructions", "escalation.wait_minutes",
                  "escalation.rounds", "escalation.channels", "last_reviewed_on", "review_due_on",
                  "review_texts_opt_out", "home_access.has_key_safe_code")


def shown_plan(link: CarerReviewLink) -> dict:
    """The plan as it was when the carer confirmed the code (its version then), never the key-safe code."""
    plan = plans.get_plan(link.plan_id)
    if link.based_on_version is not None and link.based_on_version != plan.version:
        for version in plans.versions_of(plan):
            if version.number == link.based_on_version:
                return version.snapshot
    return plan_to_dict(plan)


def _use(link: CarerReviewLink, outcome: str, now) -> None:
    if link.used_at is not None or link.confirmed_at is None:
        raise RuleBroken("this link cannot be used", field="link")
    link.used_at, link.outcome = now, outcome
    audit.record(f"review_link.{outcome}", user=None, now=now, actor=ACTOR, plan_id=link.plan_id)
