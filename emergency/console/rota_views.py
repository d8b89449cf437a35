"""The rota in the console: the week view and its overrides, patterns, officers, CSV import and
export, calendar feeds, and a duty officer's own shifts. Thin: the API's schemas read the forms
and the rota service does the work."""
from datetime import date, timedelta

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from emergency.api.fields import plausible_date
from emergency.api.rota_schemas import OfficerSchema, OverrideSchema, PatternSchema
from emergency.clock import local_zone, utc_now
from emergency.console import messages
from emergency.console.forms import load_form, service_problem, whole_number
from emergency.console.login import editors_only
from emergency.console.shown_once import show_once, take_shown_once
from emergency.console.views import blp
from emergency.errors import DomainError, NotFound
from emergency.extensions import db
from emergency.records import get_or_none
from emergency.rota import calendar
from emergency.rota import service as rota
from emergency.rota.calendar import TIERS, WEEKDAYS
from emergency.rota.models import RotaOverride
from emergency.rota.week import local_text, monday_of, week_bounds
from emergency.users.models import User
from emergency.users.roles import Role

OVERRIDE_FIELDS = ("kind", "tier", "officer_id", "replaces_officer_id", "starts", "ends", "note")
OFFICER_FIELDS = ("name", "mobile", "role", "contact_preference", "language")
PATTERN_FIELDS = ("name", "tier", "starts", "ends", "starts_on", "ends_on", "rotate_every_weeks")
WEEKS_SHOWN_AHEAD = 8
LOOK_AHEAD = timedelta(days=28)
LONGEST_EXPORT_WEEKS = 13


def _officer_or_404(officer_id: int):
    try:
        return rota.get_officer(officer_id)
    except NotFound as error:
        abort(404, description=error.message.capitalize() + ".")


def _officer_names() -> dict[int, str]:
    return {officer.id: officer.name for officer in db.session.scalars(rota.officers())}


@blp.app_template_filter("clock")
def clock(at, with_zone=False):
    local = at.astimezone(local_zone())
    return f"{local:%H:%M %Z}" if with_zone else f"{local:%H:%M}"


# The week

def _chosen_monday(text: str | None) -> date:
    if not text:
        return monday_of(utc_now().astimezone(local_zone()).date())
    try:
        day = date.fromisoformat(text.strip())
        plausible_date(day)
    except ValidationError:
        abort(400, description="Choose a week between the years 2000 and 2100.")
    except ValueError:
        abort(400, description=f"{text!r} is not a week: give a date like 2026-12-21.")
    return monday_of(day)


@blp.get("/rota")
@editors_only
def rota_week():
    """Monday to Sunday, per tier: who is on, out of hours marked, gaps in red; with a form
    to add cover, swap or remove an officer (a gap's link fills it in)."""
    monday = _chosen_monday(request.args.get("week"))
    prefill = {name: request.args.get(name, "") for name in OVERRIDE_FIELDS}
    prefill["kind"] = prefill["kind"] or "add"
    return _render_week(monday, prefill)


def _render_week(monday: date, form: dict, problems=None, status=200):
    zone = local_zone()
    days = rota.week(monday)
    start, end = week_bounds(monday, zone)
    overrides = db.session.scalars(rota.overrides_between(start, end)).all()
    return render_template(
        "console/rota_week.html", monday=monday, days=days, tiers=TIERS, names=_officer_names(),
        staffed={tier: any(s.officer_ids for day in days for s in day.tiers[tier]) for tier in TIERS},
        officer_options=[(o.id, o.name) for o in db.session.scalars(rota.officers(active=True))], overrides=overrides,
        previous_week=monday - timedelta(days=7), next_week=monday + timedelta(days=7),
        this_week=monday_of(utc_now().astimezone(zone).date()), form=form, problems=problems or {},
        page_has_errors=bool(problems),
        fill=lambda stretch, tier: url_for("console.rota_week", week=monday.isoformat(), tier=tier, kind="add",
                                           starts=local_text(stretch.starts_at, zone),
                                           ends=local_text(stretch.ends_at, zone), _anchor="change"),
    ), status


