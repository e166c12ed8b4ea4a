"""Brute-force attempts against passwords, per account and per IP address."""

import uuid

import pytest
import redis

from auth.helpers import PASSWORD, audit_events, submit_login
from helpdesk.cli import create_user
from helpdesk.extensions import db
from helpdesk.models import Role

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def app(app_factory):
    """Replace the shared app with one whose limits are small."""
    app = app_factory(
        LOGIN_LIMIT_PER_ACCOUNT="3/15 minutes", LOGIN_LIMIT_PER_IP="5/hour"
    )
    with app.app_context():
        yield app


@pytest.fixture
def strict_app(app):
    return app


def _fail(client, email, times):
    for _ in range(times):
        response = submit_login(client, email, "wrong guess 123456")
        assert response.status_code == 200


def test_account_brute_force_gets_429(strict_app, make_user):
    make_user(Role.CUSTOMER, "victim@example.com")
    client = strict_app.test_client()
    _fail(client, "victim@example.com", 3)

    response = submit_login(client, "victim@example.com", "wrong guess 123456")

    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    assert "Too many wrong passwords. Try again in 15 minutes" in response.text


def test_brute_force_blocks_even_the_right_password(strict_app, make_user):
    make_user(Role.CUSTOMER, "victim@example.com")
    client = strict_app.test_client()
    _fail(client, "victim@example.com", 3)

    response = submit_login(client, "victim@example.com", PASSWORD)

    assert response.status_code == 429
    assert not audit_events("auth.login")


def test_brute_force_throttle_does_not_reveal_unknown_accounts(strict_app):
    client = strict_app.test_client()
    _fail(client, "ghost@example.com", 3)

    response = submit_login(client, "ghost@example.com", "wrong guess 123456")

    assert response.status_code == 429


def test_brute_force_account_throttle_is_case_insensitive(strict_app, make_user):
    make_user(Role.CUSTOMER, "victim@example.com")
    client = strict_app.test_client()
    _fail(client, "victim@example.com", 3)

    response = submit_login(client, "VICTIM@example.com", PASSWORD)

    assert response.status_code == 429


def test_account_throttle_spans_ip_addresses(strict_app, make_user):
    make_user(Role.CUSTOMER, "victim@example.com")
    attacker = strict_app.test_client()
    _fail(attacker, "victim@example.com", 3)

    other = strict_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    response = submit_login(other, "victim@example.com", PASSWORD)

    assert response.status_code == 429


def test_password_spraying_from_one_ip_gets_429(strict_app):
    client = strict_app.test_client()
    for number in range(5):
        _fail(client, f"user{number}@example.com", 1)

    response = submit_login(client, "fresh-target@example.com", "wrong guess 123456")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_right_password_resets_account_counter(strict_app, make_user):
    make_user(Role.CUSTOMER, "owner@example.com")
    client = strict_app.test_client()
    _fail(client, "owner@example.com", 2)
    assert submit_login(client, "owner@example.com", PASSWORD).status_code == 302
    client.post("/logout")

    _fail(client, "owner@example.com", 2)
    response = submit_login(client, "owner@example.com", PASSWORD)

    assert response.status_code == 302


def test_throttled_attempts_do_not_grow_the_audit_log(strict_app, make_user):
    make_user(Role.CUSTOMER, "victim@example.com")
    client = strict_app.test_client()
    _fail(client, "victim@example.com", 3)

    for _ in range(5):
        submit_login(client, "victim@example.com", "wrong guess 123456")

    assert len(audit_events("auth.login_failed")) == 3


def test_brute_force_via_reauthenticate_shares_the_account_counter(
    strict_app, make_user, login
):
    user = make_user(Role.CUSTOMER, "victim@example.com")
    client = strict_app.test_client()
    _fail(client, "victim@example.com", 3)

    thief = strict_app.test_client()
    thief.environ_base["REMOTE_ADDR"] = "127.0.0.3"
    login(thief, user, fresh=False)
    response = thief.post("/reauthenticate", data={"password": PASSWORD})

    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_brute_force_via_password_change_is_throttled(strict_app, make_user, login):
    user = make_user(Role.CUSTOMER, "victim@example.com")
    client = strict_app.test_client()
    login(client, user)
    form = {
        "current_password": "wrong guess 123456",
        "new_password": "a brand new passphrase 7",
        "new_password_confirm": "a brand new passphrase 7",
    }
    for _ in range(3):
        assert client.post("/account/password", data=form).status_code == 200

    form["current_password"] = PASSWORD
    response = client.post("/account/password", data=form)

    assert response.status_code == 429
    assert len(audit_events("auth.password_change_failed")) == 3


def _redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable")
    return connection


def test_brute_force_throttle_works_on_real_redis(app_factory):
    connection = _redis_or_skip()
    prefix = f"csrdesk-test-{uuid.uuid4().hex}"
    app = app_factory(
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
        LOGIN_LIMIT_PER_ACCOUNT="2/15 minutes",
    )
    try:
        with app.app_context():
            create_user("victim@example.com", PASSWORD, Role.CUSTOMER, "host-0001")
            db.session.commit()
            client = app.test_client()
            _fail(client, "victim@example.com", 2)

            response = submit_login(client, "victim@example.com", PASSWORD)

            assert response.status_code == 429
            assert int(response.headers["Retry-After"]) > 0
            keys = list(connection.scan_iter(match=f"*{prefix}*"))
            assert keys, "no throttle counter was written to Redis"
            assert not any(b"victim" in key for key in keys)
    finally:
        for key in connection.scan_iter(match=f"*{prefix}*"):
            connection.delete(key)
