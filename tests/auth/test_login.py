import pytest
from flask_login import current_user

from auth.helpers import PASSWORD, audit_events, submit_login
from helpdesk.extensions import db
from helpdesk.models import Role

GENERIC_FAILURE = "The email address or password is incorrect."


def test_login_form_renders_without_password_value(client):
    response = client.get("/login")

    assert response.status_code == 200
    assert 'name="email"' in response.text
    assert 'type="password"' in response.text


def test_login_with_right_password_signs_in(client, customer):
    response = submit_login(client, "customer@example.com", PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client:
        client.get("/")
        assert current_user.is_authenticated
        assert current_user.id == customer.id


def test_login_email_is_case_insensitive(client, customer):
    response = submit_login(client, "  Customer@Example.COM ", PASSWORD)

    assert response.status_code == 302


def test_login_audits_success_without_password(client, customer):
    submit_login(client, "customer@example.com", PASSWORD)

    [event] = audit_events("auth.login")
    assert event.actor_id == customer.id
    assert event.details["email"] == "customer@example.com"
    assert event.ip_address == "127.0.0.1"
    assert PASSWORD not in str(event.details)


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("nobody@example.com", PASSWORD, "unknown_account"),
        ("customer@example.com", "wrong password 12345", "wrong_password"),
    ],
)
def test_login_failure_is_audited_without_password(
    client, customer, email, password, reason
):
    submit_login(client, email, password)

    [event] = audit_events("auth.login_failed")
    assert event.actor_id is None
    assert event.details["email"] == email
    assert event.details["reason"] == reason
    assert password not in str(event.details)
    assert not audit_events("auth.login")


def test_login_failure_skips_non_email_name(client, customer):
    submit_login(client, "my secret passw0rd", "whatever")

    [event] = audit_events("auth.login_failed")
    assert event.details["email"] == ""


def test_login_failure_page_is_identical(client, make_user):
    make_user(Role.CUSTOMER, "known@example.com")
    make_user(Role.CUSTOMER, "gone@example.com", is_active=False)

    pages = []
    for email, password in [
        ("unknown@example.com", PASSWORD),
        ("known@example.com", "not the password 1"),
        ("gone@example.com", PASSWORD),
    ]:
        response = submit_login(client, email, password)
        assert response.status_code == 200
        assert GENERIC_FAILURE in response.text
        pages.append(response.text.replace(email, "EMAIL"))

    assert pages[0] == pages[1]
    assert pages[1] == pages[2]


def test_login_deactivated_account_with_right_password_fails(client, make_user):
    user = make_user(Role.AGENT, "former@example.com", is_active=False)

    response = submit_login(client, "former@example.com", PASSWORD)

    assert GENERIC_FAILURE in response.text
    [event] = audit_events("auth.login_failed")
    assert event.details["reason"] == "deactivated"
    assert event.target_user_id == user.id
    with client:
        client.get("/")
        assert not current_user.is_authenticated


def test_login_failure_keeps_email_but_not_password(client, customer):
    response = submit_login(client, "customer@example.com", "typed-secret-value-9")

    assert 'value="customer@example.com"' in response.text
    assert "typed-secret-value-9" not in response.text


def test_login_missing_fields_show_messages_next_to_fields(client):
    response = client.post("/login", data={"email": "", "password": ""})

    assert "Enter your email address." in response.text
    assert "Enter the password." in response.text
    assert not audit_events("auth.login_failed")


def test_login_page_redirects_signed_in_user_home(client, customer, login):
    login(client, customer)

    response = client.get("/login")

    assert response.status_code == 302


def test_login_rehashes_outdated_password_hash(client, customer):
    from argon2 import PasswordHasher

    customer.password_hash = PasswordHasher(time_cost=1).hash(PASSWORD)
    db.session.commit()

    submit_login(client, "customer@example.com", PASSWORD)

    db.session.refresh(customer)
    assert PasswordHasher().check_needs_rehash(customer.password_hash) is False


def test_home_sends_each_role_to_its_page(client, make_user, login):
    expected = {Role.ADMIN: "/admin/", Role.AGENT: "/queue/", Role.CUSTOMER: "/tickets"}
    for role, path in expected.items():
        login(client, make_user(role))
        response = client.get("/")
        assert response.headers["Location"] == path, role
