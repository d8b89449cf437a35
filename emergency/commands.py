"""Command-line verbs: `flask users`, `flask demo`, `flask rota`, `flask engine` and `flask phone`."""
import functools
import logging
import threading
from datetime import timedelta

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from emergency import demo
from emergency.clock import local_zone, utc_now
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.incidents import engine
from emergency.outbox import sender as outbox_sender
from emergency.outbox import service as outbox
from emergency.phones import PhoneNumberError, normalise_mobile, normalise_phone, readable_phone
from emergency.rota import service as rota
from emergency.scheduling import add_jobs, listen_for_work
from emergency.security_check import problems
from emergency.telephony import incoming_texts
from emergency.users import service as users
from emergency.users.models import ApiToken, User
from emergency.users.roles import ROLES

users_cli = AppGroup("users", help="Users, roles and API tokens.")
demo_cli = AppGroup("demo", help="Demonstration data for the embedded set-up.")
rota_cli = AppGroup("rota", help="The out-of-hours rota.")
engine_cli = AppGroup("engine", help="The escalation engine, for running it apart from the web process.")


phone_cli = AppGroup("phone", help="Play the phone side locally, with no Twilio account.")
security_cli = AppGroup("security", help="Check a deployment's security settings.")


@security_cli.command("check")
def security_check():
    """Print what a production deployment has wrong; exit 1 if anything is."""

    found = problems(current_app.config, utc_now())
    for problem in found:
        click.echo(f"WRONG: {problem}")
    refused = users.refused_logins_since(utc_now() - timedelta(days=1))
    click.echo(f"{refused} refused console login(s) in the last 24 hours")
    if found:
        raise SystemExit(1)
    click.echo("security check: nothing wrong found")


def _quiet_unless_asked(command):
    """The service's log lines (each message the local outbox keeps, say) would mix with what
    the command prints: they are left out unless --log asks for them, and go to stderr."""

    @click.option("--log", "show_log", is_flag=True, help="Also print the service's log lines (on stderr).")
    @functools.wraps(command)
    def quiet(*args, show_log, **kwargs):
        logger = current_app.logger
        level = logger.level
        if not show_log:
            logger.setLevel(logging.WARNING)
        try:
            return command(*args, **kwargs)
        finally:
            logger.setLevel(level)

    return quiet


@phone_cli.command("text")
@click.argument("sender")
@click.argument("body")
@_quiet_unless_asked
def text_the_line(sender, body):
    """Text the line as SENDER (e.g. 07700 900123) and print its reply and the texts it sends
    back to SENDER, as SENDER's phone would show them (a details link included: once sent, the
    outbox keeps it redacted); everything else lands in the outbox (`flask phone outbox`)."""

    number = _phone_or_fail(sender)
    reply = incoming_texts.handle_text(number, body, utc_now())
    db.session.commit()
    to_sender = [message.body for message in outbox.pending_texts_to(number)]
    outbox_sender.send_due(utc_now())
    click.echo(f"reply: {reply}" if reply else "reply: (none)")
    for text in to_sender:
        click.echo(f"text to {sender}: {text}")


@phone_cli.command("outbox")
@click.option("--last", default=10, show_default=True, help="How many messages.")
@_quiet_unless_asked
def show_outbox(last):
    """The newest messages the line has sent (or queued)."""

    for message in reversed(db.session.scalars(outbox.messages().limit(last)).all()):
        # Which provider carried it, once there is more than the local outbox to choose from.
        through = f" [{message.provider}]" if message.provider not in (None, "local") else ""
        click.echo(f"{message.created_at:%H:%M:%S} {message.status:9} {message.channel:4} "
                   f"{readable_phone(message.to_number)}{through}: {message.body}")


@engine_cli.command("run")
def run_engine():
    """Run the escalation engine and daily jobs in this process until stopped (start web
    workers with RUN_SCHEDULER=0 when using this)."""


    app = current_app._get_current_object()
    scheduler = add_jobs(BlockingScheduler(timezone=app.config["LOCAL_TIMEZONE"]), app)
    stop = threading.Event()
    listening = listen_for_work(app, stop) is not None
    click.echo(f"engine: ticking every {app.config['ENGINE_TICK_SECONDS']} s"
               + ("; woken at once by the web workers' commits (LISTEN/NOTIFY)" if listening else "")
               + "; Ctrl-C stops it")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        stop.set()
        scheduler.shutdown(wait=False)


@engine_cli.command("tick")
def tick_once():
    """Take every step that is due now, once."""

    click.echo(f"engine: {engine.tick(utc_now())} incident(s) handled")


def _fail_on_domain_error(action):
    try:
        return action()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice([str(role) for role in ROLES]), required=True)
@click.option("--mobile", default=None, help="Where alerts such as rota gaps are texted.")
def create_user(username, full_name, role, mobile):
    """Create a user with a role."""
    def create():
        user = users.create_user(username, full_name, role, utc_now())
        user.mobile = _mobile_or_fail(mobile) if mobile else None
        return user

    user = _fail_on_domain_error(create)
    db.session.commit()
    click.echo(f"created {user.role} {user.username}")


