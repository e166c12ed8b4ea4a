"""`flask tickets expire`: send ready tickets past their download period back."""

from __future__ import annotations

import click
from flask import Flask, current_app

from helpdesk.tickets.services import expire_ready_tickets

tickets_group = click.Group("tickets", help="Maintain tickets.")


@tickets_group.command("expire")
def expire_command():
    """Move ready tickets not downloaded within READY_TTL_HOURS back to review."""
    expired = expire_ready_tickets()
    hours = current_app.config["READY_TTL_HOURS"]
    if not expired:
        click.echo(f"No ready ticket is older than {hours} hours.")
        return
    numbers = ", ".join(str(ticket_id) for ticket_id in expired)
    click.echo(f"Moved {len(expired)} tickets back to review: {numbers}.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(tickets_group)
