"""Console sessions: a password login kept in Flask's signed session cookie, re-checked on
every request against the user's server-side session version (logging out, a new password or
deactivation ends every session), ended after a working day from the login and after an idle
spell, a CSRF token for every form (the login form too), and a "known device" cookie that lets
its owner past the delays other people's guesses cause."""
import hmac
import secrets
from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from emergency.clock import utc_now
from emergency.extensions import db
from emergency.users import service as users
from emergency.users.models import User
from emergency.users.roles import has_console, may_edit

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_FOR = timedelta(days=30)
# The board reloads itself with this in its address: a reload nobody asked for is not activity.
AUTOMATIC_RELOAD = "auto"


def log_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session["user_id"] = user.id
    session["session_version"] = users.session_version_for_login(user)
    session["csrf"] = secrets.token_urlsafe(24)
    session["logged_in_at"] = session["active_at"] = int(utc_now().timestamp())


def renew_session(user: User) -> None:
    """After the user's own sessions were ended (their own new password): this browser stays
    logged in, with the same login time, so the absolute limit still counts from the login."""
    session["session_version"] = users.session_version_for_login(user)


def log_out(user: User | None) -> None:
    """Ends every session of the user's, not only this browser's copy of the cookie."""
    if user is not None:
        users.end_sessions(user)
        db.session.commit()
    session.clear()


def logged_in_user() -> User | None:
    user = db.session.get(User, session["user_id"]) if isinstance(session.get("user_id"), int) else None
    # A monitor account only reads /metrics; it has no console.
    if user is None or not user.active or not has_console(user) or user.password_hash is None \
            or user.session_version is None:
        return None
    if not hmac.compare_digest(str(session.get("session_version", "")), user.session_version):
        return None
    if session_expired(session.get("logged_in_at"), session.get("active_at"), utc_now(),
                       longest=current_app.config["PERMANENT_SESSION_LIFETIME"],
                       idle=timedelta(minutes=current_app.config["CONSOLE_IDLE_MINUTES"])):
        return None
    return user


def session_expired(logged_in_at, active_at, now: datetime, *, longest: timedelta, idle: timedelta) -> bool:
    """Whether a session is over: too long since the login, or since the person last did
    anything. A session without both moments (made before they were kept) is over. Pure."""
    if not isinstance(logged_in_at, int) or not isinstance(active_at, int):
        return True
    seconds = now.timestamp()
    return seconds - logged_in_at > longest.total_seconds() or seconds - active_at > idle.total_seconds()


def login_form_token() -> str:
    """The login form's CSRF token, kept in the (not yet logged-in) session."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="console-known-device")


def known_device_key() -> str | None:
    """The device key of this browser's known-device cookie, if it holds a live one. Whether
    it matches the account being logged in to (and its current password) the login decides."""
    cookie = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        key = _device_signer().loads(cookie, max_age=int(KNOWN_DEVICE_FOR.total_seconds()))
    except BadData:
        return None
    return key if isinstance(key, str) else None


def remember_device(response, user: User):
    key = users.device_key(user, current_app.config["SECRET_KEY"])
    response.set_cookie(KNOWN_DEVICE_COOKIE, _device_signer().dumps(key), max_age=KNOWN_DEVICE_FOR,
                        path="/console/login", httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def require_login():
    """before_request of the console: everything but the login page needs a live session,
    and every form post its CSRF token."""
    if request.endpoint == "console.login":
        return None
    g.user = logged_in_user()
    g.may_edit = may_edit(g.user)
    if g.user is None:
        session.clear()
        return redirect(url_for("console.login", next=request.path if request.method == "GET" else None))
    if request.method == "POST":
        check_csrf()
    if request.args.get(AUTOMATIC_RELOAD) is None:
        session["active_at"] = int(utc_now().timestamp())
    return None


def check_csrf() -> None:
    sent, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="This form has expired. Go back, reload the page and try again.")


def editors_only(view):
    @wraps(view)
    def checked(*args, **kwargs):
        if not may_edit(g.user):
            abort(403, description=f"A {g.user.role.replace('_', ' ')} may not do this.")
        return view(*args, **kwargs)

    return checked


def safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect to another site, and nothing that
    cannot go into a Location header (a line break would be a header of the attacker's)."""
    if not target or not target.isprintable() or " " in target or "\\" in target:
        return url_for("console.board")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == "/console" or parts.path.startswith("/console/")):
        return url_for("console.board")
    return target
