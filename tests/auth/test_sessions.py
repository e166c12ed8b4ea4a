"""Session ids carry the session version: copied cookies die with the session."""

import time
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie

from auth.helpers import (
    PASSWORD,
    audit_events,
    copy_cookies,
    csrf_token_in,
    submit_login,
)
from helpdesk.extensions import db
from helpdesk.models import Role

PROTECTED = "/account/password"


def _is_signed_in(client) -> bool:
    return client.get(PROTECTED).status_code == 200


def _signed_in_client(app, email, remember=False):
    client = app.test_client()
    data = {"remember": "y"} if remember else {}
    response = submit_login(client, email, PASSWORD, **data)
    assert response.status_code == 302
    return client


def test_copied_session_cookie_dies_at_sign_out(app, customer):
    victim = _signed_in_client(app, "customer@example.com")
    thief = app.test_client()
    copy_cookies(victim, thief, names=("session",))
    assert _is_signed_in(thief)

    victim.post("/logout")

    assert not _is_signed_in(thief)
    assert not _is_signed_in(victim)


def test_copied_remember_cookie_dies_at_sign_out(app, customer):
    victim = _signed_in_client(app, "customer@example.com", remember=True)
    thief = app.test_client()
    copy_cookies(victim, thief, names=("remember_token",))
    assert _is_signed_in(thief)

    victim.post("/logout")

    assert not _is_signed_in(thief)


def test_sign_out_deletes_remember_cookie(app, customer):
    client = _signed_in_client(app, "customer@example.com", remember=True)
    assert client.get_cookie("remember_token") is not None

    client.post("/logout")

    assert client.get_cookie("remember_token") is None


def test_sign_out_is_audited_and_raises_session_version(app, customer):
    client = _signed_in_client(app, "customer@example.com")
    before = customer.session_version

    client.post("/logout")

    db.session.refresh(customer)
    assert customer.session_version == before + 1
    [event] = audit_events("auth.logout")
    assert event.actor_id == customer.id


def test_copied_cookies_die_at_password_change(app, customer):
    victim = _signed_in_client(app, "customer@example.com", remember=True)
    thief = app.test_client()
    copy_cookies(victim, thief)

    response = victim.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase 7",
            "new_password_confirm": "a brand new passphrase 7",
        },
    )

    assert response.status_code == 302
    assert not _is_signed_in(thief)
    assert _is_signed_in(victim)


def test_copied_cookies_die_at_deactivation(app, customer, admin, login):
    victim = _signed_in_client(app, "customer@example.com", remember=True)
    thief = app.test_client()
    copy_cookies(victim, thief)
    admin_client = app.test_client()
    login(admin_client, admin)

    admin_client.post(f"/admin/users/{customer.id}/deactivate")

    assert not _is_signed_in(thief)
    assert not _is_signed_in(victim)


def test_reactivation_does_not_revive_old_cookies(app, customer, admin, login):
    victim = _signed_in_client(app, "customer@example.com")
    admin_client = app.test_client()
    login(admin_client, admin)
    admin_client.post(f"/admin/users/{customer.id}/deactivate")

    admin_client.post(f"/admin/users/{customer.id}/reactivate")

    assert not _is_signed_in(victim)
    assert _is_signed_in(_signed_in_client(app, "customer@example.com"))


def test_sign_out_on_one_device_ends_other_devices(app, customer):
    laptop = _signed_in_client(app, "customer@example.com")
    phone = _signed_in_client(app, "customer@example.com")

    laptop.post("/logout")

    assert not _is_signed_in(phone)


def test_sign_in_drops_planted_session_values(app, customer):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["locale"] = "en"

    submit_login(client, "customer@example.com", PASSWORD)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "en"


@pytest.mark.parametrize(
    "session_id",
    ["", "1", "abc:1", "1:x", "1:1:2:3", "-1:1", "1:1:soon"],
)
def test_malformed_session_id_loads_no_user(app, customer, session_id):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id

    assert not _is_signed_in(client)


def test_remember_cookie_older_than_its_duration_is_rejected(app, customer):
    too_old = int(time.time() - timedelta(days=15).total_seconds())
    forged = encode_cookie(f"{customer.get_id()}:{too_old}")
    client = app.test_client()
    client.set_cookie("remember_token", forged)

    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    assert not _is_signed_in(client)


def test_remember_cookie_within_its_duration_signs_in(app, customer):
    recent = int(time.time() - timedelta(days=13).total_seconds())
    cookie = encode_cookie(f"{customer.get_id()}:{recent}")
    client = app.test_client()
    client.set_cookie("remember_token", cookie)

    assert _is_signed_in(client)


def test_remember_cookie_with_wrong_signature_is_rejected(app, customer):
    cookie = encode_cookie(f"{customer.get_id()}:{int(time.time())}")
    user_part, _, digest = cookie.partition("|")
    client = app.test_client()
    client.set_cookie("remember_token", f"{user_part}|{'0' * len(digest)}")

    assert not _is_signed_in(client)


def _set_cookie_headers(response) -> dict[str, str]:
    return {
        header.split("=", 1)[0]: header
        for header in response.headers.getlist("Set-Cookie")
    }


def _attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def test_cookies_are_httponly_and_samesite_lax(app, customer):
    client = app.test_client()
    response = submit_login(client, "customer@example.com", PASSWORD, remember="y")

    cookies = _set_cookie_headers(response)
    for name in ("session", "remember_token"):
        assert "httponly" in _attributes(cookies[name]), name
        assert "SameSite=Lax" in cookies[name], name


def test_cookies_are_secure_in_production(production_app):
    with production_app.app_context():
        from helpdesk.cli import create_user

        create_user("prod@example.com", PASSWORD, Role.AGENT)
        db.session.commit()
    client = production_app.test_client()
    base_url = "https://desk.example.com"
    token = csrf_token_in(client.get("/login", base_url=base_url).text)

    response = client.post(
        "/login",
        data={
            "email": "prod@example.com",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": token,
        },
        base_url=base_url,
        headers={"Referer": f"{base_url}/login"},
    )

    assert response.status_code == 302
    cookies = _set_cookie_headers(response)
    for name in ("session", "remember_token"):
        assert "secure" in _attributes(cookies[name]), name
        assert "httponly" in _attributes(cookies[name]), name


def test_remember_cookie_lasts_days_not_a_year(app, customer):
    client = app.test_client()
    response = submit_login(client, "customer@example.com", PASSWORD, remember="y")

    cookie = client.get_cookie("remember_token")
    assert response.status_code == 302
    lifetime = cookie.expires.timestamp() - time.time()
    assert timedelta(days=13).total_seconds() < lifetime
    assert lifetime <= timedelta(days=14).total_seconds()


def test_session_cookie_expires_with_permanent_session_lifetime(app, customer):
    client = app.test_client()
    submit_login(client, "customer@example.com", PASSWORD)

    cookie = client.get_cookie("session")
    lifetime = cookie.expires.timestamp() - time.time()
    assert lifetime <= app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
