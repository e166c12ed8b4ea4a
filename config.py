"""Configuration classes, read from the environment.

CSRDESK_ENV picks the class: "development" (the default for `make run`),
"testing" or "production". Every setting below can be overridden by an
environment variable of the same name.
"""

import os
from datetime import timedelta


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid; the message names it and the fix."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigurationError(
            f"{name}={raw!r} is not a whole number; set it to an integer."
        ) from error


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # Keeps bound values out of database error messages, which reach the logs.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}

    # Screenshots are capped at 5 MB; the request cap leaves room for the
    # other form fields so a 20 MB body is refused before it is read.
    SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    SCREENSHOT_MAX_PIXELS = 40_000_000

    # A ready ticket whose key is not downloaded within this many hours
    # goes back to review.
    READY_TTL_HOURS = _env_int("READY_TTL_HOURS", 72)

    # The download needs a password entered within this many minutes.
    FRESH_LOGIN_MINUTES = _env_int("FRESH_LOGIN_MINUTES", 15)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("REMEMBER_DAYS", 14))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_TIME_LIMIT = 3600

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5/15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20/15 minutes")
    SIGNUP_LIMIT_PER_IP = os.environ.get("SIGNUP_LIMIT_PER_IP", "10/hour")
    SELFSERVICE_DOWNLOAD_LIMIT = os.environ.get("SELFSERVICE_DOWNLOAD_LIMIT", "20/hour")

    # How many reverse proxies in front of the app set X-Forwarded-For and
    # X-Forwarded-Proto. 0 trusts neither header; the client IP address then
    # is the TCP peer, which the audit log and the throttles use.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ["ko", "en"]

    ALLOW_SIGNUP = _env_bool("ALLOW_SIGNUP", True)

    # PBKDF2 rounds for the encrypted private key; OpenSSL's default is 2,048.
    KEY_KDF_ROUNDS = _env_int("KEY_KDF_ROUNDS", 600_000)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = "testing-secret-key-only-for-the-pytest-suite-0123456789"  # noqa: S105
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    ENV_NAME = "production"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def select_config(name: str | None = None) -> type[Config]:
    """Return the config class for NAME, or for CSRDESK_ENV when NAME is None."""
    chosen = name or os.environ.get("CSRDESK_ENV", "production")
    try:
        return CONFIGS[chosen]
    except KeyError as error:
        raise ConfigurationError(
            f"CSRDESK_ENV={chosen!r} is unknown; use one of: {', '.join(CONFIGS)}."
        ) from error
