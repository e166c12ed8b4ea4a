import pytest
from flask_login import current_user

from auth.helpers import audit_events
from helpdesk.auth.accounts import find_by_email
from helpdesk.models import Role

GOOD = {
    "hosting_account_id": "host-7781",
    "email": "New.Customer@Example.com",
    "display_name": "김하늘",
    "password": "plum tractor harbor 58",
    "password_confirm": "plum tractor harbor 58",
}


def _signup(client, **changes):
    return client.post("/signup", data={**GOOD, **changes})


def test_signup_creates_customer_and_signs_in(client):
    response = _signup(client)

    assert response.status_code == 302
    user = find_by_email("new.customer@example.com")
    assert user.role == Role.CUSTOMER
    assert user.hosting_account_id == "host-7781"
    assert user.display_name == "김하늘"
    assert user.password_hash.startswith("$argon2id$")
    with client:
        client.get("/")
        assert current_user.id == user.id


def test_signup_is_audited_without_password(client):
    _signup(client)

    [created] = audit_events("user.created")
    assert created.details == {
        "email": "new.customer@example.com",
        "role": "customer",
        "via": "sign-up",
    }
    [signed_in] = audit_events("auth.login")
    assert signed_in.details["via"] == "sign-up"
    for event in audit_events():
        assert GOOD["password"] not in str(event.details)


def test_signup_disabled_answers_404(app_factory):
    app = app_factory(ALLOW_SIGNUP=False)
    client = app.test_client()

    assert client.get("/signup").status_code == 404
    assert client.post("/signup", data=GOOD).status_code == 404
    assert "/signup" not in client.get("/login").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"password": "short pw", "password_confirm": "short pw"},
            "The password has 8 characters; use at least 12.",
        ),
        (
            {"password": "password1234", "password_confirm": "password1234"},
            "This password is on the list of passwords that attackers try first.",
        ),
        (
            {"password": "zzzyzzzyzzzy", "password_confirm": "zzzyzzzyzzzy"},
            "fewer than 4 different characters",
        ),
        (
            {"password_confirm": "plum tractor harbor 59"},
            "The two passwords differ.",
        ),
        ({"email": "not-an-email"}, "“not-an-email” is not a valid email address."),
        (
            {"hosting_account_id": "host 7781!"},
            "“host 7781!” is not a hosting account ID.",
        ),
        ({"display_name": ""}, "Enter your name."),
    ],
)
def test_signup_rejects_bad_input_with_message(client, changes, message):
    response = _signup(client, **changes)

    assert response.status_code == 200
    assert message in response.text
    assert find_by_email(GOOD["email"]) is None


def test_signup_rejects_password_containing_email(client):
    response = _signup(
        client,
        password="new.customer@example.com!",
        password_confirm="new.customer@example.com!",
    )

    assert "The password contains your email address." in response.text


def test_signup_form_keeps_input_but_not_password(client):
    response = _signup(client, password_confirm="something else 99")

    assert 'value="host-7781"' in response.text
    assert 'value="김하늘"' in response.text
    assert GOOD["password"] not in response.text


def test_signup_with_taken_email_says_so(client, customer):
    response = _signup(client, email="customer@example.com")

    assert "An account with customer@example.com already exists." in response.text
    assert len(audit_events("user.created")) == 1


def test_signup_flood_from_one_ip_gets_429(app_factory):
    app = app_factory(SIGNUP_LIMIT_PER_IP="2/hour")
    client = app.test_client()
    for number in range(2):
        _signup(client, email=f"flood{number}@example.com")
        client.post("/logout")

    response = _signup(client, email="flood9@example.com")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts. Try again in" in response.text
