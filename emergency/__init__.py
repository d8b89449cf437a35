"""The Carers Emergency Line service. create_app reads as a table of contents."""
from pathlib import Path

from flask import Flask

from config import Config, config_from_environment

MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Config | dict | None = None) -> Flask:
    """config: a settings object, or a dict of overrides on the environment's settings."""
    from emergency.design_system import PageTemplates

    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = PageTemplates  # before app.jinja_env is first made
    settings = config if isinstance(config, Config) else config_from_environment(instance_path=app.instance_path)
    settings.check()
    app.config.from_object(settings)
    if isinstance(config, dict):
        app.config.update(config)

    register_logging(app)
    register_security(app)
    register_database(app)
    register_outbox(app)
    register_cover(app)
    register_wording(app)
    register_api(app)
    register_design_system(app)
    register_pages(app)
    register_error_pages(app)
    register_commands(app)
    register_monitoring(app)
    return app


def register_logging(app):
    from emergency.logs import configure_logging

    configure_logging(app)


def register_security(app):
    from emergency.security import register_security as register

    register(app)


def register_database(app):
    from emergency import database, models  # noqa: F401  SQLite pragmas; every table
    from emergency.db_types import render_type_for_migrations
    from emergency.extensions import db, migrate

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'emergency.db'}"
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY, render_as_batch=True, compare_type=True,
                     render_item=render_type_for_migrations)


def register_outbox(app):
    from emergency.alerts.service import tell_coordinators_of_outage
    from emergency.cover import delivery_outcomes as cover_delivery_outcomes
    from emergency.incidents import delivery_outcomes
    from emergency.outbox.setup import outbox_from_config

    outbox = app.extensions["outbox"] = outbox_from_config(app.config)
    # The outbox imports nothing above it: incidents and alerts subscribe to what it reports.
    delivery_outcomes.subscribe_to(outbox.outcomes)
    cover_delivery_outcomes.subscribe_to(outbox.outcomes)
    outbox.outcomes.subscribe(outage=tell_coordinators_of_outage)


def register_cover(app):
    from emergency.cover.ending import refuse_closing_while_live
    from emergency.cover.service import withdraw_asks
    from emergency.incidents.closing import CLOSE_CHECKS
    from emergency.providers.service import DEACTIVATED

    if refuse_closing_while_live not in CLOSE_CHECKS:
        CLOSE_CHECKS.append(refuse_closing_while_live)
    if withdraw_asks not in DEACTIVATED:
        DEACTIVATED.append(withdraw_asks)


def register_wording(app):
    from emergency.wording import pages

    pages.register(app)


def register_api(app):
    from emergency.api import register_api as register

    register(app)


def register_design_system(app):
    from emergency.design_system import register_design_system as register

    register(app)


def register_pages(app):
    from emergency import console, pages, public
    from emergency.cover import link_views as cover_link_views
    from emergency.incidents import details_views
    from emergency.reports import views as report_views
    from emergency.rota import feed_views

    # Twilio's views live in a module per job, each adding them to twilio_requests.blp when it is
    # imported: all are imported here, before the blueprint is registered.
    from emergency.telephony import (  # noqa: F401
        ask_call_views,
        message_views,
        notify_webhooks,
        put_through_views,
        sms_views,
        twilio_requests,
        voice_views,
    )

    app.register_blueprint(pages.blp)
    app.register_blueprint(twilio_requests.blp)
    app.register_blueprint(notify_webhooks.blp)
    app.register_blueprint(feed_views.blp)
    app.register_blueprint(details_views.blp)
    app.register_blueprint(console.blp)
    app.register_blueprint(report_views.blp)
    app.register_blueprint(public.blp)
    app.register_blueprint(cover_link_views.blp)


def register_error_pages(app):
    from emergency.error_pages import register_error_pages as register

    register(app)


def register_commands(app):
    from emergency.commands import demo_cli, engine_cli, phone_cli, rota_cli, security_cli, users_cli
    from emergency.retention.commands import plans_cli, retention_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(rota_cli)
    app.cli.add_command(engine_cli)
    app.cli.add_command(phone_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(plans_cli)
    app.cli.add_command(security_cli)


def register_monitoring(app):
    from emergency.monitoring import metrics

    metrics.register(app)
