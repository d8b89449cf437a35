"""What a production deployment has wrong: `flask security check` prints it."""
from datetime import timedelta

from sqlalchemy import or_, select

from config import DEFAULT_SECRET_KEY
from emergency.demo import DEMO_OFFICERS, DEMO_PLAN
from emergency.extensions import db
from emergency.plans.models import ContingencyPlan
from emergency.rota.models import DutyOfficer
from emergency.users.models import ApiToken, User

SHORTEST_SECRET_KEY = 32
OLDEST_TOKEN = timedelta(days=365)


def problems(config, now) -> list[str]:
    """One line per thing to put right; none means nothing found."""
    found = []
    secret = config.get("SECRET_KEY") or ""
    if secret in ("", DEFAULT_SECRET_KEY):
        found.append("SECRET_KEY is the development default: set a long random SECRET_KEY")
    elif len(secret) < SHORTEST_SECRET_KEY:
        found.append(f"SECRET_KEY is {len(secret)} characters: use at least {SHORTEST_SECRET_KEY} random characters")
    if not config["PUBLIC_BASE_URL"].startswith("https://"):
        found.append(f"PUBLIC_BASE_URL is {config['PUBLIC_BASE_URL']}: links in texts and the login cookie need https")
    if not config.get("TWILIO_AUTH_TOKEN"):
        found.append("TWILIO_AUTH_TOKEN is not set: every Twilio webhook is refused and texts stay in the local outbox")
    if not config.get("FALLBACK_PHONE_NUMBER"):
        found.append("FALLBACK_PHONE_NUMBER is not set: a caller nobody on the rota answers reaches nobody")
    if _demo_data_present():
        found.append("demo data is present (the 'demo' user, plan or rota): remove it from a live database")
    for username in db.session.scalars(select(User.username).where(User.active.is_(True),
                                                                    User.password_hash.is_(None))):
        found.append(f"user {username} has no password: set one (flask users set-password) or deactivate them")
    old_tokens = db.session.execute(
        select(ApiToken.id, User.username, ApiToken.created_at).join(User, ApiToken.user_id == User.id)
        .where(ApiToken.revoked_at.is_(None), ApiToken.created_at < now - OLDEST_TOKEN).order_by(ApiToken.id)
    ).all()
    for token_id, username, created_at in old_tokens:
        found.append(f"API token {token_id} of {username} is from {created_at:%Y-%m-%d}, over a year old: "
                     f"issue a new one and revoke it (flask users revoke-token {token_id})")
    return found


def _demo_data_present() -> bool:
    demo_mobiles = [mobile for _, mobile, _ in DEMO_OFFICERS]
    return any((
        db.session.scalar(select(User.id).where(User.username == "demo")),
        db.session.scalar(select(ContingencyPlan.id).where(
            ContingencyPlan.carer_name == DEMO_PLAN["carer"]["name"],
            ContingencyPlan.carer_mobile == DEMO_PLAN["carer"]["mobile"])),
        db.session.scalar(select(DutyOfficer.id).where(or_(*(DutyOfficer.mobile == m for m in demo_mobiles)))),
    ))
