import re

from auth.helpers import audit_events, submit_login
from helpdesk.auth.accounts import find_by_email
from helpdesk.models import Role

DEMO_LINE = re.compile(r"^(\w+)\s+(\S+@example\.com)\s+password: (\S+)$", re.MULTILINE)


def test_demo_command_creates_three_roles_with_printed_passwords(app, runner):
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    accounts = {
        role: (email, password)
        for role, email, password in DEMO_LINE.findall(result.output)
    }
    assert set(accounts) == {Role.ADMIN, Role.AGENT, Role.CUSTOMER}
    customer = find_by_email(accounts[Role.CUSTOMER][0])
    assert customer.hosting_account_id
    for email, password in accounts.values():
        assert len(password) >= 12
        client = app.test_client()
        assert submit_login(client, email, password).status_code == 302


def test_demo_command_leaves_existing_accounts_alone(app, runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])

    assert second.exit_code == 0
    assert not DEMO_LINE.findall(second.output)
    assert second.output.count("already exists") == 3
    assert len(audit_events("user.created")) == 3
    for _, _, password in DEMO_LINE.findall(first.output):
        assert password not in str([event.details for event in audit_events()])


def test_users_create_rejects_weak_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "boss@example.com", "--password", "short"]
    )

    assert result.exit_code != 0
    assert "use at least 12" in result.output
    assert find_by_email("boss@example.com") is None


def test_users_create_makes_an_admin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "boss@example.com",
            "--password",
            "plum tractor harbor 58",
        ]
    )

    assert result.exit_code == 0, result.output
    assert find_by_email("boss@example.com").role == Role.ADMIN
    [event] = audit_events("user.created")
    assert event.details["via"] == "command line"
