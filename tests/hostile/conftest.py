"""Fixtures of the hostile-input tests: an app that turns exceptions into 500s.

The suite's testing config propagates a view's exception into the test.
Here it is turned into the 500 page a real client gets, and the exception is
kept in `server_errors` so a failing case can name it.
"""

from __future__ import annotations

import pytest
from flask import got_request_exception

from hostile.helpers import build_world


def _collect_errors(app, errors: list[BaseException]) -> None:
    def record(sender, exception, **extra):
        errors.append(exception)

    got_request_exception.connect(record, app, weak=False)


@pytest.fixture
def server_errors() -> list[BaseException]:
    return []


@pytest.fixture
def app(app_factory, server_errors):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    _collect_errors(app, server_errors)
    with app.app_context():
        yield app


@pytest.fixture
def csrf_app(app_factory, server_errors):
    """The app with CSRF protection on, as in production."""
    app = app_factory(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=True)
    _collect_errors(app, server_errors)
    with app.app_context():
        yield app


@pytest.fixture
def world(app, login):
    return build_world(app, login)


@pytest.fixture
def csrf_world(csrf_app, login):
    return build_world(csrf_app, login)