@users_cli.command("token")
@click.argument("username")
@click.option("--label", default="api", show_default=True, help="What the token is for.")
def issue_token(username, label):
    """Issue an API token; it is printed once and stored only as a hash."""
    def issue():
        return users.issue_token(users.get_user(username), label, utc_now())

    row, token = _fail_on_domain_error(issue)
    db.session.commit()
    click.echo(f"token {row.id} for {username} ({label}); keep it now, it is not shown again:")
    click.echo(token)


@users_cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """Revoke a token by its id (see `flask users list`)."""
    row = _fail_on_domain_error(lambda: users.revoke_token(token_id, utc_now()))
    db.session.commit()
    click.echo(f"revoked token {row.id} ({row.token_prefix}...) of {row.user.username}")


@users_cli.command("set-active")
@click.argument("username")
@click.argument("active", type=click.Choice(["yes", "no"]))
def set_active(username, active):
    """Let a user in or keep them out; their tokens follow."""
    user = _fail_on_domain_error(lambda: users.get_user(username))
    users.set_active(user, active == "yes")
    db.session.commit()
    click.echo(f"{username} is {'active' if user.active else 'inactive'}")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="The console password (asked for twice when left out).")
def set_password(username, password):
    """Set a user's password for the coordinators' console (at least 12 characters)."""
    user = _fail_on_domain_error(lambda: users.get_user(username))
    _fail_on_domain_error(lambda: users.set_password(user, password))
    db.session.commit()
    click.echo(f"{username} can now log in to the console at /console")


@users_cli.command("set-mobile")
@click.argument("username")
@click.argument("mobile")
def set_mobile(username, mobile):
    """Set where a user's alerts are texted ("none" to stop them)."""
    user = _fail_on_domain_error(lambda: users.get_user(username))
    user.mobile = None if mobile.lower() == "none" else _mobile_or_fail(mobile)
    db.session.commit()
    click.echo(f"{username}'s alerts go to {user.mobile or 'nowhere'}")


@users_cli.command("set-email")
@click.argument("username")
@click.argument("address")
def set_email(username, address):
    """Set where a user's alerts are emailed ("none" to stop them)."""
    user = _fail_on_domain_error(lambda: users.get_user(username))
    _fail_on_domain_error(lambda: users.set_email(user, None if address.lower() == "none" else address))
    db.session.commit()
    click.echo(f"{username}'s alerts are emailed to {user.email or 'nobody'}")


def _phone_or_fail(text):
    try:
        return normalise_phone(text)
    except PhoneNumberError as error:
        raise click.ClickException(str(error)) from None


def _mobile_or_fail(text):
    try:
        return normalise_mobile(text)
    except PhoneNumberError as error:
        raise click.ClickException(str(error)) from None


@rota_cli.command("check-gaps")
def check_gaps():
    """Text coordinators the coming days' tier-1 gaps (the scheduler does this daily)."""

    now = utc_now()
    holes = rota.gaps(now, now + timedelta(days=current_app.config["ROTA_GAP_DAYS"]))
    for start, end in holes:
        click.echo(rota.describe_span(start, end, local_zone()))
    queued = rota.alert_coordinators_of_gaps(now)
    db.session.commit()
    click.echo(f"{len(holes)} gap(s); {len(queued)} alert(s) in the outbox")


@users_cli.command("link-officer")
@click.argument("username")
@click.argument("officer_id", type=int)
def link_officer(username, officer_id):
    """Tie a duty_officer login to a rota officer, so they see the incidents they were asked about."""

    def link():
        user, officer = users.get_user(username), rota.get_officer(officer_id)
        officer.user_id = user.id
        return officer

    officer = _fail_on_domain_error(link)
    db.session.commit()
    click.echo(f"{username} is duty officer {officer.name}")


@users_cli.command("list")
def list_users():
    """Users with their roles and tokens."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'inactive'}\t{user.full_name}")
        for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
            click.echo(f"\ttoken {token.id}\t{token.token_prefix}...\t{token.label}\t{state}")


@demo_cli.command("load")
def load_demo():
    """Load a demo coordinator, plan and rota, once, into an empty database."""
    if not current_app.config["LOAD_DEMO_DATA"]:
        click.echo("demo: not loaded (LOAD_DEMO_DATA is off)")
        return
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo("demo: data already present; to get a new token: flask --app emergency users token demo")
        return
    token, password, plan, officers = demo.load(utc_now())
    db.session.commit()
    click.echo(f"demo: coordinator 'demo' created; API token (shown once): {token}")
    click.echo(f"demo: console at /console, username demo, password (shown once): {password}")
    click.echo(f"demo: active plan for {plan.carer_name}, card number {plan.card_number}")
    click.echo(f"demo: rota of {len(officers)} duty officers: nights and weekends, tiers 1 and 2, and the next 12 "
               f"hours wherever those leave a tier empty")
    fallback = current_app.config["FALLBACK_PHONE_NUMBER"]
    click.echo(f"demo: fallback number {fallback}" if fallback else "demo: no FALLBACK_PHONE_NUMBER is set")
