import pytest

from config import (
    DEFAULT_SECRET_KEY,
    DEMO_FALLBACK_PHONE_NUMBER,
    DEMO_LINE_PHONE_NUMBER,
    Config,
    ProductionConfig,
    config_from_environment,
)
from emergency import create_app
from emergency.users import service as users
from emergency.users.models import User

PRODUCTION = {"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql+psycopg://db/line",
              "FALLBACK_PHONE_NUMBER": "0113 496 0000"}


def test_development_runs_with_no_environment_at_all():
    settings = Config(environ={})
    settings.check()
    assert settings.SQLALCHEMY_DATABASE_URI is None  # SQLite under instance/
    assert settings.ESCALATION_WAIT_SECONDS == 600 and settings.TWILIO_ACCOUNT_SID is None


@pytest.mark.parametrize(
    "environ",
    [{}, {"SECRET_KEY": ""}, {"SECRET_KEY": DEFAULT_SECRET_KEY}, {"SECRET_KEY": "short"}],
    ids=["missing", "empty", "default", "short"],
)
def test_production_refuses_to_start_without_a_real_secret_key(environ):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig(environ={**PRODUCTION, "SECRET_KEY": None, **environ}).check()


def test_production_starts_with_a_long_secret_a_database_and_a_fallback_number():
    settings = ProductionConfig(environ=PRODUCTION)
    settings.check()
    assert settings.LOAD_DEMO_DATA is False and settings.FALLBACK_PHONE_NUMBER == "+441134960000"


@pytest.mark.parametrize("fallback", [None, ""], ids=["missing", "empty"])
def test_production_refuses_to_start_without_a_fallback_number_a_person_answers(fallback):
    with pytest.raises(RuntimeError, match="FALLBACK_PHONE_NUMBER is missing"):
        config_from_environment({**PRODUCTION, "APP_ENV": "production", "FALLBACK_PHONE_NUMBER": fallback}).check()


def test_a_fallback_number_that_is_not_a_phone_number_stops_start_up():
    with pytest.raises(RuntimeError, match="FALLBACK_PHONE_NUMBER"):
        config_from_environment({"FALLBACK_PHONE_NUMBER": "01234"}).check()


def test_the_demo_has_a_fallback_number_and_a_real_set_up_keeps_its_own():
    assert Config(environ={}).FALLBACK_PHONE_NUMBER == DEMO_FALLBACK_PHONE_NUMBER
    assert Config(environ={"LOAD_DEMO_DATA": "0"}).FALLBACK_PHONE_NUMBER is None
    assert Config(environ={"FALLBACK_PHONE_NUMBER": "+441134960000"}).FALLBACK_PHONE_NUMBER == "+441134960000"


def test_the_demo_can_print_its_card_with_the_demo_line_number_and_a_real_set_up_uses_its_own():
    assert Config(environ={}).LINE_PHONE_NUMBER == DEMO_LINE_PHONE_NUMBER
    assert Config(environ={"TWILIO_FROM_NUMBER": "+441134960999"}).LINE_PHONE_NUMBER == "+441134960999"
    assert Config(environ={"LOAD_DEMO_DATA": "0"}).LINE_PHONE_NUMBER is None


def test_caller_updates_default_to_every_20_minutes_and_0_turns_them_off():
    assert Config(environ={}).CALLER_UPDATE_MINUTES == 20
    assert Config(environ={"CALLER_UPDATE_MINUTES": "0"}).CALLER_UPDATE_MINUTES == 0


def test_settings_are_read_from_the_environment():
    settings = config_from_environment({"APP_ENV": "development", "ESCALATION_WAIT_SECONDS": "30",
                                        "PUBLIC_BASE_URL": "https://line.example.org"})
    assert settings.ESCALATION_WAIT_SECONDS == 30 and settings.PUBLIC_BASE_URL == "https://line.example.org"


@pytest.mark.parametrize("environ, says", [({"APP_ENV": "staging"}, "APP_ENV"),
                                           ({"ESCALATION_WAIT_SECONDS": "ten"}, "ESCALATION_WAIT_SECONDS"),
                                           ({"ESCALATION_WAIT_SECONDS": "0"}, "ESCALATION_WAIT_SECONDS"),
                                           ({"OFFICE_OPENS": "9am"}, "OFFICE_OPENS"),
                                           ({"OFFICE_DAYS": "mon,funday"}, "OFFICE_DAYS"),
                                           ({"BANK_HOLIDAY_REGION": "XX"}, "BANK_HOLIDAY_REGION")])
def test_a_mistyped_setting_stops_start_up_with_its_name(environ, says):
    with pytest.raises(RuntimeError, match=says):
        config_from_environment(environ).check()


def test_the_service_itself_refuses_to_start_in_production_without_a_fallback_number():

    with pytest.raises(RuntimeError, match="FALLBACK_PHONE_NUMBER is missing"):
        create_app(config_from_environment({**PRODUCTION, "APP_ENV": "production", "FALLBACK_PHONE_NUMBER": ""}))


@pytest.mark.parametrize("settings", [Config(environ={"LOAD_DEMO_DATA": "0"}), ProductionConfig(environ=PRODUCTION)],
                         ids=["development", "production"])
def test_outside_the_tests_passwords_are_hashed_with_scrypt_at_its_full_cost(settings):
    with create_app(settings).app_context():
        user = User(username="cora")
        users.set_password(user, "a long enough password")
    method, _salt, _digest = user.password_hash.split("$")
    name, cost, block_size, _parallel = method.split(":")
    assert name == "scrypt" and int(cost) >= 2**15 and int(block_size) >= 8
