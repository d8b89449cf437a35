"""Cover in the console: from an accepted incident, arrange cover (ask providers by text, or
record a phone booking), then extend it, end it with an outcome, or refer to adult social
care. Thin: the API's schemas read the forms and the cover services do the work."""
from flask import abort, flash, g, redirect, render_template, request, url_for

from emergency.api.provider_schemas import (
    AskProvidersSchema,
    BookingSchema,
    EndCoverSchema,
    ExtendCoverSchema,
    ReferralSchema,
)
from emergency.clock import local_zone, utc_now
from emergency.console import cover_words
from emergency.console.forms import load_form, service_problem, whole_number
from emergency.console.views import INCIDENT_PAGE_PARTS, _render_incident, _visible_incident, blp
from emergency.cover import ending, matching
from emergency.cover import service as cover
from emergency.cover.models import Cover
from emergency.cover.vocabulary import OUTCOME_WORDS, EndedBy
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.providers.vocabulary import CAPABILITY_WORDS
from emergency.records import get_or_none

PERIOD_FIELDS = ("starts_at", "ends_at", "extension_reason")
BOOK_FIELDS = ("provider_id", "book_starts_at", "book_ends_at", "book_note", "book_extension_reason")


def _booking_box(field: str) -> str:
    return field if field == "provider_id" else f"book_{field}"


