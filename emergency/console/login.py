"""Console sessions: a password login kept in Flask's signed session cookie, re-checked on
every request (an inactive user or a changed password ends it), and a CSRF token for forms."""
import hmac
import secrets
from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from emergency.api.auth import EDITORS
from emergency.extensions import db
from emergency.users import service as users
from emergency.users.models import User

def log_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session["user_id"] = user.id
    session["fingerprint"] = users.login_fingerprint(user)
    session["csrf"] = secrets.token_urlsafe(24)


def log_out() -> None:
    session.clear()


def logged_in_user() -> User | None:
    user = db.session.get(User, session["user_id"]) if isinstance(session.get("user_id"), int) else None
    # A monitor account only reads /metrics; it has no console.
    if user is None or not user.active or user.role == "monitor" \
            or session.get("fingerprint") != users.login_fingerprint(user):
        return None
    return user


def require_login():
    """before_request of the console: everything but the login page needs a live session,
    and every form post its CSRF token."""
    if request.endpoint == "console.login":
        return None
    g.user = logged_in_user()
    g.may_edit = g.user is not None and g.user.role in EDITORS
    if g.user is None:
        session.clear()
        return redirect(url_for("console.login", next=request.path if request.method == "GET" else None))
    if request.method == "POST":
        check_csrf()
    return None


def check_csrf() -> None:
    sent, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="This form has expired. Go back, reload the page and try again.")


def editors_only(view):
    @wraps(view)
    def checked(*args, **kwargs):
        if g.user.role not in EDITORS:
            abort(403, description=f"A {g.user.role.replace('_', ' ')} may not do this.")
        return view(*args, **kwargs)

    return checked


def safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return url_for("console.board")
