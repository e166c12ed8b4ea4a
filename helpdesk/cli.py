"""Flask commands: `flask users ...`, `flask demo`, `flask audit verify`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from helpdesk import audit
from helpdesk.auth.passwords import hash_password
from helpdesk.extensions import db
from helpdesk.models import Role, User


def create_user(
    email: str,
    password: str,
    role: str,
    hosting_account_id: str | None = None,
    display_name: str = "",
) -> User:
    user = User(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        role=role,
        hosting_account_id=hosting_account_id,
        display_name=display_name,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created",
        actor=None,
        target_user_id=user.id,
        details={"email": user.email, "role": role, "via": "command line"},
    )
    return user


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
    """Create an account (an admin unless --role says otherwise)."""
    if role == Role.CUSTOMER and not hosting_account_id:
        raise click.BadParameter(
            "a customer needs --hosting-account-id", param_hint="--hosting-account-id"
        )
    existing = db.session.scalar(
        sa.select(User).where(User.email == email.strip().lower())
    )
    if existing is not None:
        raise click.BadParameter(
            f"an account with {email} already exists", param_hint="--email"
        )
    user = create_user(email, password, role, hosting_account_id, display_name)
    db.session.commit()
    click.echo(f"Created {role} account {user.email} (id {user.id}).")


@users_group.command("list")
def list_users_command():
    """List every account with its role and whether it is active."""
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        state = "active" if user.is_active else "deactivated"
        click.echo(f"{user.id}\t{user.role}\t{state}\t{user.email}")


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
