"""The plan registry: create, change, archive, review, search; every change versioned and
audited."""
import calendar
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ARRAY, Integer, any_, cast, func, or_, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from emergency.audit import service as audit
from emergency.clock import local_date
from emergency.errors import Conflict, NotFound, RuleBroken
from emergency.extensions import db
from emergency.plans import letter_service
from emergency.plans.cards import new_card_number
from emergency.plans.models import CaredForPerson, ContingencyPlan, EmergencyContact, KeySafeCode, PlanVersion
from emergency.plans.snapshot import changed_fields, plan_to_dict
from emergency.plans.vocabulary import ConsentStatus, PlanStatus
from emergency.records import get_or_not_found


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def get_plan(plan_id: int) -> ContingencyPlan:
    return get_or_not_found(ContingencyPlan, plan_id, "plan", "plan_id")


def find_by_card_number(card_number: str) -> ContingencyPlan:
    plan = db.session.scalar(select(ContingencyPlan).where(ContingencyPlan.card_number == card_number))
    if plan is None:
        raise NotFound(f"no plan has card number {card_number}", field="card_number")
    return plan


def create_plan(data: dict, *, by, now, card_number: str | None = None) -> ContingencyPlan:
    """A new plan with a new random card number (the demo's plan has a fixed one)."""
    plan = ContingencyPlan(card_number=card_number or _unused_card_number(), created_at=now, updated_at=now)
    _apply(plan, data, now)
    db.session.add(plan)
    db.session.flush()
    _record_version(plan, None, change="created", by=by, now=now)
    audit.record("plan.created", user=by, now=now, plan_id=plan.id)
    _post_letters_if_first_active(PlanStatus.DRAFT, plan, by=by, now=now)
    return plan


def update_plan(plan: ContingencyPlan, data: dict, *, expected_version: int, by, now) -> ContingencyPlan:
    _refuse_if_archived(plan)
    if expected_version != plan.version:
        raise Conflict(
            f"the plan has changed since version {expected_version} (it is now version "
            f"{plan.version}); reload it and make your change again",
            field="version",
        )
    before = plan_to_dict(plan)
    _apply(plan, data, now)
    if _record_version(plan, before, change="updated", by=by, now=now):
        audit.record("plan.updated", user=by, now=now, plan_id=plan.id)
    _post_letters_if_first_active(before["status"], plan, by=by, now=now)
    return plan


def archive_plan(plan: ContingencyPlan, *, reason: str, by, now) -> ContingencyPlan:
    _refuse_if_archived(plan)
    before = plan_to_dict(plan)
    plan.status = PlanStatus.ARCHIVED
    _record_version(plan, before, change="archived", by=by, now=now, reason=reason)
    # The reason is free text that may name people: it is kept in the version, which an
    # erasure removes, and not in the append-only audit log.
    audit.record("plan.archived", user=by, now=now, plan_id=plan.id)
    return plan


def change_status(plan: ContingencyPlan, status: str, *, by, now) -> ContingencyPlan:
    """Activate a draft or suspended plan, or suspend an active one (archiving has its own verb)."""
    _refuse_if_archived(plan)
    if status not in (PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.SUSPENDED):
        raise RuleBroken(f"a plan cannot be made {status} here", field="status")
    before = plan_to_dict(plan)
    plan.status = status
    if _record_version(plan, before, change=status if status != PlanStatus.ACTIVE else "activated", by=by, now=now):
        audit.record(f"plan.{status}", user=by, now=now, plan_id=plan.id)
    _post_letters_if_first_active(before["status"], plan, by=by, now=now)
    return plan


def _post_letters_if_first_active(status_before: str, plan: ContingencyPlan, *, by, now) -> None:
    """A new plan made active (created active, or a draft activated): with the setting on, the
    carer is posted the card and the confirmation (emergency.plans.letter_service)."""
    if status_before == PlanStatus.DRAFT and plan.status == PlanStatus.ACTIVE \
            and current_app.config["POST_LETTERS_ON_ACTIVATION"]:
        letter_service.post_on_activation(plan, letter_service.LetterSettings.from_config(current_app.config),
                                          by=by, now=now)


def record_change(plan: ContingencyPlan, before: dict, *, change: str, by, now, reason: str = "") -> None:
    """A change made elsewhere in the service (a contact's consent by text): one new version."""
    _record_version(plan, before, change=change, by=by, now=now, reason=reason)


def mark_reviewed(plan: ContingencyPlan, *, by, now) -> ContingencyPlan:
    """The plan was gone through with the carer today; the next review falls due a term later."""
    _refuse_if_archived(plan)
    before = plan_to_dict(plan)
    today = local_date(now)
    plan.last_reviewed_on = today
    plan.review_due_on = add_months(today, current_app.config["PLAN_REVIEW_MONTHS"])
    _record_version(plan, before, change="reviewed", by=by, now=now)
    audit.record("plan.reviewed", user=by, now=now, plan_id=plan.id)
    return plan


