"""The configure_* steps that create_app() runs, one concern each."""

from __future__ import annotations

import logging
import math
import os
import secrets
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, g, render_template, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import ConfigurationError
from helpdesk.extensions import (
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    select_locale,
)

# Values that appear in tutorials and sample configs; a SECRET_KEY equal to
# one of them is as good as public.
PLACEHOLDER_SECRET_KEYS = {
    "dev",
    "development",
    "secret",
    "changeme",
    "change-me",
    "you-will-never-guess",
    "your-secret-key",
    "secret-key",
    "supersecret",
}
# Parts of sample keys that people keep longer than the minimum length, such
# as "change-me-in-production-0000000000".
PLACEHOLDER_SECRET_KEY_PARTS = (
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "replace-me",
    "replaceme",
    "you-will-never-guess",
    "insecure",
)
MIN_SECRET_KEY_LENGTH = 32
# A random key of 32 or more URL-safe characters has far more distinct
# characters than this; fewer means a pattern such as "aaaa..." or "abab...".
MIN_SECRET_KEY_DISTINCT_CHARACTERS = 10
# Ids are INTEGER columns, whose largest value on PostgreSQL is this.
MAX_DATABASE_ID = 2**31 - 1


def configure_settings(app: Flask, config_class, overrides: dict) -> None:
    app.config.from_object(config_class)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database_path = Path(app.instance_path) / "csrdesk.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database_path}"

    if app.config["ENV_NAME"] == "development" and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret_key(app)
    check_secret_key(app.config.get("SECRET_KEY"))
    _trust_proxies(app)


def _trust_proxies(app: Flask) -> None:
    """Read the client address and scheme from TRUSTED_PROXIES proxy headers."""
    count = app.config.get("TRUSTED_PROXIES", 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _development_secret_key(app: Flask) -> str:
    """Read, or create once, a random key kept in the instance folder (mode 0600)."""
    key_path = Path(app.instance_path) / "development_secret_key"
    if key_path.exists():
        return key_path.read_text().strip()
    key = secrets.token_urlsafe(48)
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(key)
    return key


def check_secret_key(key: str | None) -> None:
    """Raise RuntimeError, naming SECRET_KEY and the fix, unless KEY looks random."""
    advice = (
        "Set the SECRET_KEY environment variable to a random value of at least "
        f"{MIN_SECRET_KEY_LENGTH} characters, for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
    )
    if not key:
        raise ConfigurationError("SECRET_KEY is not set. " + advice)
    folded = key.strip().lower()
    is_placeholder = folded in PLACEHOLDER_SECRET_KEYS or any(
        part in folded for part in PLACEHOLDER_SECRET_KEY_PARTS
    )
    if is_placeholder:
        raise ConfigurationError("SECRET_KEY is a well-known placeholder. " + advice)
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"SECRET_KEY has only {len(key)} characters. " + advice
        )
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT_CHARACTERS:
        raise ConfigurationError(
            "SECRET_KEY is a repeated pattern, not random. " + advice
        )


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context

        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        )
    )
    handler.addFilter(RequestIdFilter())
    handler.name = "csrdesk"
    package_logger = logging.getLogger("helpdesk")
    # create_app() runs many times in the test suite; add the handler once.
    if not any(h.name == "csrdesk" for h in package_logger.handlers):
        package_logger.addHandler(handler)
    package_logger.setLevel(logging.INFO)

    @app.before_request
    def assign_request_id():
        g.request_id = uuid.uuid4().hex[:16]

    @app.after_request
    def send_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


