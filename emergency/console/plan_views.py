"""The console's plan pages: search, one page per plan, the plan form, the key-safe code, the
plan's actions, history and audit, the card, and consent by text. Thin: the API's schemas check
what was typed and the plan services do the work."""
from datetime import timedelta

import phonenumbers
from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from emergency.api.plan_schemas import (
    WEEKDAYS,
    ArchiveSchema,
    KeySafeSchema,
    PlanSchema,
    PlanSearchArgs,
    PlanUpdateSchema,
)
from emergency.audit import service as audit
from emergency.clock import utc_now
from emergency.console import messages, plan_form
from emergency.console.forms import load_form, service_problem
from emergency.console.login import editors_only
from emergency.console.views import blp
from emergency.errors import Conflict, DomainError
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.names import first_name
from emergency.plans import consent, listing
from emergency.plans import service as plans
from emergency.plans.card_fonts import find_fonts
from emergency.plans.card_pdf import CardDetails, LetterDetails, card_pdf, letter_pdf
from emergency.plans.cards import format_card_number
from emergency.plans.models import PLAN_STATUSES, ContingencyPlan
from emergency.plans.snapshot import plan_to_dict
from emergency.plans.vocabulary import PlanStatus
from emergency.records import LARGEST_ID
from emergency.wording.languages import is_configured

PAGE_SIZE = 50
DUE_SOON = timedelta(days=30)
SEARCH_FIELDS = ("name", "card_number", "phone", "postcode", "status")


def _plan(plan_id: int) -> ContingencyPlan:
    plan = db.session.get(ContingencyPlan, plan_id) if 0 < plan_id <= LARGEST_ID else None
    if plan is None:
        abort(404, description=f"There is no plan {plan_id}.")
    return plan


def _today():
    return plans.local_date(utc_now())


def _whole(text: str | None, default: int, most: int) -> int:
    """A page number as typed into the address bar: past the last page is the last page."""
    if text and text.isascii() and text.isdigit():
        return max(1, min(int(text[:18]), most))
    return default


@blp.app_template_filter("card")
def card_filter(card_number):
    return format_card_number(card_number)


@blp.app_template_filter("day")
def day(value):
    return value.strftime("%d %b %Y").lstrip("0") if value else ""


# List and search

@blp.get("/plans")
@editors_only
def plans_page():
    typed = {name: request.args.get(name, "") for name in SEARCH_FIELDS}
    due = request.args.get("due") == "yes"
    args, problems = load_form(PlanSearchArgs(), typed, messages.PLAN_SEARCH)
    today = _today()
    found = None if problems else listing.one_page(
        plans.search_plans(**args, due_by=today + DUE_SOON if due else None),
        page=_whole(request.args.get("page"), 1, listing.LISTED_AT_MOST), size=PAGE_SIZE, by_name=bool(args.get("name")))
    paging = {k: v for k, v in typed.items() if v} | ({"due": "yes"} if due else {})
    return render_template("console/plans.html", typed=typed, due=due, problems=problems, found=found,
                           listed_at_most=listing.LISTED_AT_MOST, paging=paging, today=today, due_soon=today + DUE_SOON,
                           chosen=_chosen_filters(paging), page_has_errors=bool(problems),
                           statuses=[(status, status.capitalize()) for status in PLAN_STATUSES]), 422 if problems else 200


FILTER_WORDS = {"name": "Name", "card_number": "Card number", "phone": "Phone", "postcode": "Postcode",
                "status": "Status", "due": "Review"}


def _chosen_filters(paging: dict) -> list[dict]:
    """Each search term in use, with the address of the search without it (the MOJ filter's tags)."""
    return [{"heading": FILTER_WORDS[name], "text": "due within 30 days, or overdue" if name == "due" else value,
             "href": url_for("console.plans_page", **{k: v for k, v in paging.items() if k != name})}
            for name, value in paging.items()]


# One plan

@blp.get("/plans/<int:plan_id>")
@editors_only
def plan_page(plan_id):
    plan = _plan(plan_id)
    plans.record_view(plan, by=g.user, now=utc_now())
    db.session.commit()
    return _render_plan(plan)


def _render_plan(plan, problems=None, status=200):
    incidents = db.session.scalars(select(Incident).where(Incident.plan_id == plan.id)
                                   .order_by(Incident.opened_at.desc()).limit(50)).all()
    asks = consent.open_requests_for([contact.id for contact in plan.contacts])
    return render_template("console/plan.html", plan=plan, incidents=incidents, asks=asks, today=_today(),
                           due_soon=_today() + DUE_SOON, problems=problems or {}, weekdays=WEEKDAYS,
                           page_has_errors=bool(problems)), status


# The form

