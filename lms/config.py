"""Configuration: safe defaults, overridden by ``LMS_*`` environment variables."""

import secrets
from pathlib import Path

from lms.core.secrets import instance_secret
from lms.localized import LANGUAGES


class Config:
    """Defaults for every deployment; ``LMS_<NAME>`` in the environment overrides ``<NAME>``."""

    # SQLite in the instance folder unless LMS_DATABASE_URL says otherwise (set in create_app).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A request that only read ends its transaction with COMMIT rather than ROLLBACK, so that psycopg keeps
    # its prepared statements (lms/database.py). On PostgreSQL unless False; SQLite keeps no prepared statements,
    # and its transactions end with ROLLBACK whatever this says.
    COMMIT_READ_ONLY_TRANSACTIONS: bool | None = None
    # A pooled PostgreSQL connection unused for this many seconds is tested with a round trip before a
    # request gets it; 0 tests it every time (lms/database.py).
    POOL_CHECK_AFTER_IDLE = 30.0
    # Parts of pages drawn once per worker and kept under the values they are drawn from (lms/fragments.py).
    KEEP_FRAGMENTS = True
    COURSES_DIR = str(Path(__file__).resolve().parent.parent / "courses")
    COURSE_SLUG = "promotores"

    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Lima"
    LANGUAGES = LANGUAGES

    MAX_CONTENT_LENGTH = 4_000_000  # the largest request: a bulk check's CSV (2 MB) with room to spare
    WTF_CSRF_TIME_LIMIT = None  # a trainee may write a reflection for hours; the token lives with the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # LMS_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    PUBLIC_BASE_URL: str | None = None  # where QR codes and credentials point; set it in production
    PUBLIC_HOSTS = ("localhost", "127.0.0.1")  # without PUBLIC_BASE_URL, the only hosts a link may name

    # Flask-Limiter keeps "enabled" on its one shared object and takes it as the default of the next app it
    # is given: stated here, every app says for itself.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    VERIFY_RATE_LIMIT = "120 per minute"
    # A worker writes its public checks to the check log in batches (lms/checklog.py): this many rows, or
    # once the oldest is this many seconds old.
    VERIFICATION_LOG_BATCH = 20
    VERIFICATION_LOG_WAIT = 1.0
    LOGIN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "20 per 15 minutes"

    PASSWORD_MIN_LENGTH = 10
    REFLECTION_MAX_CHARS = 8000
    REFLECTION_MAX_VERSIONS = 10  # versions a trainee may send of one week's reflection
    RESET_LINK_HOURS = 72
    LOGIN_LIFETIME_DAYS = 30  # a login ends after this long even on a device that is never logged out
    INVITE_CODE_DAYS = 60
    DEMO_PASSWORD: str | None = None


def load_config(app, test_config: dict | None = None) -> None:
    """Fill ``app.config`` from the defaults, the environment and ``test_config``, in that order."""
    app.config.from_object(Config)
    app.config.from_prefixed_env("LMS")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'lms.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key", lambda: secrets.token_hex(32))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(app.config["SQLALCHEMY_DATABASE_URI"])


def _engine_options(url: str) -> dict:
    # An error's message never carries the statement's values (a reflection, a password hash, a token).
    if url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once with "database is locked".
        return {"connect_args": {"timeout": 15}, "hide_parameters": True}
    # A pooled PostgreSQL connection is tested before use only after it sat idle (lms/database.py), not on
    # every checkout as pool_pre_ping would.
    return {"hide_parameters": True}
