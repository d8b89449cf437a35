import pytest

from config import DEFAULT_SECRET_KEY, Config, ProductionConfig, config_from_environment


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
        ProductionConfig(environ={"DATABASE_URL": "postgresql+psycopg://db/line", **environ}).check()


def test_production_starts_with_a_long_secret_and_a_database():
    settings = ProductionConfig(environ={"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql+psycopg://db/line"})
    settings.check()
    assert settings.LOAD_DEMO_DATA is False


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
