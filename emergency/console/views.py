"""The console's pages. Thin: read through the services, render, and for the actions (open by
hand, resolve, cancel) check the form with the API's schemas and call the same services."""
import math
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from emergency.api.incidents import CancelSchema, OpenIncidentSchema, ResolveSchema
from emergency.clock import local_zone, utc_now
from emergency.console import messages
from emergency.console.board import RECENTLY_CLOSED, asked, needs_a_person, row
from emergency.console.forms import load_form
from emergency.console.login import (
    AUTOMATIC_RELOAD,
    check_csrf,
    editors_only,
    known_device_key,
    log_in,
    log_out,
    login_form_token,
    remember_device,
    require_login,
    safe_next,
)
from emergency.console.words import CHANNELS, purpose_words, status_words
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.incidents import closing, engine, opening, timeline, visibility
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import LIVE_STATUSES, EventKind, IncidentStatus, Origin, PageStatus
from emergency.outbox import failover, opt_outs
from emergency.outbox import service as outbox
from emergency.outbox.service import PROVIDER_NAMES
from emergency.outbox.setup import current_outbox
from emergency.phones import labelled_phone
from emergency.plans import service as plans
from emergency.records import get_or_none
from emergency.rota import service as rota
from emergency.telephony import spool
from emergency.users import service as users
from emergency.users.roles import Role, has_console

blp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")
blp.before_request(require_login)

MOST_LISTED = 100
REFRESH_SECONDS = 30
# The console's sections, for its navigation: (words, endpoint, endpoints that belong to it, who sees it)
SECTIONS = [
    ("Incidents", "console.board", ("console.board", "console.incident_page", "console.open_by_hand",
                                    "console.resolve", "console.cancel", "console.cover_"), "everyone"),
    ("Plans", "console.plans_page", ("console.plan", "console.new_plan", "console.edit_plan", "console.key_safe",
                                     "console.reveal_key_safe", "console.set_key_safe", "console.consent_page",
                                     "console.change_status", "console.record_review", "console.archive"), "editors"),
    ("Applications", "console.applications_page", ("console.application", "console.approve_application",
                                                   "console.start_review", "console.withdraw_application",
                                                   "console.decline_application", "console.email_application"),
     "editors"),
    ("Rota", "console.rota_week", ("console.rota", "console.add_override", "console.withdraw_override",
                                   "console.import_shifts", "console.patterns_page", "console.pattern_form",
                                   "console.end_pattern", "console.officer", "console.deactivate_officer"), "editors"),
    ("Providers", "console.providers_page", ("console.providers_page", "console.provider_page",
                                             "console.provider_active"), "editors"),
    ("Outbox", "console.outbox_page", ("console.outbox_page",), "editors"),
    ("Print queue", "console.print_queue", ("console.print_queue",), "editors"),
    ("Opt-outs", "console.opt_outs_page", ("console.opt_outs_page",), "editors"),
    ("Reports", "reports.report_page", ("reports.",), "editors"),
    ("Languages", "console.languages_page", ("console.languages_page", "console.language_reviewed",
                                                       "console.language_prompts"), "editors"),
    ("People", "console.people_page", ("console.people_page", "console.person_page", "console.create_person"), "admins"),
    ("My shifts", "console.my_shifts", ("console.my_shifts",), "duty officers"),
]


