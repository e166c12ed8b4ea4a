import pytest
from auth.helpers import audit_events, submit_login

from helpdesk.auth.accounts import find_by_email
from helpdesk.extensions import db
from helpdesk.models import Role

ADMIN_PAGES = [
    ("get", "/admin/"),
    ("get", "/admin/users"),
    ("get", "/admin/users/new"),
    ("post", "/admin/users/new"),
    ("post", "/admin/users/1/deactivate"),
    ("post", "/admin/users/1/reactivate"),
    ("get", "/admin/audit"),
    ("post", "/admin/audit/export"),
    ("get", "/admin/audit/verify"),
]

NEW_AGENT = {
    "role": "agent",
    "email": "new.agent@example.com",
    "display_name": "Park Agent",
    "hosting_account_id": "",
    "password": "copper lantern river 24",
    "password_confirm": "copper lantern river 24",
}


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.AGENT])
def test_admin_pages_forbid_other_roles(client, make_user, login, role, method, path):
    login(client, make_user(role))

    response = getattr(client, method)(path)

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_admin_pages_send_anonymous_to_sign_in(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_users_page_lists_accounts(client, admin, customer, agent, login):
    login(client, admin)

    page = client.get("/admin/users").text

    for email in ("admin@example.com", "customer@example.com", "agent@example.com"):
        assert email in page


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_admin_creates_staff_account(client, admin, login, role):
    login(client, admin)

    response = client.post("/admin/users/new", data={**NEW_AGENT, "role": role})

    assert response.status_code == 302
    user = find_by_email("new.agent@example.com")
    assert user.role == role
    assert user.hosting_account_id is None
    [event] = audit_events("user.created")[-1:]
    assert event.actor_id == admin.id
    assert event.target_user_id == user.id
    assert event.details == {
        "email": "new.agent@example.com",
        "role": role,
        "via": "admin",
    }
    assert (
        submit_login(
            client.application.test_client(), user.email, NEW_AGENT["password"]
        ).status_code
        == 302
    )


def test_admin_creates_customer_with_hosting_id(client, admin, login):
    login(client, admin)

    client.post(
        "/admin/users/new",
        data={**NEW_AGENT, "role": "customer", "hosting_account_id": "host-0099"},
    )

    user = find_by_email("new.agent@example.com")
    assert user.role == Role.CUSTOMER
    assert user.hosting_account_id == "host-0099"


def test_admin_customer_without_hosting_id_is_rejected(client, admin, login):
    login(client, admin)

    response = client.post("/admin/users/new", data={**NEW_AGENT, "role": "customer"})

    assert "A customer account needs a hosting account ID." in response.text
    assert find_by_email("new.agent@example.com") is None


def test_admin_staff_with_hosting_id_is_rejected(client, admin, login):
    login(client, admin)

    response = client.post(
        "/admin/users/new", data={**NEW_AGENT, "hosting_account_id": "host-1"}
    )

    assert "Only customer accounts have a hosting account ID" in response.text


def test_admin_create_rejects_unknown_role(client, admin, login):
    login(client, admin)

    response = client.post("/admin/users/new", data={**NEW_AGENT, "role": "root"})

    assert response.status_code == 200
    assert find_by_email("new.agent@example.com") is None


def test_admin_create_rejects_taken_email(client, admin, agent, login):
    login(client, admin)

    response = client.post(
        "/admin/users/new", data={**NEW_AGENT, "email": "agent@example.com"}
    )

    assert "An account with agent@example.com already exists." in response.text


def test_admin_create_rejects_weak_password(client, admin, login):
    login(client, admin)

    response = client.post(
        "/admin/users/new",
        data={**NEW_AGENT, "password": "short", "password_confirm": "short"},
    )

    assert "use at least 12" in response.text
    assert NEW_AGENT["password"] not in response.text


def test_admin_deactivates_and_reactivates_account(client, admin, agent, login):
    login(client, admin)
    version = agent.session_version

    client.post(f"/admin/users/{agent.id}/deactivate")

    db.session.refresh(agent)
    assert not agent.is_active
    assert agent.session_version == version + 1
    [event] = audit_events("user.deactivated")
    assert event.actor_id == admin.id
    assert event.target_user_id == agent.id

    client.post(f"/admin/users/{agent.id}/reactivate")

    db.session.refresh(agent)
    assert agent.is_active
    [event] = audit_events("user.reactivated")
    assert event.target_user_id == agent.id


def test_admin_cannot_deactivate_self(client, admin, login):
    login(client, admin)

    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)

    assert "You cannot deactivate your own account." in response.text
    db.session.refresh(admin)
    assert admin.is_active
    assert not audit_events("user.deactivated")


def test_admin_deactivating_inactive_account_changes_nothing(
    client, admin, make_user, login
):
    gone = make_user(Role.AGENT, is_active=False)
    login(client, admin)

    client.post(f"/admin/users/{gone.id}/deactivate")

    assert not audit_events("user.deactivated")


def test_admin_deactivate_unknown_account_is_404(client, admin, login):
    login(client, admin)

    assert client.post("/admin/users/9999/deactivate").status_code == 404


def test_deactivated_admin_loses_admin_pages(app, admin, make_user, login):
    other_admin = make_user(Role.ADMIN)
    victim_client = app.test_client()
    login(victim_client, other_admin)
    client = app.test_client()
    login(client, admin)

    client.post(f"/admin/users/{other_admin.id}/deactivate")

    assert victim_client.get("/admin/users").status_code == 302
