"""`flask retention run`, `flask plans erase` and `flask plans export`."""
import json
import os

import click
from flask import current_app
from flask.cli import AppGroup

from emergency.clock import utc_now
from emergency.errors import DomainError
from emergency.extensions import db
from emergency.plans import service as plans
from emergency.retention import erasure, service
from emergency.retention.export import export_plan, json_default
from emergency.retention.schedule import RetentionSchedule
from emergency.users import service as users
from emergency.users.roles import EDITORS, Role

retention_cli = AppGroup("retention", help="The retention schedule.")
plans_cli = AppGroup("plans", help="Plans: subject access exports and erasure on request.")


def _or_fail(action):
    try:
        return action()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}" if error.field else error.message) from None


def _staff(username, roles, doing: str):
    """The user named with --by, who must have one of the roles: the audit log says who did it."""
    user = _or_fail(lambda: users.get_user(username))
    if user.role not in roles or not user.active:
        raise click.ClickException(f"{username} is {'an inactive ' if not user.active else 'a '}{user.role}; "
                                   f"{doing} needs an active {' or '.join(roles)}")
    return user


@retention_cli.command("run")
def run_retention():
    """Apply the retention schedule now (the scheduler does this daily)."""
    report = service.run(utc_now(), RetentionSchedule.from_settings(current_app.config))
    if report.stood_aside:
        click.echo("retention: another worker is applying the schedule right now; it does the rest")
    for line in report.lines():
        click.echo(f"retention: {line}")


@plans_cli.command("erase")
@click.argument("plan_id", type=int)
@click.option("--reason", required=True, help="Why: the erasure request's reference, not personal details.")
@click.option("--confirm", "card_number", default=None, help="The plan's card number (asked for when left out).")
@click.option("--by", "username", required=True, help="The admin doing it, for the audit log.")
def erase(plan_id, reason, card_number, username):
    """Erase a plan's personal data on request. There is no undo."""
    user = _staff(username, (Role.ADMIN,), "erasing a plan")
    plan = _or_fail(lambda: plans.get_plan(plan_id))
    if card_number is None:
        click.echo(f"This erases plan {plan.id} and every name, number and note tied to it. There is no undo.")
        card_number = click.prompt("Type the plan's card number to confirm")
    done = _or_fail(lambda: erasure.erase_plan(plan, reason=reason, confirm=card_number, by=user, now=utc_now()))
    db.session.commit()
    click.echo(f"plan {done.plan_id} erased: {done.incidents_anonymised} incident(s) anonymised, "
               f"{done.versions_removed} version(s) removed; the audit log keeps the stub")


@plans_cli.command("export")
@click.argument("plan_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default="-",
              help="Write to this file (readable by its owner only) instead of the standard output.")
@click.option("--by", "username", required=True, help="The coordinator or admin exporting, for the audit log.")
def export(plan_id, output, username):
    """Write everything held about a plan as JSON (a subject access request)."""
    user = _staff(username, EDITORS, "exporting a plan")
    plan = _or_fail(lambda: plans.get_plan(plan_id))
    data = export_plan(plan, by=user, now=utc_now())
    db.session.commit()
    text = json.dumps(data, default=json_default, indent=2, ensure_ascii=False) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    # The file holds the key-safe code and health details: its owner alone may read it, even
    # when it replaces a file that others could read.
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)

