"""Shared steps for the attack tests: a reviewed ticket, agent actions, a download."""

from __future__ import annotations

from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.workflow import Status

PASSPHRASE = "plum tractor harbor 58"
# EC P-256 keeps each delivery at a few milliseconds.
FAST_KEY = {
    "key_type": "EC",
    "key_size": 256,
    "common_name": "example.co.kr",
    "problem_domain": "example.co.kr",
    "organizational_unit": "",
    "email_address": "",
}


def reviewed_ticket(make_ticket, customer, agent) -> Ticket:
    """Return a ticket in review, claimed by AGENT, whose fields pass the rules."""
    return make_ticket(customer, Status.IN_REVIEW, assignee_id=agent.id, **FAST_KEY)


def agent_action(client, ticket_id: int, action: str):
    """Post a one-button agent action with the ticket's current version."""
    db.session.expire_all()
    version = db.session.get(Ticket, ticket_id).version
    return client.post(
        f"/queue/tickets/{ticket_id}/status/{action}", data={"version": version}
    )


def download(client, ticket_id: int, passphrase: str = PASSPHRASE):
    return client.post(
        f"/tickets/{ticket_id}/download",
        data={"passphrase": passphrase, "passphrase_confirmation": passphrase},
    )