def record_view(plan: ContingencyPlan, *, by, now, what: str = "plan.viewed") -> None:
    audit.record(what, user=by, now=now, plan_id=plan.id)


def read_key_safe_code(plan: ContingencyPlan, *, by, now) -> str | None:
    audit.record("plan.key_safe_viewed", user=by, now=now, plan_id=plan.id)
    return plan.key_safe.code if plan.key_safe else None


def set_key_safe_code(plan: ContingencyPlan, code: str | None, *, by, now) -> None:
    _refuse_if_archived(plan)
    before = plan_to_dict(plan)
    if code is None:
        plan.key_safe = None
    elif plan.key_safe is None:
        plan.key_safe = KeySafeCode(code=code, updated_at=now)
    else:
        plan.key_safe.code, plan.key_safe.updated_at = code, now
    # The code itself never goes into a version; the change of a code is still a change.
    _record_version(plan, before, change="key_safe_changed", by=by, now=now, force=True)
    audit.record("plan.key_safe_changed", user=by, now=now, plan_id=plan.id,
                 detail="removed" if code is None else "set")


def versions_of(plan: ContingencyPlan) -> list[PlanVersion]:
    return list(
        db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number.desc())
        )
    )


def search_plans(*, name=None, card_number=None, phone=None, postcode=None, status=None, due_by=None):
    """A query, for the caller to page. Arguments arrive normalised (E.164, LS6 2AB / LS6).
    Without a status, archived plans are left out; with due_by, only plans due for review by then."""
    query = select(ContingencyPlan)
    if due_by:
        query = query.where(ContingencyPlan.review_due_on <= due_by)
    if status:
        query = query.where(ContingencyPlan.status == status)
    else:
        query = query.where(ContingencyPlan.status != PlanStatus.ARCHIVED)
    if card_number:
        query = query.where(ContingencyPlan.card_number == card_number)
    if name:
        wanted = name.strip().lower()
        query = query.where(_on_plan_or_child(
            func.lower(ContingencyPlan.carer_name).contains(wanted, autoescape=True),
            select(CaredForPerson.plan_id).where(func.lower(CaredForPerson.name).contains(wanted, autoescape=True)),
        ))
    if phone:
        query = query.where(_on_plan_or_child(
            or_(ContingencyPlan.carer_mobile == phone, ContingencyPlan.carer_landline == phone),
            select(EmergencyContact.plan_id).where(or_(EmergencyContact.mobile == phone,
                                                       EmergencyContact.landline == phone)),
        ))
    if postcode:
        if " " in postcode:
            carer_match = ContingencyPlan.carer_postcode == postcode
            cared_for_match = CaredForPerson.postcode == postcode
        else:
            carer_match = ContingencyPlan.carer_postcode.startswith(postcode + " ")
            cared_for_match = CaredForPerson.postcode.startswith(postcode + " ")
        query = query.where(_on_plan_or_child(carer_match, select(CaredForPerson.plan_id).where(cared_for_match)))
    return query.order_by(ContingencyPlan.carer_name, ContingencyPlan.id)


def _on_plan_or_child(on_plan, child_plan_ids):
    """Plans that match on their own row or through a child's (a cared-for person, a contact).
    PostgreSQL turns `id IN (subquery)` inside an OR into a filter run on every plan; the
    children's plan ids gathered once into an array (`id = ANY(...)`) let it combine the plan
    column's index with the primary key's, so only matching plans are read. SQLite answers the
    OR with IN from each side's index already."""
    if db.session.get_bind().dialect.name == "postgresql":
        gathered = child_plan_ids.with_only_columns(func.array_agg(child_plan_ids.selected_columns[0]))
        # The cast makes the subquery one array value, computed once, rather than `= ANY (SELECT ...)`.
        return or_(on_plan, ContingencyPlan.id == any_(cast(gathered.scalar_subquery(), ARRAY(Integer))))
    return or_(on_plan, ContingencyPlan.id.in_(child_plan_ids))


def plans_due_for_review(*, today: date, within_days: int):
    """A query of live plans whose review falls due by `today + within_days`, soonest first."""
    return (
        select(ContingencyPlan)
        .where(
            ContingencyPlan.status != PlanStatus.ARCHIVED,
            ContingencyPlan.review_due_on <= today + timedelta(days=within_days),
        )
        .order_by(ContingencyPlan.review_due_on, ContingencyPlan.id)
    )


def _unused_card_number() -> str:
    while True:
        card_number = new_card_number()
        taken = db.session.scalar(
            select(ContingencyPlan.id).where(ContingencyPlan.card_number == card_number)
        )
        if taken is None:
            return card_number


def _refuse_if_archived(plan: ContingencyPlan) -> None:
    if plan.status == PlanStatus.ARCHIVED:
        raise Conflict("the plan is archived and can no longer be changed", field="status")


