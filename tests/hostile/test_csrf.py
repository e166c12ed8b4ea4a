"""CSRF tokens on every POST route, with protection on as in production.

Every POST route is sent a form that would succeed, with a missing, garbage,
foreign (another browser's), replayed (from a session that has since ended)
and expired token. Each must be a 400 that changes no stored row, the audit
log included. The same form with the session's own token is not a 400, so
the refusals are the token's doing.
"""

from __future__ import annotations

import time

import pytest
from auth.helpers import csrf_token_in
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from helpdesk.extensions import db
from helpdesk.models import Role
from hostile.helpers import (
    PASSWORD,
    assert_not_server_error,
    assert_unchanged,
    snapshot,
)

NEW_PASSWORD = "plum tractor harbor 58"
SUBJECT = {
    "country": "KR",
    "state": "Seoul",
    "locality": "Gangnam-gu",
    "organization": "Example Co., Ltd.",
    "common_name": "example.co.kr",
    "key": "EC-256",
}

# Every POST route: the role that may use it and a form that would succeed.
POST_FORMS = {
    "/login": ("anonymous", {"email": "customer@example.com", "password": PASSWORD}),
    "/signup": (
        "anonymous",
        {
            "hosting_account_id": "host-0099",
            "email": "forged@example.com",
            "display_name": "Forged",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    ),
    "/logout": ("customer", {}),
    "/reauthenticate": ("customer", {"password": PASSWORD}),
    "/account/password": (
        "customer",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    ),
    "/language": ("anonymous", {"locale": "en"}),
    "/tickets/new": (
        "customer",
        {
            **SUBJECT,
            "problem_domain": "example.co.kr",
            "description": "The control panel rejects the CSR.",
        },
    ),
    "/tickets/<int:ticket_id>/reply": ("customer", {"body": "An answer."}),
    "/tickets/<int:ticket_id>/download": (
        "customer",
        {"passphrase": NEW_PASSWORD, "passphrase_confirmation": NEW_PASSWORD},
    ),
    "/tickets/<int:ticket_id>/new-key": ("customer", {}),
    "/selfservice": ("customer", SUBJECT),
    "/selfservice/download": (
        "customer",
        {
            **SUBJECT,
            "passphrase": NEW_PASSWORD,
            "passphrase_confirmation": NEW_PASSWORD,
        },
    ),
    "/selfservice/ticket": ("customer", SUBJECT),
    "/queue/tickets/<int:ticket_id>/claim": ("agent", {"version": "{version}"}),
    "/queue/tickets/<int:ticket_id>/fields": (
        "agent",
        {"version": "{version}", "locality": "Seocho-gu"},
    ),
    "/queue/tickets/<int:ticket_id>/suggestions": (
        "agent",
        {"version": "{version}", "field": "country", "value": "kr", "suggestion": "KR"},
    ),
    "/queue/tickets/<int:ticket_id>/status/<action_name>": (
        "agent",
        {"version": "{version}"},
    ),
    "/queue/tickets/<int:ticket_id>/reply": (
        "agent",
        {"reply-body": "Your CSR is ready.", "reply-send": "Send reply"},
    ),
    "/queue/tickets/<int:ticket_id>/notes": (
        "agent",
        {"note-body": "Checked.", "note-add": "Add"},
    ),
    "/csr-check": ("customer", {"text": "-----BEGIN CERTIFICATE REQUEST-----"}),
    "/tickets/<int:ticket_id>/certificate": (
        "customer",
        {"text": "-----BEGIN CERTIFICATE-----"},
    ),
    "/admin/users/new": (
        "admin",
        {
            "role": Role.ADMIN,
            "email": "intruder@example.com",
            "display_name": "Intruder",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    ),
    "/admin/users/<int:user_id>/deactivate": ("admin", {}),
    "/admin/users/<int:user_id>/reactivate": ("admin", {}),
    "/admin/audit/export": ("admin", {}),
}
TOKEN_KINDS = ("missing", "garbage", "foreign", "replayed", "expired")


def test_every_post_route_has_csrf_case(csrf_app):
    registered = {
        rule.rule for rule in csrf_app.url_map.iter_rules() if "POST" in rule.methods
    }

    assert registered == set(POST_FORMS)


class PastSigner(TimestampSigner):
    """Signs with a time two hours ago, past WTF_CSRF_TIME_LIMIT."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 2 * 3600


def _page_token(app, client, role: str) -> str:
    # A fresh app context, because Flask-WTF caches the token in g and the
    # test's own app context is shared by every client. The test's session
    # ends its transaction first: on SQLite it would hold the write lock.
    db.session.rollback()
    with app.app_context():
        page = "/login" if role == "anonymous" else "/account/password"
        return csrf_token_in(client.get(page).text)


def _client(world, role: str):
    client = world.app.test_client()
    if role != "anonymous":
        world.login(client, world.accounts[role])
    return client


def _token(world, client, role: str, kind: str) -> str | None:
    app = world.app
    if kind == "missing":
        return None
    if kind == "garbage":
        return "IjAxMjM0NTY3ODki.garbage.signature"
    if kind == "foreign":
        return _page_token(app, _client(world, role), role)
    if kind == "expired":
        _page_token(app, client, role)
        with client.session_transaction() as session:
            raw = session["csrf_token"]
        serializer = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt="wtf-csrf-token", signer=PastSigner
        )
        return serializer.dumps(raw)
    return _replayed_token(world, client, role)


def _replayed_token(world, client, role: str) -> str:
    """Return a token of a session that then ended; CLIENT has a new session."""
    app = world.app
    token = _page_token(app, client, role)
    if role == "anonymous":
        signed_in = client.post(
            "/login",
            data={
                "email": "other@example.com",
                "password": PASSWORD,
                "csrf_token": token,
            },
        )
        assert signed_in.status_code == 302
        token_now = _page_token(app, client, "customer")
        assert client.post("/logout", data={"csrf_token": token_now}).status_code == 302
        return token
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    account = world.accounts[role]
    snapshot()  # reloads the account's raised session version
    world.login(client, account)
    return token


def _url(world, rule: str) -> str:
    values = {**world.url_values(), "action_name": "close"}
    return (
        rule.replace("<int:ticket_id>", str(values["ticket_id"]))
        .replace("<int:user_id>", str(values["user_id"]))
        .replace("<action_name>", "close")
    )


def _data(world, values: dict, token: str | None) -> dict:
    snapshot()
    data = {
        name: str(world.ticket.version) if value == "{version}" else value
        for name, value in values.items()
    }
    if token is not None:
        data["csrf_token"] = token
    return data


@pytest.mark.parametrize("kind", TOKEN_KINDS)
@pytest.mark.parametrize("rule", sorted(POST_FORMS))
def test_post_without_valid_csrf_token_is_refused(
    csrf_world, server_errors, rule, kind
):
    world = csrf_world
    role, values = POST_FORMS[rule]
    client = _client(world, role)
    token = _token(world, client, role, kind)
    data = _data(world, values, token)
    before = snapshot(include_audit=True)

    response = client.post(_url(world, rule), data=data)

    assert_not_server_error(response, server_errors, f"{rule} {kind}")
    assert response.status_code == 400, f"{rule} with a {kind} token"
    assert_unchanged(before, f"{rule} with a {kind} token", include_audit=True)


@pytest.mark.parametrize("rule", sorted(POST_FORMS))
def test_post_with_own_csrf_token_passes_check(csrf_world, server_errors, rule):
    world = csrf_world
    role, values = POST_FORMS[rule]
    client = _client(world, role)
    data = _data(world, values, _page_token(world.app, client, role))

    response = client.post(_url(world, rule), data=data)

    assert_not_server_error(response, server_errors, rule)
    assert response.status_code != 400, f"{rule} refused its own token"
