"""The console's pages. Thin: read through the services, render, and for the actions (open by
hand, resolve, cancel) check the form with the API's schemas and call the same services."""
import math
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import EXCLUDE, ValidationError
from werkzeug.exceptions import HTTPException

from emergency.api.incidents import CancelSchema, OpenIncidentSchema, ResolveSchema
from emergency.clock import local_zone, utc_now
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
from emergency.errors import DomainError
from emergency.extensions import db, too_large_message
from emergency.incidents import engine
from emergency.incidents import service as incidents
from emergency.incidents.messages import who_and_where
from emergency.incidents.models import Incident
from emergency.incidents.vocabulary import LIVE_STATUSES, NEEDS_PERSON_WORDS, EventKind, IncidentStatus, Origin, Stage
from emergency.outbox import failover, opt_outs
from emergency.outbox import service as outbox
from emergency.outbox.setup import current_outbox
from emergency.phones import labelled_phone
from emergency.plans import service as plans
from emergency.records import get_or_none
from emergency.rota import service as rota
from emergency.telephony import spool
from emergency.users import service as users
from emergency.users.roles import has_console

blp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")
blp.before_request(require_login)

RECENTLY_CLOSED = timedelta(days=7)
MOST_LISTED = 100


@blp.after_request
def private_pages(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.errorhandler(HTTPException)
def error_page(error):
    if error.code == 413:
        message = too_large_message()
        error.description = message[0].upper() + message[1:] + ". Go back and send less."
    return render_template("console/error.html", error=error), error.code


@blp.app_template_filter("local_time")
def local_time(at):
    return at.astimezone(local_zone()).strftime("%a %d %b %Y %H:%M") if at else ""


# "07700 900123 (mobile)": numbers as people in the UK write them, with what kind they are.
blp.add_app_template_filter(labelled_phone, "phone")


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
    """Refreshes itself by the Refresh header, which a person can turn off (WCAG 2.2.1). The
    reload's address says it is automatic: it does not keep an unattended session alive."""
    page, status = _render_board()
    response = current_app.make_response((page, status))
    if request.args.get("refresh") != "off":
        response.headers["Refresh"] = f"30; url={url_for('console.board', **{AUTOMATIC_RELOAD: 1})}"
    return response


def _render_board(problems=None, form=None, status=200):
    now, user = utc_now(), g.user
    live = db.session.scalars(incidents.incidents_for(user).where(Incident.status.in_(LIVE_STATUSES))).all()
    attention = [i for i in live if i.status in (IncidentStatus.EXHAUSTED, IncidentStatus.NEEDS_PERSON)
                 or i.nobody_reached_at is not None]
    closed = db.session.scalars(
        incidents.incidents_for(user).where(Incident.status.in_((IncidentStatus.RESOLVED, IncidentStatus.CANCELLED)),
                                            Incident.closed_at >= now - RECENTLY_CLOSED).limit(MOST_LISTED)
    ).all()
    days = current_app.config["ROTA_GAP_DAYS"]
    gaps = [rota.describe_span(a, b, local_zone()) for a, b in rota.gaps(now, now + timedelta(days=days))
            ] if g.may_edit else []  # a duty officer sees their own shifts and asks, not the rota
    return render_template(
        "console/board.html", attention=[row(i) for i in attention], dead_letters=dead_letters_for_board(),
        live=[row(i) for i in live if i not in attention], closed=[row(i) for i in closed], gaps=gaps,
        gap_days=days, beat=engine.last_tick(), problems=problems or {}, form=form or {},
        outages=[o["summary"] for o in outbox.provider_outages(
            now, current_app.config["PROVIDER_OUTAGE_ALERT_SECONDS"], local_zone()).values() if o["summary"]],
        texts=failover.texts_carried_by(current_outbox().transports, local_zone()),
        refreshing=request.endpoint == "console.board" and request.args.get("refresh") != "off",
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


def row(incident: Incident) -> dict:
    snapshot = incident.plan_snapshot
    carer, cared_for, district = who_and_where(snapshot) if snapshot else ("", "", "")
    accepter = incident.accepted_page
    if incident.status == IncidentStatus.ACCEPTED:
        doing = f"{accepter.name if accepter else 'someone'} is going"
    elif incident.status == IncidentStatus.EXHAUSTED:
        doing = "nobody accepted: call round yourself"
    elif incident.status == IncidentStatus.NEEDS_PERSON:
        reason = NEEDS_PERSON_WORDS.get(incident.needs_person_reason, "see the timeline")
        doing = f"needs a person: {reason}"
    elif incident.stage == Stage.CONTACTS:
        doing = "asking the plan's contacts"
    elif incident.stage == Stage.ROTA:
        doing = f"asking the duty officers (round {incident.rota_round} of {incident.rounds})"
    else:
        doing = incident.status
    if incident.nobody_reached_at is not None and incident.status in LIVE_STATUSES:
        doing = f"NOBODY COULD BE TOLD: call them back yourself. {doing}"
    return {"incident": incident, "who": f"{cared_for} (carer {carer}), {district}" if snapshot else "no plan found",
            "doing": doing}


@blp.post("/incidents")
@editors_only
def open_by_hand():
    """A call taken outside the line: the same escalation as a text with the card number."""
    form = {name: request.form.get(name, "") for name in ("card_number", "caller_number", "note")}
    data, problems = _load(OpenIncidentSchema(), {k: v for k, v in form.items() if v.strip()})
    if problems:
        return _render_board(problems, form, 422)
    try:
        plan = plans.find_by_card_number(data["card_number"])
        now = utc_now()
        incident, joined = incidents.open_incident(plan, caller_number=data["caller_number"], channel=Origin.CONSOLE,
                                                   now=now, opened_by=g.user.username)
        if data["note"]:
            incidents.note(incident, now, EventKind.NOTE, data["note"])
    except DomainError as error:
        db.session.rollback()
        return _render_board({"card_number": error.message}, form, error.status_code)
    db.session.commit()
    flash("That plan already had a live incident; the call was added to it." if joined
          else "Incident opened; the first asks are on their way.")
    return redirect(url_for("console.incident_page", incident_id=incident.id))


def _load(schema, form) -> tuple[dict, dict]:
    """The API's own schema checks the form: (data, {field: what is wrong})."""
    try:
        return schema.load(form, unknown=EXCLUDE), {}
    except ValidationError as error:
        return {}, {field: " ".join(map(str, messages)) if isinstance(messages, list) else str(messages)
                    for field, messages in error.messages.items()}


def _visible_incident(incident_id: int) -> Incident:
    incident = get_or_none(Incident, incident_id)
    if incident is None or not incidents.visible_to(g.user, incident):
        abort(404, description=f"There is no incident {incident_id} for you to see.")
    return incident


@blp.get("/incidents/<int:incident_id>")
def incident_page(incident_id):
    return _render_incident(_visible_incident(incident_id))


def _render_incident(incident, problems=None, status=200):
    return render_template("console/incident.html", incident=incident, summary=row(incident),
                           snapshot=incident.plan_snapshot, problems=problems or {},
                           can_close=incident.status in LIVE_STATUSES and g.may_edit), status


@blp.post("/incidents/<int:incident_id>/resolve")
@editors_only
def resolve(incident_id):
    incident = _visible_incident(incident_id)
    data, problems = _load(ResolveSchema(), {"note": request.form.get("note", "")})
    if problems:
        return _render_incident(incident, problems, 422)
    return _close(incident, lambda now: incidents.resolve(incident, now, g.user.username, data["note"]), "Resolved.")


@blp.post("/incidents/<int:incident_id>/cancel")
@editors_only
def cancel(incident_id):
    incident = _visible_incident(incident_id)
    data, problems = _load(CancelSchema(), {"reason": request.form.get("reason", "")})
    if problems:
        return _render_incident(incident, problems, 422)
    return _close(incident, lambda now: incidents.cancel(incident, data["reason"], now, g.user.username), "Cancelled.")


def _close(incident, change, done: str):
    try:
        change(utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_incident(incident, {"status": error.message}, error.status_code)
    db.session.commit()
    flash(done)
    return redirect(url_for("console.incident_page", incident_id=incident.id))


@blp.get("/outbox")
@editors_only
def outbox_page():
    messages = db.session.scalars(outbox.messages().limit(MOST_LISTED)).all()
    return render_template("console/outbox.html", messages=messages, most=MOST_LISTED)


@blp.get("/opt-outs")
@editors_only
def opt_outs_page():
    return render_template("console/opt_outs.html", opt_outs=db.session.scalars(opt_outs.opt_outs()).all())

