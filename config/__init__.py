"""Settings read from the environment. The defaults run the embedded set-up with no set-up.

Settings are instances, read when created, so that tests can pass their own environment.
"""
import os
import re
import tempfile
import uuid
from datetime import datetime, timedelta

DEFAULT_SECRET_KEY = "dev-only-not-secret"
# The demo's fallback number: Ofcom's drama range, which reaches nobody.
DEMO_FALLBACK_PHONE_NUMBER = "+441134960888"
# The demo line's own number, printed on the demo's cards (an Ofcom drama number).
DEMO_LINE_PHONE_NUMBER = "+441134960500"
# The demo's council, so that a newcomer sees where a council's name goes.
DEMO_COUNCIL_NAME = "Demo Borough Council"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.2 AA for normal text: the header's white words on the brand colour, and links in it.
LEAST_CONTRAST = 4.5


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
    # Every checkout pings its connection: after a database restart a pooled connection is dead,
    # and without the ping each would fail one request (a texted emergency among them; tried).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # The console's login cookie: signed with SECRET_KEY, out of reach of scripts and of
    # other sites' forms, and good for one working day from the login, however active.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Console passwords: werkzeug's scrypt at its own (deliberately slow) cost. Not read from
    # the environment: nothing outside the tests should make it cheaper.
    PASSWORD_HASH_METHOD = "scrypt"

    def __init__(self, environ=None):
        self._environ = os.environ if environ is None else environ
        # None means SQLite under the instance folder; create_app fills in the path.
        self.SQLALCHEMY_DATABASE_URI = self._text("DATABASE_URL")
        self.SECRET_KEY = self._text("SECRET_KEY", DEFAULT_SECRET_KEY)
        self.PUBLIC_BASE_URL = self._text("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        # A console session nobody has used for this long ends (the board's own reloads do not count).
        self.CONSOLE_IDLE_MINUTES = self._whole_number("CONSOLE_IDLE_MINUTES", 60)
        self.SESSION_COOKIE_SECURE = self.PUBLIC_BASE_URL.startswith("https://")
        self.LOCAL_TIMEZONE = self._text("LOCAL_TIMEZONE", "Europe/London")

        # Without an account SID and auth token, outbound messages go to the local outbox.
        self.TWILIO_ACCOUNT_SID = self._text("TWILIO_ACCOUNT_SID")
        self.TWILIO_AUTH_TOKEN = self._text("TWILIO_AUTH_TOKEN")
        self.TWILIO_AUTH_TOKEN_SECONDARY = self._text("TWILIO_AUTH_TOKEN_SECONDARY")
        self.TWILIO_FROM_NUMBER = self._text("TWILIO_FROM_NUMBER")
        # The number printed on carers' cards; the line's Twilio number unless set.
        self.LINE_PHONE_NUMBER = self._text("LINE_PHONE_NUMBER", self.TWILIO_FROM_NUMBER)
        self.TWILIO_API_URL = self._text("TWILIO_API_URL")
        self.FALLBACK_PHONE_NUMBER = self._text("FALLBACK_PHONE_NUMBER")
        # Twilio numbers dedicated to one language, which skip the language menu:
        # "+441134960501=cy,+441134960502=pl" (docs/languages.md).
        self.LINE_NUMBER_LANGUAGES = self._text("LINE_NUMBER_LANGUAGES", "")
        # Where the Noto fonts are (Debian's fonts-noto-core): the card in Welsh, Polish and Urdu.
        self.FONT_DIRECTORY = self._text("FONT_DIRECTORY", "/usr/share/fonts/truetype/noto")
        # The languages the line's menu offers, in order ("en,cy,pl,ur"); English alone: no menu.
        self.LINE_LANGUAGES = self._text("LINE_LANGUAGES", "en")
        # How many messages the sender hands to Twilio (or the mail server) at once.
        self.SENDER_POOL_SIZE = self._whole_number("SENDER_POOL_SIZE", 24)
        # How long sends may fail before the console, /health and coordinators' email say so.
        self.PROVIDER_OUTAGE_ALERT_SECONDS = self._whole_number("PROVIDER_OUTAGE_ALERT_SECONDS", 120)

        # GOV.UK Notify (docs/notify.md): with an API key, texts go through Notify while Twilio
        # fails, and coordinators' email goes through Notify instead of SMTP. Notify sends only
        # through templates: one text template whose body is ((body)), one email template whose
        # subject is ((subject)) and body ((body)).
        self.NOTIFY_API_KEY = self._text("NOTIFY_API_KEY")
        self.NOTIFY_SMS_TEMPLATE_ID = self._text("NOTIFY_SMS_TEMPLATE_ID")
        self.NOTIFY_EMAIL_TEMPLATE_ID = self._text("NOTIFY_EMAIL_TEMPLATE_ID")
        self.NOTIFY_BASE_URL = self._text("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
        # The id of the service's inbound number as a text sender in Notify, so that replies reach
        # the line; unset: the service's default sender.
        self.NOTIFY_SMS_SENDER_ID = self._text("NOTIFY_SMS_SENDER_ID")
        # The bearer token Notify puts on its callbacks (received texts, delivery receipts).
        self.NOTIFY_CALLBACK_TOKEN = self._text("NOTIFY_CALLBACK_TOKEN")
        # Letters by post (docs/letters.md): "notify" posts them through Notify's precompiled letters
        # (the default when NOTIFY_API_KEY is set), "print_queue" keeps them in the console's print
        # queue to print and post by hand (the default without Notify).
        self.LETTERS_VIA = self._text("LETTERS_VIA", "notify" if self.NOTIFY_API_KEY else "print_queue")
        # Notify's postage for letters: first, second or economy.
        self.LETTER_POSTAGE = self._text("LETTER_POSTAGE", "second")
        # "1": a plan's confirmation letter (with its card) is posted when the plan is first made active.
        self.POST_LETTERS_ON_ACTIVATION = self._text("POST_LETTERS_ON_ACTIVATION", "0") == "1"
        # How long Twilio may fail every text before new and retried texts go through Notify.
        self.SMS_FAILOVER_SECONDS = self._whole_number("SMS_FAILOVER_SECONDS", 60)

        # Coordinators' email: smtp://user:password@host:587 (always STARTTLS). Unset: emails
        # stay in the outbox, as texts do without a Twilio account.
        self.SMTP_URL = self._text("SMTP_URL")
        self.SMTP_FROM = self._text("SMTP_FROM", "Carers Emergency Line <line@localhost>")
        # A private certificate authority for the mail server's certificate, if it has one.
        self.SMTP_CA_FILE = self._text("SMTP_CA_FILE")
        # Where texts are kept on disk while the database cannot take them (default: instance/spool).
        self.INBOUND_SPOOL_DIR = self._text("INBOUND_SPOOL_DIR")
        # How many times a kept text is replayed, while the database answers, before it moves to
        # the dead-letter folder and the coordinators are alerted.
        self.KEPT_TEXT_ATTEMPTS = self._whole_number("KEPT_TEXT_ATTEMPTS", 5)
        # Minutes between the "still looking" texts to a caller while nobody has accepted; 0: none.
        self.CALLER_UPDATE_MINUTES = self._whole_number("CALLER_UPDATE_MINUTES", 20)

        # Seconds, so that demos and acceptance runs can shorten them.
        self.ESCALATION_WAIT_SECONDS = self._whole_number("ESCALATION_WAIT_SECONDS", 600)
        self.ESCALATION_ROUNDS = self._whole_number("ESCALATION_ROUNDS", 3)
        self.ENGINE_TICK_SECONDS = self._whole_number("ENGINE_TICK_SECONDS", 5)

        self.PLAN_REVIEW_MONTHS = self._whole_number("PLAN_REVIEW_MONTHS", 12)
        # The number carers are asked to call when their plan falls due for review.
        self.PLAN_REVIEW_PHONE = self._text("PLAN_REVIEW_PHONE", "the carers' centre")
        # The link in the carer's review reminder works for this many days (and only once).
        self.REVIEW_LINK_DAYS = self._whole_number("REVIEW_LINK_DAYS", 28)
        # /metrics: also open, with no token, to these addresses or networks (comma-separated).
        self.METRICS_ALLOW_FROM = self._text("METRICS_ALLOW_FROM", "")
        # "json": one JSON object per log line; anything else: readable text.
        self.LOG_FORMAT = self._text("LOG_FORMAT", "text")

        # The council whose service this is, shown in every page's header (the service is not
        # GOV.UK: no Crown, no GOV.UK logotype). The logo is an SVG or PNG file on this server,
        # served from the service's own address; the colour is the header's, like #0b0c0c.
        self.COUNCIL_NAME = self._text("COUNCIL_NAME", "")
        self.COUNCIL_LOGO_FILE = self._text("COUNCIL_LOGO_FILE")
        self.COUNCIL_BRAND_COLOUR = self._text("COUNCIL_BRAND_COLOUR")

        # Bytes. Larger requests get 413 before anything reads them; the rota's CSV import
        # takes a file of up to 5,000 shifts, so it has a limit of its own.
        self.MAX_CONTENT_LENGTH = self._whole_number("MAX_CONTENT_LENGTH", 1024 * 1024)
        self.CSV_IMPORT_MAX_LENGTH = self._whole_number("CSV_IMPORT_MAX_LENGTH", 5 * 1024 * 1024)
        # How many proxies of ours stand in front (each adds one X-Forwarded-For hop). Login
        # delays are per client address, so behind a proxy this must be set.
        self.TRUSTED_PROXIES = self._whole_number("TRUSTED_PROXIES", 0)
        self.LOG_LEVEL = self._text("LOG_LEVEL", "INFO").upper()

        # Office hours; everything else, and bank holidays, is out of hours.
        self.OFFICE_DAYS = self._text("OFFICE_DAYS", "mon,tue,wed,thu,fri")
        self.OFFICE_OPENS = self._text("OFFICE_OPENS", "09:00")
        self.OFFICE_CLOSES = self._text("OFFICE_CLOSES", "17:00")
        # A subdivision of the holidays package's GB calendar: ENG, WLS, SCT or NIR.
        self.BANK_HOLIDAY_REGION = self._text("BANK_HOLIDAY_REGION", "ENG")
        self.ROTA_GAP_DAYS = self._whole_number("ROTA_GAP_DAYS", 14)
        self.ROTA_GAP_CHECK_AT = self._text("ROTA_GAP_CHECK_AT", "08:00")
        self.RUN_SCHEDULER = self._text("RUN_SCHEDULER", self.RUN_SCHEDULER_DEFAULT) == "1"

        # The retention schedule (UK GDPR storage limitation; the NHS Records Management Code
        # keeps records of care episodes for 8 years), applied daily at RETENTION_RUN_AT.
        self.RETENTION_REPLAY_DAYS = self._whole_number("RETENTION_REPLAY_DAYS", 7)
        self.RETENTION_OUTBOX_BODY_DAYS = self._whole_number("RETENTION_OUTBOX_BODY_DAYS", 90)
        self.RETENTION_INCIDENT_YEARS = self._whole_number("RETENTION_INCIDENT_YEARS", 8)
        self.RETENTION_EXPIRED_TOKEN_DAYS = self._whole_number("RETENTION_EXPIRED_TOKEN_DAYS", 0)
        self.RETENTION_RUN_AT = self._text("RETENTION_RUN_AT", "03:30")
        # The front door (docs/front-door.md): declined and withdrawn applications are deleted after
        # this many months; unsent drafts after a day. The codes that confirm a carer's mobile last
        # MOBILE_CODE_MINUTES and allow MOBILE_CODE_TRIES guesses; texts of codes are capped per
        # number a day, per client address an hour, and in all an hour (against SMS pumping), and
        # applications started per client address an hour. Public forms take at most
        # FRONT_DOOR_MAX_REQUEST_BYTES.
        self.APPLICATION_RETENTION_MONTHS = self._whole_number("APPLICATION_RETENTION_MONTHS", 6)
        self.MOBILE_CODE_MINUTES = self._whole_number("MOBILE_CODE_MINUTES", 10)
        self.MOBILE_CODE_TRIES = self._whole_number("MOBILE_CODE_TRIES", 5)
        self.MOBILE_CODES_PER_NUMBER_PER_DAY = self._whole_number("MOBILE_CODES_PER_NUMBER_PER_DAY", 4)
        self.MOBILE_CODES_PER_ADDRESS_PER_HOUR = self._whole_number("MOBILE_CODES_PER_ADDRESS_PER_HOUR", 6)
        self.MOBILE_CODES_PER_HOUR = self._whole_number("MOBILE_CODES_PER_HOUR", 60)
        self.APPLICATIONS_PER_ADDRESS_PER_HOUR = self._whole_number("APPLICATIONS_PER_ADDRESS_PER_HOUR", 10)
        self.FRONT_DOOR_MAX_REQUEST_BYTES = self._whole_number("FRONT_DOOR_MAX_REQUEST_BYTES", 32 * 1024)

        # Emergency cover (docs/cover.md): how long cover may last without a coordinator's reason,
        # the extra when a bank holiday falls within it, how long a provider has to answer an ask
        # by text, how far back a start may be recorded, and the adult social care front door.
        self.COVER_LIMIT_HOURS = self._whole_number("COVER_LIMIT_HOURS", 72)
        self.COVER_BANK_HOLIDAY_EXTRA_HOURS = self._whole_number("COVER_BANK_HOLIDAY_EXTRA_HOURS", 24)
        self.COVER_ASK_MINUTES = self._whole_number("COVER_ASK_MINUTES", 15)
        self.COVER_START_GRACE_MINUTES = self._whole_number("COVER_START_GRACE_MINUTES", 60)
        self.SOCIAL_CARE_EMAIL = self._text("SOCIAL_CARE_EMAIL")
        self.LOAD_DEMO_DATA = self._text("LOAD_DEMO_DATA", self.LOAD_DEMO_DATA_DEFAULT) == "1"
        if self.LOAD_DEMO_DATA and self.FALLBACK_PHONE_NUMBER is None:
            # A newcomer's first emergency should show the whole escalation, fallback included.
            self.FALLBACK_PHONE_NUMBER = DEMO_FALLBACK_PHONE_NUMBER
        if self.LOAD_DEMO_DATA and self.LINE_PHONE_NUMBER is None:
            self.LINE_PHONE_NUMBER = DEMO_LINE_PHONE_NUMBER  # so that the demo can print its card
        if self.LOAD_DEMO_DATA and not self.COUNCIL_NAME:
            self.COUNCIL_NAME = DEMO_COUNCIL_NAME

    def check_letter_settings(self):
        if self.LETTERS_VIA not in ("notify", "print_queue"):
            raise RuntimeError(f"LETTERS_VIA must be notify or print_queue, got {self.LETTERS_VIA!r}")
        if self.LETTERS_VIA == "notify" and not self.NOTIFY_API_KEY:
            raise RuntimeError("LETTERS_VIA is notify, but NOTIFY_API_KEY is not set (docs/letters.md)")
        if self.LETTER_POSTAGE not in ("first", "second", "economy"):
            raise RuntimeError(f"LETTER_POSTAGE must be first, second or economy, got {self.LETTER_POSTAGE!r}")

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
        # A replay record younger than Twilio's retries, or a body still being sent, must stay.
        for name in ("ESCALATION_WAIT_SECONDS", "ESCALATION_ROUNDS", "ENGINE_TICK_SECONDS", "SENDER_POOL_SIZE",
                     "CONSOLE_IDLE_MINUTES",
                     "KEPT_TEXT_ATTEMPTS",
                     "MAX_CONTENT_LENGTH", "CSV_IMPORT_MAX_LENGTH",
                     "RETENTION_REPLAY_DAYS", "RETENTION_OUTBOX_BODY_DAYS", "RETENTION_INCIDENT_YEARS",
                     "APPLICATION_RETENTION_MONTHS", "MOBILE_CODE_MINUTES", "MOBILE_CODE_TRIES",
                     "FRONT_DOOR_MAX_REQUEST_BYTES", "REVIEW_LINK_DAYS"):
            if getattr(self, name) < 1:
                raise RuntimeError(f"{name} must be at least 1")
        if self.LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise RuntimeError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {self.LOG_LEVEL!r}")
        self.check_rota_settings()
        self.check_notify_settings()
        self.check_letter_settings()
        self.check_branding()
        self.check_line_number_languages()
        if self.SMTP_URL:
            from emergency.outbox.smtp_transport import smtp_settings

            smtp_settings(self.SMTP_URL)
        if self.FALLBACK_PHONE_NUMBER is not None:
            from emergency.phones import PhoneNumberError, normalise_phone

            try:
                self.FALLBACK_PHONE_NUMBER = normalise_phone(self.FALLBACK_PHONE_NUMBER)
            except PhoneNumberError as error:
                raise RuntimeError(f"FALLBACK_PHONE_NUMBER: {error}") from None

    def check_line_number_languages(self):
        """Read LINE_NUMBER_LANGUAGES into {E.164 number: language code}, refusing what cannot be."""
        from emergency.phones import PhoneNumberError, normalise_phone
        from emergency.wording.languages import is_configured

        offered = [code.strip() for code in self.LINE_LANGUAGES.split(",") if code.strip()] \
            if isinstance(self.LINE_LANGUAGES, str) else list(self.LINE_LANGUAGES)
        unknown = [code for code in offered if not is_configured(code)]
        if unknown or not offered:
            raise RuntimeError(f"LINE_LANGUAGES: {', '.join(unknown) or 'none given'}: give configured language codes, "
                               f"e.g. en,cy")
        self.LINE_LANGUAGES = offered
        if not isinstance(self.LINE_NUMBER_LANGUAGES, str):
            return
        dedicated = {}
        for entry in filter(None, (part.strip() for part in self.LINE_NUMBER_LANGUAGES.split(","))):
            number, _, code = entry.partition("=")
            if not is_configured(code.strip()):
                raise RuntimeError(f"LINE_NUMBER_LANGUAGES: {entry!r} names no configured language (number=code)")
            try:
                dedicated[normalise_phone(number.strip())] = code.strip()
            except PhoneNumberError as error:
                raise RuntimeError(f"LINE_NUMBER_LANGUAGES: {entry!r}: {error}") from None
        self.LINE_NUMBER_LANGUAGES = dedicated

    def check_notify_settings(self):
        """A Notify key needs both templates and a callback token long enough to be secret."""
        if not self.NOTIFY_API_KEY:
            return
        from emergency.outbox.notify_transport import parse_api_key

        parse_api_key(self.NOTIFY_API_KEY)
        for name in ("NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID", "NOTIFY_CALLBACK_TOKEN"):
            if not getattr(self, name):
                raise RuntimeError(f"{name} is missing: NOTIFY_API_KEY is set, and Notify needs it (docs/notify.md)")
        if len(self.NOTIFY_CALLBACK_TOKEN) < 20:
            raise RuntimeError("NOTIFY_CALLBACK_TOKEN is too short: use at least 20 random characters")
        if self.SMS_FAILOVER_SECONDS < 1:
            raise RuntimeError("SMS_FAILOVER_SECONDS must be at least 1")

    def check_branding(self):
        if self.COUNCIL_BRAND_COLOUR is not None:
            if not _HEX_COLOUR.match(self.COUNCIL_BRAND_COLOUR):
                raise RuntimeError(f"COUNCIL_BRAND_COLOUR must be a colour like #1d4e89, got {self.COUNCIL_BRAND_COLOUR!r}")
            contrast = contrast_with_white(self.COUNCIL_BRAND_COLOUR)
            if contrast < LEAST_CONTRAST:
                raise RuntimeError(
                    f"COUNCIL_BRAND_COLOUR {self.COUNCIL_BRAND_COLOUR} is too light for the header's white words "
                    f"(contrast {contrast:.1f}:1, at least {LEAST_CONTRAST}:1 is needed): choose a darker shade")
        if self.COUNCIL_LOGO_FILE is not None:
            if not self.COUNCIL_LOGO_FILE.lower().endswith((".svg", ".png")):
                raise RuntimeError(f"COUNCIL_LOGO_FILE must be an .svg or .png file, got {self.COUNCIL_LOGO_FILE!r}")
            if not os.path.isfile(self.COUNCIL_LOGO_FILE):
                raise RuntimeError(f"COUNCIL_LOGO_FILE {self.COUNCIL_LOGO_FILE!r} is not a file this server can read")

    def check_rota_settings(self):
        from emergency.rota.settings import office_hours_from, validate_region

        office_hours_from(self.OFFICE_DAYS, self.OFFICE_OPENS, self.OFFICE_CLOSES)
        validate_region(self.BANK_HOLIDAY_REGION)
        office_hours_from("mon", self.ROTA_GAP_CHECK_AT, "23:59")
        try:
            datetime.strptime(self.RETENTION_RUN_AT, "%H:%M")
        except ValueError:
            raise RuntimeError(f"RETENTION_RUN_AT must be a time like 03:30, got {self.RETENTION_RUN_AT!r}") from None


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white against a #rrggbb colour."""
    def linear(channel):
        value = int(channel, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


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
        if not self.FALLBACK_PHONE_NUMBER:
            # A line with no human behind it is a dead end for a caller nobody on the rota answers.
            raise RuntimeError(
                "FALLBACK_PHONE_NUMBER is missing: production needs a number staffed by a person, for callers "
                "the rota cannot reach and for emergencies nobody accepts"
            )


class TestConfig(Config):
    __test__ = False  # not a pytest test class
    ENV_NAME = "test"
    RUN_SCHEDULER_DEFAULT = "0"  # tests call the jobs with a frozen `now` instead
    TESTING = True
    # The same algorithm at the least cost: the suite logs in hundreds of times, and at the real
    # cost hashing was a third of its time. tests/unit/test_config.py checks the real cost.
    PASSWORD_HASH_METHOD = "scrypt:128:8:1"  # openssl needs n >= 128 at r = 8

    def __init__(self, environ=None):
        super().__init__(environ)
        self.SECRET_KEY = "test-secret-key"
        self.LOAD_DEMO_DATA = False
        self.FALLBACK_PHONE_NUMBER = self._text("FALLBACK_PHONE_NUMBER")
        self.LINE_PHONE_NUMBER = self._text("LINE_PHONE_NUMBER", self.TWILIO_FROM_NUMBER)
        self.COUNCIL_NAME = self._text("COUNCIL_NAME", "")
        self.PUBLIC_BASE_URL = "https://line.example.org"
        # Each test app keeps texts on disk in a folder of its own (made only if a text is kept),
        # never in the repository's instance folder.
        self.INBOUND_SPOOL_DIR = self._text("INBOUND_SPOOL_DIR") or os.path.join(
            tempfile.gettempdir(), f"kept-texts-{uuid.uuid4().hex}")


CONFIG_CLASSES = {"development": Config, "production": ProductionConfig, "test": TestConfig}


def config_from_environment(environ=None, instance_path=None):
    """The settings for APP_ENV. In development, given the instance folder, what the environment
    leaves unset comes from the server `tasks.py serve` is running there, if any
    (config/serve_settings.py), so that commands in another shell act as that server would."""
    environ = os.environ if environ is None else environ
    name = environ.get("APP_ENV") or "development"
    if name not in CONFIG_CLASSES:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIG_CLASSES)}, got {name!r}")
    if name == "development" and instance_path is not None:
        from config.serve_settings import shared_with

        environ = {**shared_with(instance_path, environ), **environ}
    return CONFIG_CLASSES[name](environ)
