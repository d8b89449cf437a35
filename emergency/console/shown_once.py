"""New secrets (a password, an API token, a calendar address) shown once, on the page a form
post redirects to. The secret waits in the database, never in the session cookie: the cookie
holds only a random key to it, and the row is deleted as it is shown, so neither a reload nor a
copy of the cookie taken before the redirect shows it again."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import session
from sqlalchemy import delete, select

from emergency.extensions import db
from emergency.users.models import ShownOnce

# Long enough to follow the redirect on a slow laptop; a secret nobody came for is deleted.
KEPT_FOR = timedelta(minutes=10)
SESSION_KEY = "shown_once"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def show_once(page: str, what: str, value: str, *, user, now: datetime) -> None:
    """Keep the secret for `user`'s next visit to `page`. The caller commits."""
    db.session.execute(delete(ShownOnce).where(ShownOnce.created_at < now - KEPT_FOR))
    key = secrets.token_urlsafe(24)
    db.session.add(ShownOnce(key_hash=_hash(key), user_id=user.id, page=page, what=what, value=value,
                             created_at=now))
    session[SESSION_KEY] = key


def take_shown_once(page: str, *, user, now: datetime) -> dict | None:
    """{"what", "value"} kept for this page and user, or None. The row is deleted and the
    deletion committed before the secret is handed back: it cannot be shown twice."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    kept = db.session.scalar(select(ShownOnce).where(ShownOnce.key_hash == _hash(key), ShownOnce.user_id == user.id))
    if kept is None or kept.page != page:
        return None
    session.pop(SESSION_KEY)
    shown = {"what": kept.what, "value": kept.value}
    fresh = kept.created_at >= now - KEPT_FOR
    db.session.delete(kept)
    db.session.commit()
    return shown if fresh else None