@blp.post("/rota/overrides")
@editors_only
def add_override():
    form = {name: request.form.get(name, "") for name in OVERRIDE_FIELDS}
    monday = _chosen_monday(request.form.get("week"))
    data, problems = load_form(OverrideSchema(), {**form, "starts_at": form["starts"], "ends_at": form["ends"]},
                               messages.OVERRIDE, integers=("tier", "officer_id", "replaces_officer_id"))
    if problems:
        return _render_week(monday, form, _typed_names(problems), 422)
    try:
        override = rota.add_override(data, by=g.user, now=utc_now())
    except DomainError as error:
        db.session.rollback()
        return _render_week(monday, form, _typed_names(service_problem(messages.OVERRIDE, error, "officer_id")), 422)
    db.session.commit()
    names = _officer_names()
    who = names[override.officer_id]
    what = {"add": f"{who} added as cover", "remove": f"{who} taken off",
            "replace": f"{who} in for {names.get(override.replaces_officer_id, '')}"}[override.kind]
    when = rota.describe_span(override.starts_at, override.ends_at, local_zone(), with_year=True)
    flash(f"{what} in tier {override.tier}, {when}.")
    return redirect(url_for("console.rota_week", week=monday.isoformat()))


def _typed_names(problems: dict) -> dict:
    """The schema's starts_at and ends_at are the form's starts and ends."""
    return {{"starts_at": "starts", "ends_at": "ends"}.get(field, field): text for field, text in problems.items()}


@blp.post("/rota/overrides/<int:override_id>/withdraw")
@editors_only
def withdraw_override(override_id):
    monday = _chosen_monday(request.form.get("week"))
    override = get_or_none(RotaOverride, override_id)
    if override is None:
        flash("That change had already been withdrawn.")
    else:
        rota.delete_override(override)
        db.session.commit()
        flash("Change withdrawn.")
    return redirect(url_for("console.rota_week", week=monday.isoformat()))


# CSV