def _record_version(plan, before, *, change, by, now, reason="", force=False) -> PlanVersion | None:
    """Save the change as one new version of the plan. None if nothing changed."""
    if before is not None:
        with db.session.no_autoflush:
            unchanged = not changed_fields(before, plan_to_dict(plan))
        if unchanged and not force:
            return None
        plan.updated_at = now
        flag_modified(plan, "updated_at")  # exactly one UPDATE of the plan row: one version step
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(
            "someone else changed the plan at the same moment; reload it and make your change again",
            field="version",
        ) from None
    after = plan_to_dict(plan)
    version = PlanVersion(
        plan_id=plan.id,
        number=plan.version,
        changed_at=now,
        changed_by_id=by.id if by else None,
        changed_by=by.username if by else audit.SYSTEM_ACTOR,
        change=change,
        reason=reason,
        snapshot=after,
        changes=changed_fields(before, after),
    )
    db.session.add(version)
    return version


def _apply(plan: ContingencyPlan, data: dict, now) -> None:
    carer = data["carer"]
    address = carer["address"]
    plan.status = data.get("status", plan.status or PlanStatus.DRAFT)
    plan.carer_name = carer["name"]
    plan.carer_mobile = carer.get("mobile")
    plan.carer_landline = carer.get("landline")
    plan.carer_address_line1 = address["line1"]
    plan.carer_address_line2 = address.get("line2")
    plan.carer_town = address["town"]
    plan.carer_postcode = address["postcode"]
    plan.carer_preferred_language = carer.get("preferred_language") or "en"
    plan.carer_other_language = carer.get("other_language") if plan.carer_preferred_language == "other" else None
    plan.carer_large_print = bool(carer.get("large_print"))
    access = data.get("home_access") or {}
    plan.how_to_get_in = access.get("how_to_get_in", "")
    plan.key_holders = access.get("key_holders", "")
    plan.instructions = data.get("instructions", "")
    escalation = data.get("escalation") or {}
    plan.escalation_wait_minutes = escalation.get("wait_minutes")
    plan.escalation_rounds = escalation.get("rounds")
    plan.escalation_channels = escalation.get("channels")

    plan.review_texts_opt_out = data.get("review_texts_opt_out", False)
    plan.last_reviewed_on = data.get("last_reviewed_on")
    start = plan.last_reviewed_on or local_date(now)
    plan.review_due_on = data.get("review_due_on") or add_months(
        start, current_app.config["PLAN_REVIEW_MONTHS"]
    )

    plan.cared_for = _merge_children(plan.cared_for, data["cared_for"], CaredForPerson, _apply_cared_for, "cared_for")
    plan.contacts = _merge_children(plan.contacts, data.get("contacts", []), EmergencyContact, _apply_contact, "contacts")


def _merge_children(existing, items, model, apply, field):
    """Items with an id update that child (ids stay stable for pages and history); items
    without one are new; children left out are removed. List order is the new order."""
    by_id = {child.id: child for child in existing}
    merged = []
    for position, item in enumerate(items):
        child_id = item.get("id")
        if child_id is None:
            child = model()
        elif child_id in by_id:
            child = by_id.pop(child_id)
        else:
            raise RuleBroken(f"this plan has no entry with id {child_id}", field=f"{field}[{position}].id")
        child.position = position
        apply(child, item)
        merged.append(child)
    return merged


def _apply_cared_for(person: CaredForPerson, item: dict) -> None:
    address = item.get("address") or {}
    gp = item.get("gp") or {}
    person.name = item["name"]
    person.date_of_birth = item.get("date_of_birth")
    person.lives_with_carer = item.get("lives_with_carer", True)
    person.address_line1 = address.get("line1")
    person.address_line2 = address.get("line2")
    person.town = address.get("town")
    person.postcode = address.get("postcode")
    for field in ("needs", "conditions", "medication", "medication_location", "allergies",
                  "mobility_needs", "communication_needs", "other_care", "routines", "pets"):
        setattr(person, field, item.get(field, ""))
    person.gp_name = gp.get("name", "")
    person.gp_practice = gp.get("practice", "")
    person.gp_phone = gp.get("phone")
    person.can_be_left_alone = item.get("can_be_left_alone", False)
    person.safe_alone_minutes = item.get("safe_alone_minutes")


def _apply_contact(contact: EmergencyContact, item: dict) -> None:
    consent = item.get("consent") or {}
    contact.name = item["name"]
    contact.relationship_to_carer = item["relationship"]
    contact.mobile = item.get("mobile")
    contact.landline = item.get("landline")
    contact.language = item.get("language") or "en"
    contact.availability = [dict(window) for window in item.get("availability", [])]
    contact.holds_key = item.get("holds_key", False)
    contact.consent_status = consent.get("status", ConsentStatus.PENDING)
    contact.consent_recorded_on = consent.get("recorded_on")