@blp.after_request
def private_pages(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.app_context_processor
def console_navigation():
    """The console's sections this user may open, the one they are in marked."""
    user = g.get("user")
    if user is None or request.endpoint == "console.login":
        return {"console_navigation": []}
    who = {"everyone": True, "editors": g.get("may_edit", False), "admins": user.role == Role.ADMIN,
           "duty officers": user.role == Role.DUTY_OFFICER}
    endpoint = request.endpoint or ""
    items = [{"text": text, "href": url_for(target), "active": any(endpoint.startswith(e) for e in endpoints)}
             for text, target, endpoints, audience in SECTIONS if who[audience]]
    if who["editors"]:
        items.append({"text": "API", "href": "/api/docs"})
    return {"console_navigation": items}


@blp.app_template_filter("local_time")
def local_time(at):
    return at.astimezone(local_zone()).strftime("%a %d %b %Y %H:%M") if at else ""


@blp.route("/login", methods=["GET", "POST"])
def login():
    login_form_token()
    if request.method == "GET":
        return render_template("console/login.html", problem=None)
    check_csrf()
    username = request.form.get("username", "").strip()
    outcome = users.user_for_login(username, request.form.get("password", ""), utc_now(),
                                   source_address=request.remote_addr or "unknown",
                                   secret_key=current_app.config["SECRET_KEY"], device=known_device_key())
    db.session.commit()  # a refused attempt counts towards the delays
    if outcome.user is not None and not has_console(outcome.user):
        return render_template("console/login.html", problem="This account only reads /metrics: it has no console."), 403
    if outcome.user is not None:
        log_in(outcome.user)
        db.session.commit()
        return remember_device(redirect(safe_next(request.args.get("next"))), outcome.user)
    if outcome.wait:
        seconds = math.ceil(outcome.wait.total_seconds())
        problem = (f"Too many wrong passwords for this account or from this network: try again in {seconds} "
                   f"second{'s' if seconds != 1 else ''}.")
        return render_template("console/login.html", problem=problem), 429, {"Retry-After": str(seconds)}
    return render_template("console/login.html", problem="Wrong username or password."), 401


@blp.post("/logout")
def logout():
    log_out(g.user)
    return redirect(url_for("console.login"))


@blp.get("/")
def board():
    """The list of incidents refreshes itself every 30 seconds (a module script fetches it alone,
    so the form below it keeps what was typed); ?refresh=off stops it (WCAG 2.2.1). The fetch's
    address says it is automatic: it does not keep an unattended session alive."""
    return _render_board()


@blp.get("/incidents/board-list")
def board_list():
    """The board's list of incidents alone, for the board's script to swap in."""
    return render_template("console/_board_incidents.html", **_board_lists(utc_now(), g.user))


def _board_lists(now, user) -> dict:
    live = db.session.scalars(visibility.incidents_for(user).where(Incident.status.in_(LIVE_STATUSES))).all()
    attention = [i for i in live if needs_a_person(i)]
    closed = db.session.scalars(
        visibility.incidents_for(user).where(Incident.status.in_((IncidentStatus.RESOLVED, IncidentStatus.CANCELLED)),
                                             Incident.closed_at >= now - RECENTLY_CLOSED).limit(MOST_LISTED)
    ).all()
    return {"attention": [row(i) for i in attention], "live": [row(i) for i in live if i not in attention],
            "closed": [row(i) for i in closed], "beat": engine.last_tick(), "listed_at": now}


def _render_board(problems=None, form=None, status=200):
    now, user = utc_now(), g.user
    days = current_app.config["ROTA_GAP_DAYS"]
    gaps = [rota.describe_span(a, b, local_zone()) for a, b in rota.gaps(now, now + timedelta(days=days))
            ] if g.may_edit else []  # a duty officer sees their own shifts and asks, not the rota
    refreshing = request.args.get("refresh") != "off"
    return render_template(
        "console/board.html", **_board_lists(now, user), gaps=gaps, gap_days=days, problems=problems or {},
        form=form or {},
        outages=[o["summary"] for o in outbox.provider_outages(
            now, current_app.config["PROVIDER_OUTAGE_ALERT_SECONDS"], local_zone()).values() if o["summary"]],
        refresh_seconds=REFRESH_SECONDS if refreshing else 0, automatic_reload={AUTOMATIC_RELOAD: 1},
        page_has_errors=bool(problems), dead_letters=dead_letters_for_board(),
        texts=failover.texts_carried_by(current_outbox().transports, local_zone()),
    ), status


def dead_letters_for_board() -> list[dict]:
    """Kept texts the line could not handle; a duty officer sees none (the texts may hold anything)."""
    if not g.may_edit:
        return []
    return [{**letter, "received_at": _instant(letter.get("received_at"))} for letter in spool.dead_letters()]


def _instant(text) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@blp.post("/incidents")
@editors_only
def open_by_hand():
    """A call taken outside the line: the same escalation as a text with the card number."""
    form = {name: request.form.get(name, "") for name in ("card_number", "caller_number", "note")}
    data, problems = load_form(OpenIncidentSchema(), form, messages.OPEN_INCIDENT)
    if problems:
        return _render_board(problems, form, 422)
    try:
        plan = plans.find_by_card_number(data["card_number"])
        now = utc_now()
        incident, joined = opening.open_incident(plan, caller_number=data["caller_number"], channel=Origin.CONSOLE,
                                                 now=now, opened_by=g.user.username)
        if data["note"]:
            timeline.note(incident, now, EventKind.NOTE, data["note"])
    except DomainError as error:
        db.session.rollback()
        return _render_board({"card_number": messages.plain(messages.OPEN_INCIDENT, "card_number", error.message)},
                             form, error.status_code)
    db.session.commit()
    flash("That plan already had a live incident; the call was added to it." if joined
          else "Incident opened; the first asks are on their way.")
    return redirect(url_for("console.incident_page", incident_id=incident.id))


def _visible_incident(incident_id: int) -> Incident:
    incident = get_or_none(Incident, incident_id)
    if incident is None or not visibility.visible_to(g.user, incident):
        abort(404, description=f"There is no incident {incident_id} for you to see.")
    return incident


@blp.get("/incidents/<int:incident_id>")
def incident_page(incident_id):
    return _render_incident(_visible_incident(incident_id))


# Parts of the incident's page that concepts above incidents add (cover): each takes the
# incident and returns more values for its template.
INCIDENT_PAGE_PARTS: list = []


def _render_incident(incident, problems=None, status=200):
    parts = {key: value for part in INCIDENT_PAGE_PARTS for key, value in part(incident).items()}
    officer_id = None if g.may_edit else visibility.officer_id_for(g.user)
    mine = [page for page in incident.pages if officer_id is not None and page.officer_id == officer_id
            and page.status == PageStatus.OPEN]
    return render_template("console/incident.html", incident=incident, summary=row(incident),
                           snapshot=incident.plan_snapshot, problems=problems or {}, my_ask=mine[-1] if mine else None,
                           asks=[asked(page) for page in incident.pages],
                           can_close=incident.status in LIVE_STATUSES and g.may_edit,
                           page_has_errors=bool(problems), **parts), status


@blp.post("/incidents/<int:incident_id>/resolve")
@editors_only
def resolve(incident_id):
    incident = _visible_incident(incident_id)
    data, problems = load_form(ResolveSchema(), {"note": request.form.get("note", "")}, messages.RESOLVE)
    if problems:
        return _render_incident(incident, problems, 422)
    return _close(incident, lambda now: closing.resolve(incident, now, g.user.username, data["note"]),
                  "Incident resolved: the person is safe.")


@blp.post("/incidents/<int:incident_id>/cancel")
@editors_only
def cancel(incident_id):
    incident = _visible_incident(incident_id)
    data, problems = load_form(CancelSchema(), {"reason": request.form.get("reason", "")}, messages.CANCEL)
    if problems:
        return _render_incident(incident, problems, 422)
    return _close(incident, lambda now: closing.cancel(incident, data["reason"], now, g.user.username),
                  "Incident cancelled as a false alarm.")


def _close(incident, change, done: str):
    try:
        change(utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_incident(incident, {"status": messages.plain({}, "status", error.message)}, error.status_code)
    db.session.commit()
    flash(done)
    return redirect(url_for("console.incident_page", incident_id=incident.id))


@blp.get("/outbox")
@editors_only
def outbox_page():
    sent = db.session.scalars(outbox.messages().limit(MOST_LISTED)).all()
    return render_template("console/outbox.html", most=MOST_LISTED, messages=[
        {"message": m, "channel": CHANNELS.get(m.channel, m.channel), "why": purpose_words(m.purpose),
         "status": status_words(m.status),
         "to": labelled_phone(m.to_number) if m.to_number else (m.to_email or "the address in it"),
         "through": PROVIDER_NAMES.get(m.provider, m.provider)}
        for m in sent])


@blp.get("/opt-outs")
@editors_only
def opt_outs_page():
    return render_template("console/opt_outs.html", opt_outs=db.session.scalars(opt_outs.opt_outs()).all())

