"""Users and their API tokens."""
import hashlib
import hmac
import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from emergency.errors import Conflict, NotFound, RuleBroken
from emergency.extensions import db
from emergency.records import get_or_not_found
from emergency.users.models import ApiToken, LoginFailure, User
from emergency.users.passwords import password_problem
from emergency.users.roles import EDITORS, ROLES, Role
from emergency.users.throttle import WINDOW, Throttle

log = logging.getLogger(__name__)

TOKEN_PREFIX = "cel_"
# Per account: 5 free tries, then 1 s, 2 s, 4 s ... up to 5 minutes between tries.
ACCOUNT_THROTTLE = Throttle(free_failures=5, longest_wait=timedelta(minutes=5))
# Per source address, across every name tried from it: 20 free, then up to 15 minutes.
ADDRESS_THROTTLE = Throttle(free_failures=20, longest_wait=timedelta(minutes=15))
# A device that logged in before escapes the two above (other people's guesses cannot hold its
# owner up), but not its own failures on the account: after a few, it waits like anyone.
KNOWN_DEVICE_THROTTLE = Throttle(free_failures=5, longest_wait=timedelta(minutes=5))
KEEP_LOGIN_FAILURES = timedelta(days=7)
# One @, something either side, a dot in the domain, no spaces: enough to catch typing slips.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; no salt or stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(username: str, full_name: str, role: str, now) -> User:
    if role not in ROLES:
        raise RuleBroken(f"role must be one of {', '.join(ROLES)}", field="role")
    if _named(username) is not None:
        raise Conflict(f"a user called {username!r} already exists (names are the same in any case)",
                       field="username")
    user = User(username=username, full_name=full_name, role=role, active=True, created_at=now)
    db.session.add(user)
    db.session.flush()
    return user


def save_user_details(user: User, data: dict, *, by: User) -> User:
    """Name, role, alert mobile and email; an admin cannot take away their own admin role."""
    if user.id == by.id and user.role == Role.ADMIN and data["role"] != Role.ADMIN:
        raise RuleBroken("you cannot take away your own admin role; ask another admin", field="role")
    for name in ("full_name", "role", "mobile"):
        setattr(user, name, data[name])
    set_email(user, data["email"])
    db.session.flush()
    return user


def set_active(user: User, active: bool, *, by: User | None = None) -> None:
    """A deactivated user's console sessions end and API tokens stop working at once. `by`, an
    admin in the console, may not deactivate themselves."""
    if by is not None and user.id == by.id and not active:
        raise RuleBroken("you cannot deactivate yourself; ask another admin", field="active")
    user.active = active
    if not active:
        end_sessions(user)


def reset_password(user: User) -> str:
    """Give the user a new random password, returned to be shown once; earlier sessions end."""
    password = secrets.token_urlsafe(15)
    while password_problem(password, user.username):  # a random 20 characters all but never fail
        password = secrets.token_urlsafe(15)
    set_password(user, password)
    return password


def get_user_by_id(user_id: int) -> User:
    return get_or_not_found(User, user_id, "user", "user_id")


def users_by_name():
    return select(User).order_by(User.username)


def _named(username: str) -> User | None:
    """The user of this name in any case. No username holds a NUL, and PostgreSQL refuses to
    even compare with one."""
    if "\x00" in username:
        return None
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def rename_user(user: User, new_name: str) -> None:
    other = _named(new_name)
    if other is not None and other.id != user.id:
        raise Conflict(f"a user called {other.username!r} already exists (names are the same in any case)",
                       field="username")
    user.username = new_name


def get_user(username: str) -> User:
    user = _named(username)
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
    """A new password ends every session of the user's (and voids their known devices)."""
    problem = password_problem(password, user.username)
    if problem:
        raise RuleBroken(problem, field="password")
    user.password_hash = _password_hash(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    user.session_version = secrets.token_hex(16)


def session_version_for_login(user: User) -> str:
    if user.session_version is None:
        end_sessions(user)
    return user.session_version


def account_key(username: str, secret_key: str) -> str:
    """Names are throttled under a keyed hash: the table never holds what someone typed."""
    return hmac.new(secret_key.encode(), username.strip().lower().encode(), hashlib.sha256).hexdigest()


def device_key(user: User, secret_key: str) -> str:
    """What a known-device cookie holds: tied to the account and its current password hash,
    so a new password (or a reset) voids every device that knew the old one."""
    material = f"known-device\x00{user.username.lower()}\x00{user.password_hash or ''}"
    return hmac.new(secret_key.encode(), material.encode(), hashlib.sha256).hexdigest()


@dataclass
class LoginOutcome:
    user: User | None = None
    wait: timedelta = timedelta(0)  # more than zero: refused unchecked; try again after this


def user_for_login(username: str, password: str, now, *, source_address: str, secret_key: str,
                   device: str | None = None) -> LoginOutcome:
    """The active user with this name and password, or why not. Every answer costs one
    password hash, whether the name exists, is slowed down or not, so timing tells nothing.
    `device`: the key of the browser's known-device cookie; a device that logged in to this
    account with its current password is slowed down only by its own failures. The caller commits."""
    key = account_key(username, secret_key)
    user = _named(username)
    known = user is not None and user.password_hash is not None
    known_device = known and device is not None and hmac.compare_digest(device, device_key(user, secret_key))
    if known_device:
        wait = _wait(KNOWN_DEVICE_THROTTLE, and_(LoginFailure.account_key == key, LoginFailure.known_device), now)
    else:
        wait = max(_wait(ACCOUNT_THROTTLE, LoginFailure.account_key == key, now),
                   _wait(ADDRESS_THROTTLE, LoginFailure.source_address == source_address, now))
    nobody = _nobody_hash(current_app.config["PASSWORD_HASH_METHOD"])
    right = check_password_hash(user.password_hash if known else nobody, password) and known
    who = f"user {user.id}" if user is not None else "an unknown name"
    if wait:
        log.warning("console login refused for %s from %s: slowed down for %d s after failed logins",
                    who, source_address, math.ceil(wait.total_seconds()))
        return LoginOutcome(wait=wait)
    if not right or not user.active:
        db.session.add(LoginFailure(at=now, source_address=source_address[:45], account_key=key,
                                    known_device=known_device))
        # Addresses are personal data: keep failures only as long as the security check reports them.
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP_LOGIN_FAILURES))
        log.warning("console login refused for %s from %s: %s", who, source_address,
                    "inactive user" if right else "wrong name or password")
        return LoginOutcome()
    return LoginOutcome(user=user)


def _wait(throttle: Throttle, which, now) -> timedelta:
    count, last = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(which, LoginFailure.at > now - WINDOW)
    ).one()
    return throttle.wait(count, last, now)


def refused_logins_since(since) -> int:
    return db.session.scalar(select(func.count(LoginFailure.id)).where(LoginFailure.at >= since))


def _password_hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _nobody_hash(method: str) -> str:
    """A hash of the same cost as users' own, checked when the name has none."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)
