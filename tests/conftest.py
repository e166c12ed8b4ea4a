"""Shared fixtures: an app on a real migrated database, clients, and accounts.

The database is SQLite by default. Set TEST_DATABASE_URL (for example
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the same suite on
PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from helpdesk import create_app
from helpdesk.cli import create_user
from helpdesk.extensions import db
from helpdesk.models import Role, Ticket, User
from helpdesk.workflow import Status

PASSWORD = "correct horse battery staple 42"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _make_app(instance_path: Path, database_url: str, **overrides):
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "KEY_KDF_ROUNDS": 1_000,
        # The tests assert English text, but the product defaults to Korean
        # and shows it once the catalogs are compiled. tests/i18n checks Korean.
        "BABEL_DEFAULT_LOCALE": "en",
    }
    settings.update(overrides)
    return create_app("testing", settings, instance_path=str(instance_path))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Apply every migration once; tests start from a copy of the result."""
    folder = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL:
        app = _make_app(folder, TEST_DATABASE_URL)
        with app.app_context():
            db.session.execute(sa.text("DROP SCHEMA public CASCADE"))
            db.session.execute(sa.text("CREATE SCHEMA public"))
            db.session.commit()
            upgrade()
            db.session.remove()
            db.engine.dispose()
        return None
    template = folder / "template.sqlite3"
    app = _make_app(folder, f"sqlite:///{template}")
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return template


def _truncate_postgres(app) -> None:
    with app.app_context():
        names = ", ".join(table.name for table in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_factory(migrated_template, tmp_path):
    """Build an app on a fresh copy of the migrated database; overrides are settings."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if TEST_DATABASE_URL:
        database_url = TEST_DATABASE_URL
    else:
        database_path = instance / "csrdesk.sqlite3"
        shutil.copyfile(migrated_template, database_path)
        database_url = f"sqlite:///{database_path}"
    built = []

    def build(**overrides):
        app = _make_app(instance, database_url, **overrides)
        built.append(app)
        return app

    yield build

    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if TEST_DATABASE_URL and built:
        _truncate_postgres(built[0])


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_sequence = itertools.count(1)


@pytest.fixture
def make_user(app):
    def make(role: str = Role.CUSTOMER, email: str | None = None, **fields) -> User:
        number = next(_sequence)
        email = email or f"{role}{number}@example.com"
        hosting_account_id = fields.pop("hosting_account_id", None)
        if role == Role.CUSTOMER and hosting_account_id is None:
            hosting_account_id = f"host-{number:04d}"
        user = create_user(
            email, fields.pop("password", PASSWORD), role, hosting_account_id
        )
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()
        return user

    return make


@pytest.fixture
def customer(make_user):
    return make_user(Role.CUSTOMER, "customer@example.com")


@pytest.fixture
def other_customer(make_user):
    return make_user(Role.CUSTOMER, "other@example.com")


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, "agent@example.com")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, "admin@example.com")


TICKET_DEFAULTS = {
    "problem_domain": "shop.example.com",
    "description": "The CSR generator in the control panel shows an error.",
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "Web service Team",
    "common_name": "shop.example.com",
    "email_address": "admin@example.com",
    "key_type": "RSA",
    "key_size": 2048,
}


@pytest.fixture
def make_ticket(app):
    """Insert a ticket directly, in any status, for tests of later steps."""

    def make(customer: User, status: str = Status.SUBMITTED, **fields) -> Ticket:
        values = dict(TICKET_DEFAULTS)
        values.update(fields)
        ticket = Ticket(
            customer_id=customer.id,
            hosting_account_id=customer.hosting_account_id or "",
            status=status,
            **values,
        )
        db.session.add(ticket)
        db.session.commit()
        return ticket

    return make


def sign_in(client, user: User, fresh: bool = True) -> None:
    """Put USER's session in CLIENT's cookie, as a completed sign-in would."""
    from datetime import UTC, datetime

    # Flask-Login's "basic" session protection marks a session as not fresh
    # when "_id" differs from the hash of the client's IP and User-Agent.
    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        identifier = app.login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = fresh
        session["_id"] = identifier
        if fresh:
            session["authenticated_at"] = datetime.now(UTC).timestamp()


@pytest.fixture
def login():
    return sign_in