@blp.get("/rota/shifts.csv")
@editors_only
def export_shifts():
    monday = _chosen_monday(request.args.get("week"))
    weeks = whole_number(request.args.get("weeks", "1")) or 1
    weeks = weeks if weeks <= LONGEST_EXPORT_WEEKS else 1
    start, _ = week_bounds(monday, local_zone())
    _, end = week_bounds(monday + timedelta(weeks=weeks - 1), local_zone())
    return Response(rota.shifts_csv(start, end), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=rota-{monday.isoformat()}.csv"})


@blp.route("/rota/import", methods=["GET", "POST"])
@editors_only
def import_shifts():
    """One-off shifts from a CSV file: all of them or, with any bad line, none."""
    if request.method == "GET":
        return render_template("console/rota_import.html", problems=[])
    upload = request.files.get("shifts")
    if upload is None or not upload.filename:
        problems = [{"line": None, "errors": ["Select a CSV file"]}]
        return render_template("console/rota_import.html", problems=problems, page_has_errors=True), 422
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return render_template("console/rota_import.html", page_has_errors=True, problems=[
            {"line": None, "errors": ["The file must be UTF-8 text: save it from the spreadsheet as ‘CSV UTF-8’"]}]), 422
    added, skipped, problems = rota.import_shifts_csv(text, by=g.user, now=utc_now())
    if problems:
        db.session.rollback()
        return render_template("console/rota_import.html", problems=problems, filename=upload.filename,
                               page_has_errors=True), 422
    db.session.commit()
    flash(f"Imported {len(added)} shift{'s' if len(added) != 1 else ''}"
          f"{f'; {skipped} were already on the rota' if skipped else ''}.")
    first = min((override.starts_at for override in added), default=None)
    week = monday_of(first.astimezone(local_zone()).date()).isoformat() if first else None
    return redirect(url_for("console.rota_week", week=week))


# Patterns

def _turns(pattern, weeks: int) -> list[tuple[date, int]]:
    """Who takes which week, from this week on (or from the pattern's start)."""
    this_week = monday_of(utc_now().astimezone(local_zone()).date())
    first = max(this_week, monday_of(pattern.starts_on))
    spec = calendar.Pattern(id=pattern.id, tier=pattern.tier, days=tuple(pattern.days), starts=pattern.starts,
                            ends=pattern.ends, officer_ids=tuple(t.officer_id for t in pattern.turns),
                            starts_on=pattern.starts_on, ends_on=pattern.ends_on,
                            rotate_every_weeks=pattern.rotate_every_weeks)
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    return [(monday, calendar.officer_for(spec, monday)) for monday in mondays
            if spec.officer_ids and (pattern.ends_on is None or monday <= pattern.ends_on)]


@blp.get("/rota/patterns")
@editors_only
def patterns_page():
    patterns = db.session.scalars(rota.patterns()).all()
    return render_template("console/rota_patterns.html", patterns=patterns, names=_officer_names(),
                           turns={p.id: _turns(p, WEEKS_SHOWN_AHEAD) for p in patterns}, today=utc_now().date())


def _pattern_form_from(pattern) -> dict:
    if pattern is None:
        return {"tier": "1", "days": [], "turns": [], "rotate_every_weeks": "1",
                "starts_on": monday_of(utc_now().astimezone(local_zone()).date()).isoformat()}
    return {"name": pattern.name, "tier": str(pattern.tier), "days": list(pattern.days),
            "starts": pattern.starts.strftime("%H:%M"), "ends": pattern.ends.strftime("%H:%M"),
            "starts_on": pattern.starts_on.isoformat(),
            "ends_on": pattern.ends_on.isoformat() if pattern.ends_on else "",
            "rotate_every_weeks": str(pattern.rotate_every_weeks), "turns": [str(t.officer_id) for t in pattern.turns]}


def _render_pattern_form(pattern, form, problems=None, status=200):
    return render_template("console/rota_pattern_form.html", pattern=pattern, form=form, problems=problems or {},
                           page_has_errors=bool(problems),
                           weekdays=WEEKDAYS, tiers=TIERS, officers=db.session.scalars(rota.officers()).all(),
                           turn_slots=max(len(form.get("turns", [])) + 2, 4)), status


def _pattern_or_404(pattern_id):
    try:
        return rota.get_pattern(pattern_id)
    except NotFound as error:
        abort(404, description=error.message.capitalize() + ".")


@blp.route("/rota/patterns/new", methods=["GET", "POST"])
@blp.route("/rota/patterns/<int:pattern_id>", methods=["GET", "POST"])
@editors_only
def pattern_form(pattern_id=None):
    pattern = _pattern_or_404(pattern_id) if pattern_id is not None else None
    if request.method == "GET":
        return _render_pattern_form(pattern, _pattern_form_from(pattern))
    form = {name: request.form.get(name, "") for name in PATTERN_FIELDS}
    form["days"] = request.form.getlist("days")
    form["turns"] = [turn for turn in request.form.getlist("turns") if turn.strip()]
    officer_ids = [turn if whole_number(turn) is None else whole_number(turn) for turn in form["turns"]]
    data, problems = load_form(PatternSchema(), {**form, "officer_ids": officer_ids}, messages.PATTERN,
                               integers=("tier", "rotate_every_weeks"))
    if problems:
        return _render_pattern_form(pattern, form, _turn_problem(problems), 422)
    return _save_pattern(pattern, data, form)


def _turn_problem(problems: dict) -> dict:
    return {("turns" if field == "officer_ids" else field): message for field, message in problems.items()}


def _save_pattern(pattern, data, form):
    try:
        saved = rota.save_pattern(pattern, data)
    except DomainError as error:
        db.session.rollback()
        return _render_pattern_form(pattern, form, _turn_problem(service_problem(messages.PATTERN, error, "name")), 422)
    db.session.commit()
    flash(f"Pattern {saved.name} saved.")
    return redirect(url_for("console.patterns_page"))


@blp.post("/rota/patterns/<int:pattern_id>/end")
@editors_only
def end_pattern(pattern_id):
    """Stop a pattern after a date; its past stays as it was."""
    pattern = _pattern_or_404(pattern_id)
    form = {**_pattern_form_from(pattern), "ends_on": request.form.get("ends_on", "")}
    data, problems = load_form(PatternSchema(), {**form, "officer_ids": [int(t) for t in form["turns"]]},
                               messages.PATTERN, integers=("tier", "rotate_every_weeks"))
    if not problems and data["ends_on"] is None:
        problems = {"ends_on": messages.plain(messages.PATTERN, "ends_on", "give the last day the pattern runs")}
    if problems:
        return _render_pattern_form(pattern, form, problems, 422)
    return _save_pattern(pattern, data, form)


# Officers

@blp.get("/rota/officers")
@editors_only
def officers_page():
    officers = db.session.scalars(rota.officers()).all()
    logins = {user.id: user for user in db.session.scalars(select(User))}
    return render_template("console/rota_officers.html", officers=officers, logins=logins)


def _render_officer(officer, form=None, problems=None, status=200):
    now = utc_now()
    shifts = rota.duty_runs(now, now + LOOK_AHEAD, officer.id) if officer is not None else []
    feeds = [feed for feed in db.session.scalars(rota.feeds()) if officer is not None and feed.officer_id == officer.id]
    logins = db.session.scalars(select(User).where(User.role == Role.DUTY_OFFICER).order_by(User.username)).all()
    if form is None:
        form = {name: getattr(officer, name) for name in OFFICER_FIELDS} if officer else {"contact_preference": "both",
                                                                                           "language": "en"}
    return render_template("console/rota_officer.html", officer=officer, form=form, problems=problems or {},
                           page_has_errors=bool(problems),
                           shifts=shifts, feeds=feeds,
                           login_options=[(user.id, f"{user.username} ({user.full_name})") for user in logins],
                           new_feed_url=_shown_once_on(officer)), status


def _shown_once_on(officer):
    if officer is None or request.method != "GET":
        return None
    return take_shown_once(url_for("console.officer_page", officer_id=officer.id), user=g.user, now=utc_now())


@blp.route("/rota/officers/new", methods=["GET", "POST"])
@blp.route("/rota/officers/<int:officer_id>", methods=["GET", "POST"])
@editors_only
def officer_page(officer_id=None):
    officer = _officer_or_404(officer_id) if officer_id is not None else None
    if request.method == "GET":
        return _render_officer(officer)
    form = {name: request.form.get(name, "") for name in OFFICER_FIELDS}
    data, problems = load_form(OfficerSchema(), {**form, "active": officer.active if officer else True},
                               messages.OFFICER)
    if problems:
        return _render_officer(officer, form, problems, 422)
    try:
        saved = rota.save_officer(officer, data)
    except DomainError as error:
        db.session.rollback()
        return _render_officer(officer, form, service_problem(messages.OFFICER, error, "name"), 422)
    db.session.commit()
    flash(f"{saved.name} saved.")
    return redirect(url_for("console.officer_page", officer_id=saved.id))


@blp.route("/rota/officers/<int:officer_id>/deactivate", methods=["GET", "POST"])
@editors_only
def deactivate_officer(officer_id):
    """First the warning (the shifts that become gaps), then, on confirming, the change."""
    officer = _officer_or_404(officer_id)
    if request.method == "GET" or not officer.active:
        if not officer.active:
            flash(f"{officer.name} is not on the rota any more.")
            return redirect(url_for("console.officer_page", officer_id=officer.id))
        now = utc_now()
        return render_template("console/rota_deactivate.html", officer=officer, days=LOOK_AHEAD.days,
                               shifts=rota.gaps_if_gone(officer.id, now, now + LOOK_AHEAD))
    officer.active = False
    db.session.commit()
    flash(f"{officer.name} is off the rota; their turns are gaps until someone covers them.")
    return redirect(url_for("console.officer_page", officer_id=officer.id))


@blp.post("/rota/officers/<int:officer_id>/reactivate")
@editors_only
def reactivate_officer(officer_id):
    officer = _officer_or_404(officer_id)
    officer.active = True
    db.session.commit()
    flash(f"{officer.name} is back on the rota.")
    return redirect(url_for("console.officer_page", officer_id=officer.id))


@blp.post("/rota/officers/<int:officer_id>/login")
@editors_only
def link_officer_login(officer_id):
    """The duty_officer login that sees this officer's shifts and asks."""
    officer = _officer_or_404(officer_id)
    chosen = request.form.get("user_id", "")
    user_id = whole_number(chosen)
    user = get_or_none(User, user_id) if user_id else None
    if chosen and (user is None or user.role != Role.DUTY_OFFICER):
        return _render_officer(officer, problems={"user_id": "Select a duty officer's login"}, status=422)
    try:
        rota.link_login(officer, user)
    except DomainError as error:
        db.session.rollback()
        return _render_officer(officer, problems=service_problem(messages.OFFICER_LOGIN, error, "user_id"), status=422)
    db.session.commit()
    flash(f"{officer.name}'s login: {user.username if user else 'none'}.")
    return redirect(url_for("console.officer_page", officer_id=officer.id))


@blp.post("/rota/officers/<int:officer_id>/feeds")
@editors_only
def create_feed(officer_id):
    """The address is shown once, on the page this redirects to; it is stored hashed."""
    officer = _officer_or_404(officer_id)
    now = utc_now()
    _, token = rota.create_feed(officer.id, now)
    url = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/feeds/{token}.ics"
    page = url_for("console.officer_page", officer_id=officer.id)
    show_once(page, "calendar address", url, user=g.user, now=now)
    db.session.commit()
    return redirect(page)


@blp.post("/rota/officers/<int:officer_id>/feeds/<int:feed_id>/revoke")
@editors_only
def revoke_feed(officer_id, feed_id):
    officer = _officer_or_404(officer_id)
    try:
        feed = rota.get_feed(feed_id)
    except NotFound:
        feed = None
    if feed is None or feed.officer_id != officer.id:
        abort(404, description=f"{officer.name} has no calendar address {feed_id}.")
    rota.revoke_feed(feed, utc_now())
    db.session.commit()
    flash("Calendar address revoked: calendars subscribed to it stop updating.")
    return redirect(url_for("console.officer_page", officer_id=officer.id))


# A duty officer's own

@blp.get("/my-shifts")
def my_shifts():
    officer = rota.officer_for_user(g.user)
    now = utc_now()
    shifts = rota.duty_runs(now, now + LOOK_AHEAD, officer.id) if officer is not None else []
    return render_template("console/my_shifts.html", officer=officer, shifts=shifts, days=LOOK_AHEAD.days)