@blp.route("/plans/new", methods=["GET", "POST"])
@editors_only
def new_plan():
    if request.method == "GET":
        return _render_form(None, plan_form.blank_form())
    form = plan_form.read_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        plan_form.apply_action(form, action)
        return _render_form(None, form)
    data, problems = load_form(PlanSchema(), plan_form.plan_input(form, with_version=False), messages.PLAN)
    if problems:
        return _render_form(None, form, problems, 422)
    try:
        plan = plans.create_plan(data, by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_form(None, form, service_problem(messages.PLAN, error, "form"), error.status_code)
    db.session.commit()
    flash(f"Plan registered: card number {plan.card_number}.")
    _say_if_overdue(plan)
    return redirect(url_for("console.plan_page", plan_id=plan.id))


def _say_if_overdue(plan) -> None:
    """A review date in the past is accepted (a paper plan may come in overdue), but said plainly."""
    if plan.review_due_on < _today():
        flash(f"The plan's review was due on {day(plan.review_due_on)}, which has passed, so the plan shows as "
              "overdue for review. Record a review when you have gone through the plan with the carer.", "warning")


@blp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@editors_only
def edit_plan(plan_id):
    plan = _plan(plan_id)
    if plan.status == PlanStatus.ARCHIVED:
        abort(409, description="The plan is archived and can no longer be changed.")
    if request.method == "GET":
        return _render_form(plan, plan_form.form_from_plan(plan_to_dict(plan), plan.version))
    form = plan_form.read_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        plan_form.apply_action(form, action)
        return _render_form(plan, form)
    data, problems = load_form(PlanUpdateSchema(), plan_form.plan_input(form, with_version=True), messages.PLAN)
    if problems:
        return _render_form(plan, form, problems, 422)
    based_on = data.pop("version")
    try:
        plans.update_plan(plan, data, expected_version=based_on, by=g.user, now=utc_now())
    except Conflict as error:
        db.session.rollback()
        if error.field != "version":
            return _render_form(plan, form, {"form": messages.plain({}, "form", error.message)}, 409)
        return _render_conflict(_plan(plan_id), form, based_on)
    except DomainError as error:
        db.session.rollback()
        return _render_form(plan, form, service_problem(messages.PLAN, error, "form"), error.status_code)
    db.session.commit()
    flash("Plan saved.")
    _say_if_overdue(plan)
    return redirect(url_for("console.plan_page", plan_id=plan.id))


def _render_conflict(plan, form, based_on):
    """Someone else saved first: show what they changed, and the form with their changes merged
    into what was typed (typed wins where both changed a field), based on the plan as it is now,
    so that saving again is a deliberate choice. Nothing is saved yet."""
    versions = plans.versions_of(plan)
    newer = [version for version in versions if version.number > based_on]
    base = next((version.snapshot for version in versions if version.number == based_on), None)
    theirs = plan_form.form_from_plan(plan_to_dict(plan), plan.version)
    if base is not None:
        form = plan_form.merge_typed(plan_form.form_from_plan(base, based_on), theirs, form)
    for which in ("cared_for", "contacts"):
        current = {row["id"] for row in theirs[which]}
        for row in form[which]:
            if row["id"] not in current:
                row["id"] = ""  # removed meanwhile: saving again adds it back as new
    form["version"] = str(plan.version)
    return _render_form(plan, form, {"version": "Someone else saved this plan while you were editing it."}, 409,
                        newer=newer)


def _render_form(plan, form, problems=None, status=200, newer=()):
    return render_template("console/plan_form.html", plan=plan, form=form, problems=problems or {},
                           day_options=[(day, day.capitalize()) for day in WEEKDAYS], newer=newer,
                           page_has_errors=bool(problems)), status


# Actions

@blp.post("/plans/<int:plan_id>/status")
@editors_only
def change_status(plan_id):
    plan = _plan(plan_id)
    wanted = request.form.get("status", "")
    return _act(plan, lambda now: plans.change_status(plan, wanted, by=g.user, now=now), f"The plan is now {wanted}.")


@blp.post("/plans/<int:plan_id>/review")
@editors_only
def record_review(plan_id):
    plan = _plan(plan_id)
    return _act(plan, lambda now: plans.mark_reviewed(plan, by=g.user, now=now),
                "Review recorded; the next one is due {}.", lambda: day(plan.review_due_on))


@blp.post("/plans/<int:plan_id>/archive")
@editors_only
def archive(plan_id):
    plan = _plan(plan_id)
    data, problems = load_form(ArchiveSchema(), {"reason": request.form.get("reason", "")}, messages.ARCHIVE)
    if problems:
        return _render_plan(plan, problems, 422)
    return _act(plan, lambda now: plans.archive_plan(plan, reason=data["reason"], by=g.user, now=now), "Archived.")


def _act(plan, change, done: str, detail=lambda: ""):
    try:
        change(utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_plan(_plan(plan.id), service_problem({}, error, "form"), error.status_code)
    db.session.commit()
    flash(done.format(detail()))
    return redirect(url_for("console.plan_page", plan_id=plan.id))


# The key-safe code: its own form, shown only after a deliberate click, every view audited

@blp.get("/plans/<int:plan_id>/key-safe")
@editors_only
def key_safe(plan_id):
    return _render_key_safe(_plan(plan_id))


def _render_key_safe(plan, code=None, problems=None, status=200):
    return render_template("console/key_safe.html", plan=plan, code=code, problems=problems or {},
                           page_has_errors=bool(problems)), status


@blp.post("/plans/<int:plan_id>/key-safe/reveal")
@editors_only
def reveal_key_safe(plan_id):
    plan = _plan(plan_id)
    code = plans.read_key_safe_code(plan, by=g.user, now=utc_now())
    db.session.commit()
    return _render_key_safe(plan, code=code or "")


@blp.post("/plans/<int:plan_id>/key-safe")
@editors_only
def set_key_safe(plan_id):
    plan = _plan(plan_id)
    remove = request.form.get("action") == "remove"
    if remove:
        data, problems = {"code": None}, {}
    else:
        data, problems = load_form(KeySafeSchema(), {"code": request.form.get("code", "")}, messages.KEY_SAFE)
    if problems:
        return _render_key_safe(plan, problems=problems, status=422)
    try:
        plans.set_key_safe_code(plan, data["code"], by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_key_safe(_plan(plan_id), problems=service_problem(messages.KEY_SAFE, error, "code"),
                                status=error.status_code)
    db.session.commit()
    flash("Key-safe code removed." if remove else "Key-safe code saved.")
    return redirect(url_for("console.plan_page", plan_id=plan.id))


# History and audit

@blp.get("/plans/<int:plan_id>/history")
@editors_only
def plan_history(plan_id):
    plan = _plan(plan_id)
    plans.record_view(plan, by=g.user, now=utc_now(), what="plan.history_viewed")
    db.session.commit()
    return render_template("console/plan_history.html", plan=plan, versions=plans.versions_of(plan))


@blp.get("/plans/<int:plan_id>/audit")
@editors_only
def plan_audit(plan_id):
    plan = _plan(plan_id)
    query = audit.events_for_plan(plan.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = _whole(request.args.get("page"), 1, pages)
    events = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("console/plan_audit.html", plan=plan, events=events, page=page, pages=pages, total=total)


# The card and the letter

def _line_number() -> str:
    number = current_app.config.get("LINE_PHONE_NUMBER") or current_app.config.get("TWILIO_FROM_NUMBER")
    if not number:
        abort(409, description="The line's phone number is not set (TWILIO_FROM_NUMBER or LINE_PHONE_NUMBER), "
                               "so there is no number to print on the card.")
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _card(plan) -> CardDetails:
    language = plan.carer_preferred_language if is_configured(plan.carer_preferred_language) else "en"
    return CardDetails(carer_first_name=first_name(plan.carer_name), card_number=plan.card_number,
                       line_number=_line_number(), language=language, large_print=plan.carer_large_print)


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.get("/plans/<int:plan_id>/card.pdf")
@editors_only
def card(plan_id):
    plan = _plan(plan_id)
    return _pdf(card_pdf(_card(plan), find_fonts(current_app.config["FONT_DIRECTORY"])),
                f"card-{plan.card_number}.pdf")


@blp.get("/plans/<int:plan_id>/letter.pdf")
@editors_only
def letter(plan_id):
    plan = _plan(plan_id)
    address = tuple(line for line in (plan.carer_address_line1, plan.carer_address_line2, plan.carer_town,
                                      plan.carer_postcode) if line)
    body = letter_pdf(LetterDetails(card=_card(plan), carer_name=plan.carer_name, address_lines=address,
                                    review_due_on=plan.review_due_on, written_on=_today()),
                      find_fonts(current_app.config["FONT_DIRECTORY"]))
    audit.record("plan.letter_printed", user=g.user, now=utc_now(), plan_id=plan.id)
    db.session.commit()
    return _pdf(body, f"letter-{plan.card_number}.pdf")


# Consent by text

@blp.post("/plans/<int:plan_id>/contacts/<int:contact_id>/ask-consent")
@editors_only
def ask_consent(plan_id, contact_id):
    plan = _plan(plan_id)
    contact = next((c for c in plan.contacts if c.id == contact_id), None)
    if contact is None:
        abort(404, description=f"Plan {plan_id} has no contact {contact_id}.")
    try:
        asked, new = consent.ask_for_consent(contact, by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_plan(_plan(plan_id), {f"contact-{contact_id}": messages.plain({}, "form", error.message)},
                            error.status_code)
    db.session.commit()
    flash(f"Text queued to {contact.name}, asking them to reply AGREE {asked.code} or REFUSE {asked.code}." if new
          else f"{contact.name} was already asked on {day(asked.asked_at)} (code {asked.code}); no second text sent.")
    return redirect(request.form.get("back") == "consent" and url_for("console.consent_page")
                    or url_for("console.plan_page", plan_id=plan.id))


@blp.get("/consent")
@editors_only
def consent_page():
    rows = db.session.execute(consent.contacts_awaiting_consent().limit(500)).all()
    asks = consent.open_requests_for([contact.id for contact, _ in rows])
    return render_template("console/consent.html", rows=rows, asks=asks)
