from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emergency.db_types import UTCDateTime
from emergency.extensions import db
from emergency.users.roles import ROLES


class User(db.Model):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(f"role IN {tuple(str(role) for role in ROLES)}", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    # Where coordinators get alerts (rota gaps); optional.
    mobile: Mapped[str | None] = mapped_column(String(20))
    # Where coordinators get alerts by email (they do not depend on Twilio); optional.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The console's login; None until `flask users set-password` gives one.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # A console session is good only while it carries this value. It is random, not a count,
    # so that even someone holding SECRET_KEY cannot sign a cookie that works; logging out,
    # a new password and deactivation replace it, ending every session at once.
    session_version: Mapped[str | None] = mapped_column(String(32))

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")


# Names are case-insensitive: "CORA" beside "cora" would be two accounts nobody can tell apart.
Index("uq_user_account_username_lower", func.lower(User.username), unique=True)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell tokens apart in a list.
    token_prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginFailure(db.Model):
    """A refused console login, counted to slow down guessing per source address and per
    account. The account is a keyed hash of the name as typed, so that names that do not
    exist are slowed down alike and no typed name (perhaps a password) is stored."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    source_address: Mapped[str] = mapped_column(String(45), index=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    # Tried from a browser that had logged in to the account with its current password: such
    # failures have a slow-down of their own, so that a stolen device cookie buys no free guesses.
    known_device: Mapped[bool] = mapped_column(default=False, server_default=false())


class ShownOnce(db.Model):
    """A new secret waiting to be shown once to the user who made it (console/shown_once.py)."""

    __tablename__ = "shown_once"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    page: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