def _configure_sqlite(engine: sa.Engine) -> None:
    # pysqlite's own transaction handling is turned off so every transaction
    # starts with BEGIN IMMEDIATE: it takes the write lock up front, which
    # serializes writers (and the audit chain) instead of failing them midway.
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def configure_database(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def configure_extensions(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)


def configure_sessions(app: Flask) -> None:
    from helpdesk.auth.sessions import init_login_manager

    login_manager.init_app(app)
    init_login_manager(login_manager)

    # A request reuses an app context that is already pushed (the test suite
    # keeps one open), and Flask-Login caches the user in its g. Drop that
    # cache so every request loads the user from its own cookies.
    @app.before_request
    def forget_previous_user():
        g.pop("_login_user", None)


def configure_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def locale_helpers():
        return {"current_locale_code": lambda: str(get_locale() or "ko")}


class DatabaseIdConverter(IntegerConverter):
    """The <int:...> URL converter: ASCII digits within the INTEGER id range.

    Werkzeug's own converter accepts any Unicode digit and any size, so a
    ticket URL with U+0661 (ARABIC-INDIC DIGIT ONE) opened ticket 1 and a
    20-digit id failed in the database with a 500. Such a URL now matches no
    route, which is a 404.
    """

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


def configure_blueprints(app: Flask) -> None:
    # Before any rule is added, because each rule binds its converter then.
    app.url_map.converters["int"] = DatabaseIdConverter

    from helpdesk.admin import blueprint as admin_blueprint
    from helpdesk.auth import blueprint as auth_blueprint
    from helpdesk.inspect import blueprint as inspect_blueprint
    from helpdesk.queue import blueprint as queue_blueprint
    from helpdesk.selfservice import blueprint as selfservice_blueprint
    from helpdesk.tickets import blueprint as tickets_blueprint

    app.register_blueprint(auth_blueprint)
    app.register_blueprint(tickets_blueprint)
    app.register_blueprint(queue_blueprint, url_prefix="/queue")
    app.register_blueprint(admin_blueprint, url_prefix="/admin")
    app.register_blueprint(selfservice_blueprint)
    app.register_blueprint(inspect_blueprint)


def configure_input_checks(app: Flask) -> None:
    """Reject a request with a NUL character in the URL, query or form (400).

    No field has a use for one, and PostgreSQL text cannot store it, so it
    would otherwise fail as a 500 in the middle of the request.
    """

    @app.before_request
    def reject_nul_characters():
        texts = [
            *(request.view_args or {}).values(),
            *(text for values in request.args.listvalues() for text in values),
            *(text for values in request.form.listvalues() for text in values),
        ]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise BadRequest()


def configure_security_headers(app: Flask) -> None:
    from helpdesk.security import add_security_headers

    app.after_request(add_security_headers)


def configure_error_pages(app: Flask) -> None:
    """Show a short message and the request id; never a traceback or error text."""
    logger = logging.getLogger("helpdesk.errors")

    messages = {
        400: lambda: _("The request was invalid. Reload the page and try again."),
        403: lambda: _("You do not have permission to open this page."),
        404: lambda: _("The page or ticket was not found."),
        405: lambda: _("This page does not accept that kind of request."),
        413: lambda: _(
            "The upload is too large. Screenshots may be at most 5 MB; "
            "choose a smaller file."
        ),
    }
    for status, message in messages.items():
        app.register_error_handler(
            status, lambda error, s=status, m=message: _render_error(s, m())
        )

    @app.errorhandler(429)
    def too_many_requests(error):
        return _render_error(429, _too_many_requests_message())

    @app.errorhandler(500)
    def internal_error(error):
        # Flask has already logged the traceback through app.logger, with the
        # request id. This line names the exception class only, because an
        # exception's text can quote the values it failed on.
        original = getattr(error, "original_exception", None)
        logger.error(
            "unhandled %s on %s %s",
            type(original).__name__ if original else "error",
            request.method,
            request.path,
        )
        db.session.rollback()
        return _render_error(
            500,
            _("Something went wrong on our side. Quote the request id to support."),
        )


def _render_error(status: int, message: str):
    page = render_template(
        "errors/error.html",
        status=status,
        message=message,
        request_id=g.get("request_id", ""),
    )
    return page, status


def _too_many_requests_message() -> str:
    current = limiter.current_limit
    if current is None:
        return _("Too many attempts. Wait a few minutes and try again.")
    minutes = max(1, math.ceil((current.reset_at - time.time()) / 60))
    return ngettext(
        "Too many attempts. Try again in %(num)d minute.",
        "Too many attempts. Try again in %(num)d minutes.",
        minutes,
    )


def configure_cli(app: Flask) -> None:
    from helpdesk.cli import register_commands

    register_commands(app)


def check_access_rules(app: Flask) -> None:
    from helpdesk.access import check_every_view_has_rule

    check_every_view_has_rule(app)
