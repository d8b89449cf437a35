"""The demo a newcomer plays from a second shell while `python3 tasks.py serve` runs: the
commands act as the running server would, the README's lines work as pasted, and what the
commands print is not mixed with log lines."""
import json
import logging
import os
import re
import shlex
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from config import config_from_environment
from config.serve_settings import FILE_NAME, save, shared_with
from emergency import create_app
from emergency.cover import service as cover
from emergency.cover.models import Cover
from emergency.demo import DEMO_CARD_NUMBER
from emergency.extensions import db
from emergency.incidents.models import Incident
from emergency.providers.models import CareProvider
from emergency.users.models import User

README = Path(__file__).resolve().parents[2] / "README.md"
THURSDAY_NIGHT = "2026-11-26 22:00:00"  # the demo rota is on duty


def a_finished_process_id() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


@pytest.fixture
def second_shell(database_url, tmp_path):
    """An app built as `flask --app emergency ...` builds it in a second shell: from an environment
    that names only the database, beside the instance folder of a server serve started with
    PORT=5731 ESCALATION_WAIT_SECONDS=30."""
    save(tmp_path, {"DATABASE_URL": database_url, "PUBLIC_BASE_URL": "http://127.0.0.1:5731",
                    "ESCALATION_WAIT_SECONDS": "30", "SECRET_KEY": "the-server's-own-secret-key-0123456789"},
         os.getpid())
    app = create_app(config_from_environment({"DATABASE_URL": database_url}, instance_path=tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_phone_commands_in_a_second_shell_link_to_the_running_servers_port_and_wait_as_it_does(second_shell):
    cli = second_shell.test_cli_runner()
    assert f"card number {DEMO_CARD_NUMBER}" in cli.invoke(args=["demo", "load"]).output
    with freeze_time(THURSDAY_NIGHT):
        cli.invoke(args=["phone", "text", "07700 900321", f"Margaret has had a fall, card {DEMO_CARD_NUMBER}"])
        accepted = cli.invoke(args=["phone", "text", "07700 900456", "ACCEPT"]).output
    assert re.search(r"text to 07700 900456: .*http://127\.0\.0\.1:5731/details/", accepted), accepted


def test_the_first_ask_waits_as_long_as_the_running_server_would(second_shell):
    cli = second_shell.test_cli_runner()
    cli.invoke(args=["demo", "load"])
    with freeze_time(THURSDAY_NIGHT):
        cli.invoke(args=["phone", "text", "07700 900321", f"card {DEMO_CARD_NUMBER}"])
    incident = db.session.scalar(select(Incident))
    assert incident.next_action_at - incident.opened_at == timedelta(seconds=30)


def test_settings_are_shared_only_with_a_running_server_on_the_same_database_and_never_its_secrets(tmp_path):
    server = {"DATABASE_URL": "postgresql+psycopg://line:secret@db/line", "ESCALATION_WAIT_SECONDS": "30",
              "SECRET_KEY": "s" * 40, "TWILIO_AUTH_TOKEN": "twilio-secret", "SMTP_URL": "smtp://u:p@mail:587"}
    path = save(tmp_path, server, os.getpid())
    written = path.read_text()
    assert path.name == FILE_NAME and path.stat().st_mode & 0o777 == 0o600
    assert not any(secret in written for secret in ("secret", "s" * 40, "smtp://", "line:"))
    assert json.loads(written)["settings"] == {"ESCALATION_WAIT_SECONDS": "30"}
    assert shared_with(tmp_path, {"DATABASE_URL": server["DATABASE_URL"]}) == {"ESCALATION_WAIT_SECONDS": "30"}
    assert shared_with(tmp_path, {}) == {}  # another database: another service
    save(tmp_path, server, a_finished_process_id())
    assert shared_with(tmp_path, {"DATABASE_URL": server["DATABASE_URL"]}) == {}  # that server has stopped
    (tmp_path / FILE_NAME).write_text("{not json")
    assert shared_with(tmp_path, {"DATABASE_URL": server["DATABASE_URL"]}) == {}


def test_a_second_shells_own_settings_win_and_production_never_reads_the_file(tmp_path):
    save(tmp_path, {"ESCALATION_WAIT_SECONDS": "30", "ESCALATION_ROUNDS": "1"}, os.getpid())
    mine = config_from_environment({"ESCALATION_ROUNDS": "2"}, instance_path=tmp_path)
    assert (mine.ESCALATION_WAIT_SECONDS, mine.ESCALATION_ROUNDS) == (30, 2)
    production = config_from_environment({"APP_ENV": "production", "SECRET_KEY": "x" * 40}, instance_path=tmp_path)
    assert production.ESCALATION_WAIT_SECONDS == 600


def readme_tour_commands() -> list[list[str]]:
    """The `flask ... phone` lines of the README, as a newcomer pastes them."""
    prefix = ".venv/bin/flask --app emergency "
    lines = [line.split("#")[0].strip() for line in README.read_text().splitlines()]
    return [shlex.split(line.removeprefix(prefix)) for line in lines if line.startswith(prefix + "phone ")]


def test_the_readmes_tour_pasted_as_it_stands_reaches_the_demo_plan_and_its_contact_accepts(app):
    app.config["LOAD_DEMO_DATA"] = True
    cli = app.test_cli_runner()
    assert f"card number {DEMO_CARD_NUMBER}" in cli.invoke(args=["demo", "load"]).output
    commands = readme_tour_commands()
    emergency, cover_step = commands[:4], commands[4:]
    assert [command[:2] for command in emergency] == [["phone", "text"], ["phone", "outbox"]] * 2
    with freeze_time(THURSDAY_NIGHT):
        outputs = [cli.invoke(args=command).output for command in emergency]
    assert "contacting Margaret's emergency contacts" in outputs[0]  # the plan, not "needs a person"
    assert re.search(r"sms +07700 900456: .*Reply ACCEPT", outputs[1])  # the ask to Susan, the first contact
    assert re.search(r"text to 07700 900456: .*/details/", outputs[2])  # her details link
    incident = db.session.scalar(select(Incident))
    assert incident.status == "accepted" and incident.plan_snapshot["card_number"] == DEMO_CARD_NUMBER

    # The cover step: the console's "Arrange cover" asks Headingley Home Care, then its texts.
    night = datetime(2026, 11, 26, 22, 0, tzinfo=timezone.utc)  # THURSDAY_NIGHT, as a time
    headingley = db.session.scalar(select(CareProvider).where(CareProvider.name == "Headingley Home Care"))
    coordinator = db.session.scalar(select(User).where(User.username == "demo"))
    with freeze_time(night + timedelta(minutes=5)):
        cover.ask_providers(incident, {"provider_ids": [headingley.id], "mode": "one_at_a_time",
                                       "starts_at": night + timedelta(minutes=30),
                                       "ends_at": night + timedelta(hours=48)}, user=coordinator,
                            now=night + timedelta(minutes=5))
        db.session.commit()
    assert [command[:3] for command in cover_step] == [["phone", "text", "07700 900781"]] * 2
    with freeze_time(night + timedelta(minutes=10)):
        booked = cli.invoke(args=cover_step[0]).output
    assert re.search(r"text to 07700 900781: .*booked to cover care in LS6", booked)
    with freeze_time(night + timedelta(hours=20)):
        cli.invoke(args=cover_step[1])
    ended = db.session.scalar(select(Cover))
    db.session.refresh(ended)
    assert ended.outcome == "carer_back" and ended.ended_at is not None


def test_the_phone_commands_print_no_log_lines_unless_asked(app, caplog):
    app.config["LOAD_DEMO_DATA"] = True
    cli = app.test_cli_runner()
    cli.invoke(args=["demo", "load"])
    caplog.set_level(logging.INFO)
    with freeze_time(THURSDAY_NIGHT):
        text = cli.invoke(args=["phone", "text", "07700 900321", f"card {DEMO_CARD_NUMBER}"])
        outbox = cli.invoke(args=["phone", "outbox"])
    assert text.exit_code == outbox.exit_code == 0 and text.output.startswith("reply: ")
    assert [record.getMessage() for record in caplog.records if record.name.startswith("emergency")] == []
    with freeze_time(THURSDAY_NIGHT):
        cli.invoke(args=["phone", "text", "07700 900456", "ACCEPT", "--log"])
    assert any("outbox (local)" in record.getMessage() for record in caplog.records)
    assert app.logger.level == logging.INFO  # back as it was
