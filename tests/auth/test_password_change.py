from auth.helpers import PASSWORD, audit_events, submit_login
from helpdesk.auth.passwords import verify_password
from helpdesk.extensions import db

NEW = "violet anchor meadow 31"


def _change(client, current=PASSWORD, new=NEW, confirm=NEW):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "new_password_confirm": confirm,
        },
    )


def test_password_change_updates_hash_and_audits(client, customer, login):
    login(client, customer)
    before = customer.password_changed_at

    response = _change(client)

    assert response.status_code == 302
    db.session.refresh(customer)
    assert verify_password(customer.password_hash, NEW)
    assert customer.password_changed_at > before
    [event] = audit_events("auth.password_changed")
    assert event.actor_id == customer.id
    assert NEW not in str(event.details)


def test_password_change_keeps_this_session_signed_in(client, customer, login):
    login(client, customer)

    _change(client)

    assert client.get("/account/password").status_code == 200


def test_password_change_new_password_signs_in(app, customer, login):
    client = app.test_client()
    login(client, customer)
    _change(client)

    other = app.test_client()

    assert submit_login(other, "customer@example.com", PASSWORD).status_code == 200
    assert submit_login(other, "customer@example.com", NEW).status_code == 302


def test_password_change_wrong_current_password(client, customer, login):
    login(client, customer)

    response = _change(client, current="not my password 1")

    assert "The current password is incorrect." in response.text
    db.session.refresh(customer)
    assert verify_password(customer.password_hash, PASSWORD)
    [event] = audit_events("auth.password_change_failed")
    assert event.actor_id == customer.id


def test_password_change_rejects_same_password(client, customer, login):
    login(client, customer)

    response = _change(client, new=PASSWORD, confirm=PASSWORD)

    assert "The new password is the same as the current one." in response.text
    assert not audit_events("auth.password_changed")


def test_password_change_applies_password_rules(client, customer, login):
    login(client, customer)

    response = _change(client, new="qwerty123456", confirm="qwerty123456")

    assert "This password is on the list" in response.text
    assert not audit_events("auth.password_changed")


def test_password_change_needs_sign_in(client):
    response = client.get("/account/password")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
