"""Flask commands: `flask users ...`, `flask demo`, `flask audit verify`."""

from __future__ import annotations

import secrets

import click
import sqlalchemy as sa
from flask import Flask

from helpdesk import audit
from helpdesk.auth import accounts
from helpdesk.auth.password_policy import password_problem
from helpdesk.extensions import db
from helpdesk.models import Role, User
from helpdesk.tickets.commands import register_commands as register_ticket_commands


def create_user(
    email: str,
    password: str,
    role: str,
    hosting_account_id: str | None = None,
    display_name: str = "",
) -> User:
    """Add an account as the command line does, audited with no actor."""
    return accounts.create_account(
        email,
        password,
        role,
        hosting_account_id=hosting_account_id,
        display_name=display_name,
        via="command line",
    )


users_group = click.Group("users", help="Create and list accounts.")


@users_group.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option(
    "--role",
    type=click.Choice(Role.ALL),
    default=Role.ADMIN,
    show_default=True,
    help="Account role.",
)
@click.option("--hosting-account-id", default=None, help="Customers only.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.password_option(help="Password; prompted for when omitted.")
def create_user_command(email, role, hosting_account_id, display_name, password):
    """Create an account, an admin unless --role names another role."""
    if role == Role.CUSTOMER and not hosting_account_id:
        raise click.BadParameter(
            "a customer needs --hosting-account-id", param_hint="--hosting-account-id"
        )
    if accounts.find_by_email(email) is not None:
        raise click.BadParameter(
            f"an account with {email} already exists", param_hint="--email"
        )
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = create_user(email, password, role, hosting_account_id, display_name)
    db.session.commit()
    click.echo(f"Created {role} account {user.email} (id {user.id}).")


@users_group.command("list")
def list_users_command():
    """List every account with its role and whether it is active."""
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        state = "active" if user.is_active else "deactivated"
        click.echo(f"{user.id}\t{user.role}\t{state}\t{user.email}")


DEMO_ACCOUNTS = (
    (Role.ADMIN, "demo-admin@example.com", "Demo Admin", None),
    (Role.AGENT, "demo-agent@example.com", "Demo Agent", None),
    (Role.CUSTOMER, "demo-customer@example.com", "Demo Customer", "demo-0001"),
)


@click.command("demo")
def demo_command():
    """Create an admin, an agent and a customer to try the desk with.

    Each new account gets a random password, printed once here and stored
    nowhere else. Accounts that already exist are left unchanged.
    """
    created = []
    for role, email, display_name, hosting_account_id in DEMO_ACCOUNTS:
        if accounts.find_by_email(email) is not None:
            click.echo(f"{email} already exists; its password is unchanged.")
            continue
        password = secrets.token_urlsafe(15)
        create_user(email, password, role, hosting_account_id, display_name)
        created.append((role, email, password))
    db.session.commit()
    for role, email, password in created:
        click.echo(f"{role:<9} {email:<26} password: {password}")
    if created:
        click.echo("Write these passwords down now; they are not shown again.")


audit_group = click.Group("audit", help="Check the audit log.")


@audit_group.command("verify")
def verify_command():
    """Check the hash chain; print the head hash, or the first broken event."""
    report = audit.verify()
    if report.is_intact:
        click.echo(
            f"Audit chain intact: {report.checked} events, head event "
            f"{report.head_id}, head hash {report.head_hash}"
        )
        return
    click.echo(
        f"Audit chain BROKEN at event {report.broken_id}: {report.problem}. "
        f"{report.checked} events before it are intact.",
        err=True,
    )
    raise SystemExit(1)


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(demo_command)
    register_ticket_commands(app)
