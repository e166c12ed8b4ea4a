"""Helpers shared by the account, admin and security tests."""

from __future__ import annotations

import re

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent

# The password the suite's make_user fixture gives every account. Repeated
# here because "conftest" is not one importable module when the whole suite
# runs (tests/e2e has its own conftest.py).
PASSWORD = "correct horse battery staple 42"

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def submit_login(client, email: str, password: str, **fields):
    return client.post("/login", data={"email": email, "password": password, **fields})


def audit_events(action: str | None = None) -> list[AuditEvent]:
    db.session.rollback()
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def csrf_token_in(html: str) -> str:
    """Return the first CSRF token found in a rendered page."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no csrf_token field"
    return match.group(1)


def copy_cookies(source, target, names=("session", "remember_token")) -> None:
    """Copy the named cookies of test client SOURCE into test client TARGET."""
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.decoded_value)