def _local_text(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%d/%m/%Y %H:%M")


def _render_arrange(incident, *, ask_form=None, book_form=None, problems=None, which=None, status=200):
    config = cover.settings()
    chosen = (ask_form or {}).get("capabilities")
    capabilities = chosen if chosen is not None else matching.suggested_capabilities(incident.plan_snapshot)
    now = utc_now()
    matching_providers, others = matching.ranked_providers(incident.plan_snapshot, capabilities,
                                                           now.astimezone(local_zone()).date())
    default = {"starts_at": _local_text(now), "capabilities": capabilities, "mode": "all_at_once", "provider_ids": []}
    return render_template(
        "console/cover_arrange.html", incident=incident, district=matching.district_of(incident.plan_snapshot),
        matching=matching_providers, others=others, ask_form=ask_form or default,
        book_form=book_form or {"book_starts_at": default["starts_at"]}, problems=problems or {}, which=which,
        page_has_errors=bool(problems), limit_hours=config.limit.hours,
        capability_options=[(c.value, words) for c, words in CAPABILITY_WORDS.items()],
        provider_options=[(p.id, p.name) for p in matching_providers + others],
    ), status


def _arrangeable_incident(incident_id) -> Incident:
    incident = _visible_incident(incident_id)
    if not cover.may_arrange(incident):
        flash("Cover is arranged once someone has accepted, and while no cover is live.")
        abort(redirect(url_for("console.incident_page", incident_id=incident.id)))
    return incident


@blp.get("/incidents/<int:incident_id>/cover")
def cover_arrange(incident_id):
    return _render_arrange(_arrangeable_incident(incident_id))


def _field_problems(problems: dict) -> dict:
    """provider_ids.0 is the providers' checkboxes; capabilities.0 the capabilities'."""
    return {key.split(".")[0]: text for key, text in problems.items()}


def _warn_outside(incident, providers) -> None:
    for warnings in matching.district_warnings(incident.plan_snapshot, {str(p.id): p for p in providers}).values():
        flash(f"Warning: {warnings[0]}.")


@blp.post("/incidents/<int:incident_id>/cover/asks")
def cover_ask(incident_id):
    incident = _arrangeable_incident(incident_id)
    form = {name: request.form.get(name, "") for name in (*PERIOD_FIELDS, "mode")}
    form["provider_ids"] = request.form.getlist("provider_ids")
    form["capabilities"] = request.form.getlist("capabilities")
    typed = {**form, "provider_ids": [p if whole_number(p) is None else whole_number(p) for p in form["provider_ids"]]
             or ""}
    data, problems = load_form(AskProvidersSchema(), typed, cover_words.ASK)
    if problems:
        return _render_arrange(incident, ask_form=form, problems=_field_problems(problems), which="ask", status=422)
    try:
        asks = cover.ask_providers(incident, data, user=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_arrange(incident, ask_form=form, which="ask", status=error.status_code,
                               problems=_field_problems(service_problem(cover_words.ASK, error, "provider_ids")))
    _warn_outside(incident, [ask.provider for ask in asks])
    db.session.commit()
    flash("Asked by text: " + ", ".join(ask.provider.name for ask in asks)
          + (" (one at a time, in this order)." if data["mode"] == "one_at_a_time" else "."))
    return redirect(url_for("console.incident_page", incident_id=incident.id))


@blp.post("/incidents/<int:incident_id>/cover/bookings")
def cover_book(incident_id):
    incident = _arrangeable_incident(incident_id)
    # The booking form's boxes are named apart from the ask form's (book_starts_at), one id each.
    form = {name: request.form.get(name, "") for name in BOOK_FIELDS}
    typed = {name.removeprefix("book_"): value for name, value in form.items()}
    data, problems = load_form(BookingSchema(), typed, cover_words.BOOKING, integers=("provider_id",))
    if not problems:
        try:
            booked = cover.book_by_phone(incident, data, user=g.user, now=utc_now())
        except DomainError as error:
            db.session.rollback()
            problems = service_problem(cover_words.BOOKING, error, "provider_id")
    if problems:
        return _render_arrange(incident, book_form=form, which="book", status=422,
                               problems={_booking_box(name): text for name, text in problems.items()})
    _warn_outside(incident, [booked.provider])
    db.session.commit()
    flash(f"Cover booked with {booked.provider.name}; they are texted the link to what the care needs.")
    return redirect(url_for("console.incident_page", incident_id=incident.id))


def _cover_of(incident_id: int, cover_id: int) -> tuple[Incident, Cover]:
    incident = _visible_incident(incident_id)
    found = get_or_none(Cover, cover_id)
    if found is None or found.incident_id != incident.id:
        abort(404, description=f"Incident {incident_id} has no cover {cover_id}.")
    return incident, found


def _after(incident, change, wording, boxes: dict, done: str):
    """boxes: {the form's box: the schema's field}; the incident's page has several forms, so
    each box has a name of its own (outcome_note, referral_note)."""
    form = {field: request.form.get(box, "") for box, field in boxes.items()}
    data, problems = load_form(change[0](), form, wording)
    if not problems:
        try:
            change[1](data)
        except DomainError as error:
            db.session.rollback()
            problems = service_problem(wording, error, next(iter(form)))
    if problems:
        fields_to_boxes = {field: box for box, field in boxes.items()}
        return _render_incident(incident, {fields_to_boxes.get(k, k): v for k, v in problems.items()}, 422)
    db.session.commit()
    flash(done)
    return redirect(url_for("console.incident_page", incident_id=incident.id))


@blp.post("/incidents/<int:incident_id>/cover/<int:cover_id>/end")
def cover_end(incident_id, cover_id):
    incident, live = _cover_of(incident_id, cover_id)
    form = {"outcome": "outcome", "outcome_note": "note"}
    return _after(incident, (EndCoverSchema, lambda data: ending.end_cover(
        live, outcome=data["outcome"], note_text=data["note"], ended_by=EndedBy.CONSOLE, name=g.user.username,
        now=utc_now())), cover_words.END, form, "Cover ended; the provider's link no longer works.")


@blp.post("/incidents/<int:incident_id>/cover/<int:cover_id>/extend")
def cover_extend(incident_id, cover_id):
    incident, live = _cover_of(incident_id, cover_id)
    form = {"new_end": "ends_at", "extension_reason": "reason"}
    return _after(incident, (ExtendCoverSchema, lambda data: ending.extend(
        live, data["ends_at"], data["reason"], user=g.user, now=utc_now())), cover_words.EXTEND, form,
        "Cover extended.")


@blp.post("/incidents/<int:incident_id>/referral")
def cover_refer(incident_id):
    incident = _visible_incident(incident_id)
    form = {"referral_note": "note"}
    return _after(incident, (ReferralSchema, lambda data: ending.refer(incident, data["note"], user=g.user,
                                                                         now=utc_now())),
                  cover_words.REFERRAL, form, "Referred to adult social care: the front door is emailed.")


def cover_for_incident_page(incident) -> dict:
    """What the incident's page shows about cover."""
    return {"covers": cover.covers_for(incident.id), "cover_asks": cover.asks_for(incident.id),
            "live_cover": cover.live_cover(incident.id), "can_arrange": cover.may_arrange(incident),
            "outcome_words": OUTCOME_WORDS, "referrals": ending.referrals_for(incident.id)}


INCIDENT_PAGE_PARTS.append(cover_for_incident_page)
