"""Error pages under the production config: a message and a request id, nothing more."""

import logging
import secrets

import pytest

from helpdesk import create_app
from helpdesk.access import public
from helpdesk.extensions import db

SECRET_IN_ERROR = "passphrase=hunter2-should-never-show"


@pytest.fixture
def production_app(app_factory, tmp_path):
    database_url = app_factory().config["SQLALCHEMY_DATABASE_URI"]
    app = create_app(
        "production",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BABEL_DEFAULT_LOCALE": "en",
        },
        instance_path=str(tmp_path / "production-instance"),
    )

    @public
    def failing_view():
        raise ValueError(SECRET_IN_ERROR)

    app.add_url_rule("/test/failing", view_func=failing_view)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_production_config_has_no_debugger(production_app):
    assert production_app.debug is False
    assert production_app.testing is False
    assert production_app.config["SESSION_COOKIE_SECURE"] is True


def test_production_500_page_hides_exception(production_app):
    client = production_app.test_client()

    response = client.get("/test/failing")

    assert response.status_code == 500
    assert "Something went wrong on our side." in response.text
    for leak in (
        SECRET_IN_ERROR,
        "ValueError",
        "Traceback",
        "failing_view",
        "Werkzeug",
    ):
        assert leak not in response.text, leak


def test_production_500_page_shows_request_id(production_app):
    client = production_app.test_client()

    response = client.get("/test/failing")

    request_id = response.headers["X-Request-Id"]
    assert len(request_id) == 16
    assert f"Request id: {request_id}" in response.text


@pytest.fixture
def enabled_loggers():
    """Re-enable the app's loggers, which Alembic's fileConfig() disables.

    The migrations' env.py calls logging.config.fileConfig(), which disables
    every logger that exists at that moment, and the suite migrates its
    template database after creating an app.
    """
    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith("helpdesk") and isinstance(logger, logging.Logger):
            logger.disabled = False


def test_production_500_is_logged_with_request_id(
    production_app, enabled_loggers, caplog
):
    client = production_app.test_client()

    with caplog.at_level(logging.ERROR, logger="helpdesk"):
        response = client.get("/test/failing")

    request_id = response.headers["X-Request-Id"]
    records = [
        record for record in caplog.records if record.name.startswith("helpdesk")
    ]
    assert records, "the unhandled error was not logged"
    assert all(record.request_id == request_id for record in records)
    summary = [record for record in records if record.name == "helpdesk.errors"]
    assert summary[0].getMessage() == "unhandled ValueError on GET /test/failing"
    assert any(record.exc_info for record in records), "no traceback was logged"


def test_production_404_page(production_app):
    response = production_app.test_client().get("/no/such/page")

    assert response.status_code == 404
    assert "The page or ticket was not found." in response.text
    assert response.headers["X-Request-Id"] in response.text


def test_production_405_page(production_app):
    response = production_app.test_client().get("/logout")

    assert response.status_code == 405
    assert "This page does not accept that kind of request." in response.text


def test_production_csrf_failure_page_is_plain(production_app):
    response = production_app.test_client().post("/login", data={"email": "x"})

    assert response.status_code == 400
    assert "The request was invalid." in response.text
    assert "CSRF" not in response.text
