"""Users and their API tokens."""
import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from emergency.errors import Conflict, NotFound, RuleBroken
from emergency.extensions import db
from emergency.records import get_or_not_found
from emergency.users.models import ApiToken, User
from emergency.users.roles import EDITORS, ROLES

TOKEN_PREFIX = "cel_"
SHORTEST_PASSWORD = 12
FAILED_LOGINS_BEFORE_LOCK = 5
LOCKED_FOR = timedelta(minutes=15)
# One @, something either side, a dot in the domain, no spaces: enough to catch typing slips.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; no salt or stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(username: str, full_name: str, role: str, now) -> User:
    if role not in ROLES:
        raise RuleBroken(f"role must be one of {', '.join(ROLES)}", field="role")
    if db.session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"a user called {username!r} already exists", field="username")
    user = User(username=username, full_name=full_name, role=role, active=True, created_at=now)
    db.session.add(user)
    db.session.flush()
    return user


def save_user_details(user: User, data: dict, *, by: User) -> User:
    """Name, role, alert mobile and email; an admin cannot take away their own admin role."""
    if user.id == by.id and user.role == "admin" and data["role"] != "admin":
        raise RuleBroken("you cannot take away your own admin role; ask another admin", field="role")
    for name in ("full_name", "role", "mobile", "email"):
        setattr(user, name, data[name])
    db.session.flush()
    return user


def set_active(user: User, active: bool, *, by: User) -> None:
    """A deactivated user's console sessions and API tokens stop working at once."""
    if user.id == by.id and not active:
        raise RuleBroken("you cannot deactivate yourself; ask another admin", field="active")
    user.active = active


def reset_password(user: User) -> str:
    """Give the user a new random password, returned to be shown once; earlier sessions end."""
    password = secrets.token_urlsafe(15)
    set_password(user, password)
    return password


def get_user_by_id(user_id: int) -> User:
    return get_or_not_found(User, user_id, "user", "user_id")


def users_by_name():
    return select(User).order_by(User.username)


def get_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user called {username!r}", field="username")
    return user


def issue_token(user: User, label: str, now) -> tuple[ApiToken, str]:
    """Returns the stored token row and the token itself, which is shown only this once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user, label=label, token_hash=hash_token(token), token_prefix=token[:12], created_at=now
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_token(token_id: int, now) -> ApiToken:
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token with id {token_id}", field="token_id")
    if row.revoked_at is None:
        row.revoked_at = now
    return row


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


def alert_recipients() -> list[User]:
    """Active coordinators and admins with a mobile or an email address: who is told about
    gaps, incidents and outages."""
    return list(db.session.scalars(
        select(User).where(User.role.in_(EDITORS), User.active.is_(True),
                           or_(User.mobile.is_not(None), User.email.is_not(None))).order_by(User.id)
    ))


def set_email(user: User, address: str | None) -> None:
    """An address for alerts by email; None or "" removes it."""
    address = (address or "").strip()
    if address and not _EMAIL.fullmatch(address):
        raise RuleBroken(f"{address!r} is not an email address (like cora.jones@council.gov.uk)", field="email")
    user.email = address or None


def set_password(user: User, password: str) -> None:
    if len(password) < SHORTEST_PASSWORD:
        raise RuleBroken(f"a password must be at least {SHORTEST_PASSWORD} characters", field="password")
    user.password_hash = generate_password_hash(password)
    user.failed_logins, user.locked_until = 0, None


def user_for_login(username: str, password: str, now) -> User | None:
    """The active user with this name and password, or None. Five wrong passwords in a row
    lock the account for 15 minutes, right password or not; the caller commits either way."""
    # No username holds a NUL, and PostgreSQL refuses to even compare with one.
    user = db.session.scalar(select(User).where(User.username == username)) if "\x00" not in username else None
    if user is None or user.password_hash is None:
        check_password_hash(_nobody_hash(), password)  # a wrong name takes as long as a wrong password
        return None
    if user.locked_until is not None and user.locked_until > now:
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= FAILED_LOGINS_BEFORE_LOCK:
            user.failed_logins, user.locked_until = 0, now + LOCKED_FOR
        return None
    user.failed_logins, user.locked_until = 0, None
    return user if user.active else None


@cache
def _nobody_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def login_fingerprint(user: User) -> str:
    """Kept in the console's session cookie: a new password ends every earlier session."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]
