"""Settings read from the environment. The defaults run the embedded set-up with no set-up.

Settings are instances, read when created, so that tests can pass their own environment.
"""
import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class Config:
    ENV_NAME = "development"
    LOAD_DEMO_DATA_DEFAULT = "1"
    RUN_SCHEDULER_DEFAULT = "1"

    API_TITLE = "Carers Emergency Line"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    }
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # The console's login cookie: signed with SECRET_KEY, out of reach of scripts and of
    # other sites' forms, and good for one working day.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    def __init__(self, environ=None):
        self._environ = os.environ if environ is None else environ
        # None means SQLite under the instance folder; create_app fills in the path.
        self.SQLALCHEMY_DATABASE_URI = self._text("DATABASE_URL")
        self.SECRET_KEY = self._text("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.PUBLIC_BASE_URL = self._text("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.SESSION_COOKIE_SECURE = self.PUBLIC_BASE_URL.startswith("https://")
        self.LOCAL_TIMEZONE = self._text("LOCAL_TIMEZONE", "Europe/London")

        # Without an account SID and auth token, outbound messages go to the local outbox.
        self.TWILIO_ACCOUNT_SID = self._text("TWILIO_ACCOUNT_SID")
        self.TWILIO_AUTH_TOKEN = self._text("TWILIO_AUTH_TOKEN")
        self.TWILIO_AUTH_TOKEN_SECONDARY = self._text("TWILIO_AUTH_TOKEN_SECONDARY")
        self.TWILIO_FROM_NUMBER = self._text("TWILIO_FROM_NUMBER")
        self.TWILIO_API_URL = self._text("TWILIO_API_URL")
        self.FALLBACK_PHONE_NUMBER = self._text("FALLBACK_PHONE_NUMBER")

        # Seconds, so that demos and acceptance runs can shorten them.
        self.ESCALATION_WAIT_SECONDS = self._whole_number("ESCALATION_WAIT_SECONDS", 600)
        self.ESCALATION_ROUNDS = self._whole_number("ESCALATION_ROUNDS", 3)
        self.ENGINE_TICK_SECONDS = self._whole_number("ENGINE_TICK_SECONDS", 5)

        self.PLAN_REVIEW_MONTHS = self._whole_number("PLAN_REVIEW_MONTHS", 12)
        # The number carers are asked to call when their plan falls due for review.
        self.PLAN_REVIEW_PHONE = self._text("PLAN_REVIEW_PHONE", "the carers' centre")
        # /metrics: also open, with no token, to these addresses or networks (comma-separated).
        self.METRICS_ALLOW_FROM = self._text("METRICS_ALLOW_FROM", "")
        # "json": one JSON object per log line; anything else: readable text.
        self.LOG_FORMAT = self._text("LOG_FORMAT", "text")

        # Office hours; everything else, and bank holidays, is out of hours.
        self.OFFICE_DAYS = self._text("OFFICE_DAYS", "mon,tue,wed,thu,fri")
        self.OFFICE_OPENS = self._text("OFFICE_OPENS", "09:00")
        self.OFFICE_CLOSES = self._text("OFFICE_CLOSES", "17:00")
        # A subdivision of the holidays package's GB calendar: ENG, WLS, SCT or NIR.
        self.BANK_HOLIDAY_REGION = self._text("BANK_HOLIDAY_REGION", "ENG")
        self.ROTA_GAP_DAYS = self._whole_number("ROTA_GAP_DAYS", 14)
        self.ROTA_GAP_CHECK_AT = self._text("ROTA_GAP_CHECK_AT", "08:00")
        self.RUN_SCHEDULER = self._text("RUN_SCHEDULER", self.RUN_SCHEDULER_DEFAULT) == "1"
        self.LOAD_DEMO_DATA = self._text("LOAD_DEMO_DATA", self.LOAD_DEMO_DATA_DEFAULT) == "1"

    def _text(self, name, default=None):
        value = self._environ.get(name)
        return default if value in (None, "") else value

    def _whole_number(self, name, default):
        value = self._text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise RuntimeError(f"{name} must be a whole number, got {value!r}") from None
        if number < 0:
            raise RuntimeError(f"{name} must not be negative, got {number}")
        return number

    def check(self):
        """Refuse settings that would be unsafe or cannot be understood."""
        for name in ("ESCALATION_WAIT_SECONDS", "ESCALATION_ROUNDS", "ENGINE_TICK_SECONDS"):
            if getattr(self, name) < 1:
                raise RuntimeError(f"{name} must be at least 1")
        self.check_rota_settings()

    def check_rota_settings(self):
        from emergency.rota.settings import office_hours_from, validate_region

        office_hours_from(self.OFFICE_DAYS, self.OFFICE_OPENS, self.OFFICE_CLOSES)
        validate_region(self.BANK_HOLIDAY_REGION)
        office_hours_from("mon", self.ROTA_GAP_CHECK_AT, "23:59")


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOAD_DEMO_DATA_DEFAULT = "0"

    def check(self):
        super().check()
        if self._text("SECRET_KEY") in (None, DEFAULT_SECRET_KEY):
            raise RuntimeError(
                "SECRET_KEY is missing or is the development default: set a long random "
                "SECRET_KEY in the environment before starting in production"
            )
        if len(self.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY is too short: use at least 32 random characters")
        if not self.SQLALCHEMY_DATABASE_URI:
            raise RuntimeError("DATABASE_URL is missing: production needs a database URL")


class TestConfig(Config):
    __test__ = False  # not a pytest test class
    ENV_NAME = "test"
    RUN_SCHEDULER_DEFAULT = "0"  # tests call the jobs with a frozen `now` instead
    TESTING = True

    def __init__(self, environ=None):
        super().__init__(environ)
        self.SECRET_KEY = "test-secret-key"
        self.LOAD_DEMO_DATA = False
        self.PUBLIC_BASE_URL = "https://line.example.org"


CONFIG_CLASSES = {"development": Config, "production": ProductionConfig, "test": TestConfig}


def config_from_environment(environ=None):
    environ = os.environ if environ is None else environ
    name = environ.get("APP_ENV") or "development"
    if name not in CONFIG_CLASSES:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIG_CLASSES)}, got {name!r}")
    return CONFIG_CLASSES[name](environ)
