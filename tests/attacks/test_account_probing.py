"""Probing accounts: which emails exist, and what a session cookie carries."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface

from attacks.helpers import PASSPHRASE, agent_action, download, reviewed_ticket
from helpdesk.models import Role

NEW_PASSWORD = "velvet canyon lantern 73"


def _signup(client, email: str):
    return client.post(
        "/signup",
        data={
            "hosting_account_id": "host-probe",
            "email": email,
            "display_name": "Probe",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )


@pytest.mark.xfail(
    strict=True,
    reason="the sign-up form says which email addresses already have an account",
)
def test_signup_does_not_reveal_taken_email(app, make_user):
    make_user(Role.CUSTOMER, "victim@example.com")
    client = app.test_client()

    response = _signup(client, "Victim@Example.com")

    page = response.get_data(as_text=True)
    assert "already exists" not in page, "the page confirms the account exists"


def test_login_does_not_reveal_account(app, make_user):
    make_user(Role.CUSTOMER, "known@example.com")
    deactivated = make_user(Role.CUSTOMER, "gone@example.com", is_active=False)
    assert not deactivated.is_active
    client = app.test_client()

    pages = []
    for email in ("known@example.com", "nobody@example.com", "gone@example.com"):
        response = client.post(
            "/login", data={"email": email, "password": "wrong password 12345"}
        )
        pages.append((response.status_code, response.get_data(as_text=True)))

    statuses = {status for status, _page in pages}
    assert statuses == {200}
    messages = {"incorrect" in page for _status, page in pages}
    assert messages == {True}


def test_session_cookie_after_download_holds_no_secret(
    app, make_user, make_ticket, login
):
    customer = make_user(Role.CUSTOMER)
    agent = make_user(Role.AGENT)
    customer_client = app.test_client()
    agent_client = app.test_client()
    login(customer_client, customer)
    login(agent_client, agent)
    ticket = reviewed_ticket(make_ticket, customer, agent)
    assert agent_action(agent_client, ticket.id, "approve").status_code == 303

    response = download(customer_client, ticket.id)
    assert response.status_code == 200

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = customer_client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    session = serializer.loads(cookie.value)
    text = repr(session)
    assert PASSPHRASE not in text
    assert "PRIVATE KEY" not in text
    for name, value in response.headers.items():
        assert PASSPHRASE not in value, name
