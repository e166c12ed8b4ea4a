"""Cross-site request forgery: a missing or foreign token is a 400, changes nothing."""

import pytest
from auth.helpers import PASSWORD, audit_events, csrf_token_in

from helpdesk.auth.accounts import find_by_email
from helpdesk.extensions import db
from helpdesk.models import Role


@pytest.fixture
def app(app_factory):
    """The shared app with CSRF protection on, as in production."""
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def _token(client, path="/login") -> str:
    return csrf_token_in(client.get(path).text)


def _foreign_token(app) -> str:
    """Return a valid token, but one issued to another browser's session.

    The request runs in its own app context, because Flask-WTF caches the
    token in g, which the test's app context would share between clients.
    """
    with app.app_context():
        return _token(app.test_client())


def test_csrf_login_with_valid_token_signs_in(client, customer):
    response = client.post(
        "/login",
        data={
            "email": "customer@example.com",
            "password": PASSWORD,
            "csrf_token": _token(client),
        },
    )

    assert response.status_code == 302


@pytest.mark.parametrize("token_kind", ["missing", "foreign", "garbage"])
def test_csrf_login_forgery_is_rejected(app, client, customer, token_kind):
    data = {"email": "customer@example.com", "password": PASSWORD}
    _token(client)
    if token_kind == "foreign":
        data["csrf_token"] = _foreign_token(app)
    elif token_kind == "garbage":
        data["csrf_token"] = "not-a-token"

    response = client.post("/login", data=data)

    assert response.status_code == 400
    assert not audit_events("auth.login")
    assert client.get("/account/password").status_code == 302


@pytest.mark.parametrize("token_kind", ["missing", "foreign"])
def test_csrf_logout_forgery_keeps_session(app, client, customer, login, token_kind):
    login(client, customer)
    version = customer.session_version
    data = {"csrf_token": _foreign_token(app)} if token_kind == "foreign" else {}

    response = client.post("/logout", data=data)

    assert response.status_code == 400
    db.session.refresh(customer)
    assert customer.session_version == version
    assert client.get("/account/password").status_code == 200


@pytest.mark.parametrize("token_kind", ["missing", "foreign"])
def test_csrf_deactivate_forgery_changes_nothing(
    app, client, admin, agent, login, token_kind
):
    login(client, admin)
    data = {"csrf_token": _foreign_token(app)} if token_kind == "foreign" else {}

    response = client.post(f"/admin/users/{agent.id}/deactivate", data=data)

    assert response.status_code == 400
    db.session.refresh(agent)
    assert agent.is_active
    assert not audit_events("user.deactivated")


def test_csrf_deactivate_with_valid_token_works(client, admin, agent, login):
    login(client, admin)
    token = _token(client, "/admin/users")

    response = client.post(
        f"/admin/users/{agent.id}/deactivate", data={"csrf_token": token}
    )

    assert response.status_code == 302
    db.session.refresh(agent)
    assert not agent.is_active


def test_csrf_create_user_forgery_creates_nothing(client, admin, login):
    login(client, admin)

    response = client.post(
        "/admin/users/new",
        data={
            "role": Role.ADMIN,
            "email": "intruder@example.com",
            "display_name": "Intruder",
            "password": "plum tractor harbor 58",
            "password_confirm": "plum tractor harbor 58",
        },
    )

    assert response.status_code == 400
    assert find_by_email("intruder@example.com") is None


def test_csrf_password_change_forgery_changes_nothing(app, client, customer, login):
    login(client, customer)
    old_hash = customer.password_hash

    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "attacker chosen pass 1",
            "new_password_confirm": "attacker chosen pass 1",
            "csrf_token": _foreign_token(app),
        },
    )

    assert response.status_code == 400
    db.session.refresh(customer)
    assert customer.password_hash == old_hash


def test_csrf_signup_forgery_creates_nothing(client):
    response = client.post(
        "/signup",
        data={
            "hosting_account_id": "host-1",
            "email": "forged@example.com",
            "display_name": "Forged",
            "password": "plum tractor harbor 58",
            "password_confirm": "plum tractor harbor 58",
        },
    )

    assert response.status_code == 400
    assert find_by_email("forged@example.com") is None


def test_csrf_language_forgery_changes_nothing(client):
    response = client.post("/language", data={"locale": "en"})

    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "locale" not in session


def test_csrf_export_forgery_is_not_audited(client, admin, login):
    login(client, admin)

    response = client.post("/admin/audit/export", data={})

    assert response.status_code == 400
    assert not audit_events("audit.exported")


def test_csrf_error_page_shows_no_internal_reason(client, customer):
    response = client.post("/login", data={"email": "customer@example.com"})

    assert "The request was invalid." in response.text
    assert "CSRF" not in response.text
