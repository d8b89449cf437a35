"""People, for admins: users and roles, passwords and API tokens (each shown once), alert mobile
and email, deactivating. Thin: the user schemas read the forms, the users service acts."""
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from emergency.api.user_schemas import TokenRequestSchema, UserSchema
from emergency.clock import utc_now
from emergency.console import messages
from emergency.console.forms import load_form, service_problem
from emergency.console.login import renew_session
from emergency.console.shown_once import show_once, take_shown_once
from emergency.console.views import blp
from emergency.errors import DomainError, NotFound
from emergency.extensions import db
from emergency.records import get_or_none
from emergency.rota.models import DutyOfficer
from emergency.users import service as users
from emergency.users.models import ApiToken
from emergency.users.roles import ROLES, Role

USER_FIELDS = ("username", "full_name", "role", "mobile", "email")
DETAIL_FIELDS = ("full_name", "role", "mobile", "email")
ROLE_OPTIONS = [(role, role.replace("_", " ")) for role in ROLES]


def admins_only(view):
    @wraps(view)
    def checked(*args, **kwargs):
        if g.user.role != Role.ADMIN:
            abort(403, description="Only an admin may manage people.")
        return view(*args, **kwargs)

    return checked


def _user_or_404(user_id: int):
    try:
        return users.get_user_by_id(user_id)
    except NotFound as error:
        abort(404, description=error.message.capitalize() + ".")


def _render_people(form=None, problems=None, status=200):
    people = db.session.scalars(users.users_by_name()).all()
    return render_template("console/people.html", people=people, roles_options=ROLE_OPTIONS,
                           form=form or {"role": Role.COORDINATOR},
                           problems=problems or {}, page_has_errors=bool(problems)), status


@blp.get("/people")
@admins_only
def people_page():
    return _render_people()


@blp.post("/people")
@admins_only
def create_person():
    form = {name: request.form.get(name, "") for name in USER_FIELDS}
    data, problems = load_form(UserSchema(), form, messages.PERSON)
    if problems:
        return _render_people(form, problems, 422)
    try:
        user = users.create_user(data["username"], data["full_name"], data["role"], utc_now())
        user.mobile = data["mobile"]
        users.set_email(user, data["email"])
    except DomainError as error:
        db.session.rollback()
        return _render_people(form, service_problem(messages.PERSON, error, "username"), error.status_code)
    db.session.commit()
    flash(f"{user.username} created as {user.role.replace('_', ' ')}. Give them a password below.")
    return redirect(url_for("console.person_page", user_id=user.id))


def _render_person(user, form=None, problems=None, status=200):
    if form is None:
        form = {name: getattr(user, name) or "" for name in DETAIL_FIELDS}
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()
    officer = db.session.scalar(select(DutyOfficer).where(DutyOfficer.user_id == user.id))
    return render_template("console/person.html", person=user, form=form, problems=problems or {},
                           roles_options=ROLE_OPTIONS, page_has_errors=bool(problems),
                           tokens=tokens, officer=officer,
                           shown_once=take_shown_once(url_for("console.person_page", user_id=user.id), user=g.user,
                                                      now=utc_now()) if request.method == "GET" else None), status


@blp.get("/people/<int:user_id>")
@admins_only
def person_page(user_id):
    return _render_person(_user_or_404(user_id))


@blp.post("/people/<int:user_id>")
@admins_only
def change_person(user_id):
    user = _user_or_404(user_id)
    form = {name: request.form.get(name, "") for name in DETAIL_FIELDS}
    data, problems = load_form(UserSchema(exclude=("username",)), form, messages.PERSON)
    if problems:
        return _render_person(user, form, problems, 422)
    try:
        users.save_user_details(user, data, by=g.user)
    except DomainError as error:
        db.session.rollback()
        return _render_person(user, form, service_problem(messages.PERSON, error, "full_name"), 422)
    db.session.commit()
    flash(f"{user.username} saved.")
    return redirect(url_for("console.person_page", user_id=user.id))


@blp.post("/people/<int:user_id>/password")
@admins_only
def reset_password(user_id):
    """A new random password, shown once on the page this redirects to; the user's other sessions end."""
    user = _user_or_404(user_id)
    password = users.reset_password(user)
    if user.id == g.user.id:
        renew_session(user)  # the reset ended this session too: the admin stays in to see the password
    return _show_once(user, "password", password)


def _show_once(user, what, value):
    page = url_for("console.person_page", user_id=user.id)
    show_once(page, what, value, user=g.user, now=utc_now())
    db.session.commit()
    return redirect(page)


@blp.post("/people/<int:user_id>/active")
@admins_only
def set_active(user_id):
    user = _user_or_404(user_id)
    active = request.form.get("active") == "yes"
    try:
        users.set_active(user, active, by=g.user)
    except DomainError as error:
        db.session.rollback()
        return _render_person(user, problems=service_problem(messages.PERSON, error, "active"), status=422)
    db.session.commit()
    flash(f"{user.username} can log in again." if active
          else f"{user.username} is deactivated: their sessions and tokens stop working.")
    return redirect(url_for("console.person_page", user_id=user.id))


@blp.post("/people/<int:user_id>/tokens")
@admins_only
def issue_token(user_id):
    """An API token, shown once on the page this redirects to; stored hashed."""
    user = _user_or_404(user_id)
    data, problems = load_form(TokenRequestSchema(), {"label": request.form.get("label", "")}, messages.TOKEN)
    if problems:
        return _render_person(user, problems=problems, status=422)
    _, token = users.issue_token(user, data["label"], utc_now())
    return _show_once(user, f"API token ({data['label']})", token)


@blp.post("/people/<int:user_id>/tokens/<int:token_id>/revoke")
@admins_only
def revoke_token(user_id, token_id):
    user = _user_or_404(user_id)
    token = get_or_none(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404, description=f"{user.username} has no API token {token_id}.")
    users.revoke_token(token.id, utc_now())
    db.session.commit()
    flash(f"Token {token.token_prefix}... revoked.")
    return redirect(url_for("console.person_page", user_id=user.id))
