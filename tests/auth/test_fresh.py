"""Fresh sign-in: key downloads need a password typed within the last minutes."""

import time

import pytest

from auth.helpers import PASSWORD, audit_events, copy_cookies, submit_login
from helpdesk.access import signed_in
from helpdesk.auth.fresh import is_login_fresh, require_fresh_login


@pytest.fixture
def app(app_factory):
    """The shared app plus two throwaway views that need a fresh sign-in."""
    app = app_factory()

    @signed_in
    @require_fresh_login
    def sensitive_page():
        return "sensitive page"

    @signed_in
    @require_fresh_login(1)
    def sensitive_post():
        return "posted"

    @signed_in
    def freshness():
        return "fresh" if is_login_fresh() else "stale"

    app.add_url_rule("/test/sensitive", view_func=sensitive_page)
    app.add_url_rule("/test/sensitive", view_func=sensitive_post, methods=["POST"])
    app.add_url_rule("/test/freshness", view_func=freshness)
    with app.app_context():
        yield app


def test_password_sign_in_is_fresh(client, customer):
    submit_login(client, "customer@example.com", PASSWORD)

    assert client.get("/test/freshness").text == "fresh"
    with client.session_transaction() as session:
        assert abs(session["authenticated_at"] - time.time()) < 60


def test_conftest_sign_in_helper_is_fresh(client, customer, login):
    login(client, customer)

    assert client.get("/test/freshness").text == "fresh"


def test_remember_cookie_session_is_not_fresh(app, customer):
    first = app.test_client()
    submit_login(first, "customer@example.com", PASSWORD, remember="y")
    returning = app.test_client()
    copy_cookies(first, returning, names=("remember_token",))

    assert returning.get("/test/freshness").text == "stale"
    response = returning.get("/test/sensitive")

    assert response.status_code == 302
    assert response.headers["Location"] == "/reauthenticate?next=/test/sensitive"


def test_session_older_than_fresh_minutes_is_not_fresh(client, customer, app):
    submit_login(client, "customer@example.com", PASSWORD)
    minutes = app.config["FRESH_LOGIN_MINUTES"]
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - minutes * 60 - 5

    assert client.get("/test/freshness").text == "stale"


def test_session_on_other_ip_is_stale(app, customer):
    victim = app.test_client()
    submit_login(victim, "customer@example.com", PASSWORD)
    thief = app.test_client()
    thief.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    copy_cookies(victim, thief, names=("session",))

    assert thief.get("/test/freshness").text == "stale"
    assert victim.get("/test/freshness").text == "fresh"


def test_require_fresh_login_minutes_argument_is_used(client, customer):
    submit_login(client, "customer@example.com", PASSWORD)
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 90

    assert client.get("/test/freshness").text == "fresh"
    response = client.post(
        "/test/sensitive", headers={"Referer": "http://localhost/test/sensitive?x=1"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/reauthenticate?next=/test/sensitive?x%3D1"


def test_post_without_referrer_reauthenticates_then_goes_home(client, customer, login):
    login(client, customer, fresh=False)

    response = client.post("/test/sensitive")

    assert response.headers["Location"] == "/reauthenticate"


def test_reauthenticate_makes_session_fresh_and_returns_to_next(
    client, customer, login
):
    login(client, customer, fresh=False)

    response = client.post(
        "/reauthenticate", data={"password": PASSWORD, "next": "/test/sensitive"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/test/sensitive"
    assert client.get("/test/sensitive").text == "sensitive page"
    [event] = audit_events("auth.reauthenticated")
    assert event.actor_id == customer.id


def test_reauthenticate_with_wrong_password_stays_stale(client, customer, login):
    login(client, customer, fresh=False)

    response = client.post(
        "/reauthenticate",
        data={"password": "not it 1234567", "next": "/test/sensitive"},
    )

    assert response.status_code == 200
    assert "The password is incorrect." in response.text
    assert client.get("/test/freshness").text == "stale"
    [event] = audit_events("auth.reauthenticate_failed")
    assert "not it" not in str(event.details)


def test_reauthenticate_ignores_foreign_next(client, customer, login):
    login(client, customer, fresh=False)

    response = client.post(
        "/reauthenticate", data={"password": PASSWORD, "next": "//evil.test/x"}
    )

    assert response.headers["Location"] == "/"


def test_reauthenticate_form_carries_next(client, customer, login):
    login(client, customer, fresh=False)

    response = client.get("/reauthenticate?next=/test/sensitive")

    assert 'value="/test/sensitive"' in response.text


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/test/sensitive")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_manager_refresh_view_is_reauthenticate(app):
    assert app.login_manager.refresh_view == "auth.reauthenticate"
