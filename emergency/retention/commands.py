"""`flask retention run`, `flask plans erase` and `flask plans export`."""
import json

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
from emergency.users.roles import Role

retention_cli = AppGroup("retention", help="The retention schedule.")
plans_cli = AppGroup("plans", help="Plans: subject access exports and erasure on request.")


def _or_fail(action):
    try:
        return action()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}" if error.field else error.message) from None


def _user_or_none(username):
    return _or_fail(lambda: users.get_user(username)) if username else None


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
@click.option("--by", "username", default=None, help="The admin doing it, for the audit log.")
def erase(plan_id, reason, card_number, username):
    """Erase a plan's personal data on request. There is no undo."""
    user = _user_or_none(username)
    if user is not None and user.role != Role.ADMIN:
        raise click.ClickException(f"{username} is a {user.role}; erasing a plan needs an admin")
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
@click.option("--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of the standard output.")
@click.option("--by", "username", default=None, help="Who is exporting, for the audit log.")
def export(plan_id, output, username):
    """Write everything held about a plan as JSON (a subject access request)."""
    user = _user_or_none(username)
    plan = _or_fail(lambda: plans.get_plan(plan_id))
    data = export_plan(plan, by=user, now=utc_now())
    db.session.commit()
    json.dump(data, output, default=json_default, indent=2, ensure_ascii=False)
    output.write("\n")

