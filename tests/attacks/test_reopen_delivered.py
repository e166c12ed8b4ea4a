"""A delivered ticket that an agent closes, reopens and approves again.

The delivered CSR stays current while the ticket is back in review, because
the customer may already hold a certificate for it. Approving again voids it,
so the next download records a new key instead of failing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from attacks.helpers import agent_action, download, reviewed_ticket
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, IssuedCsr, Role, Ticket
from helpdesk.workflow import Status


@pytest.fixture
def world(app_factory, make_user, login):
    # Exceptions become the product's 500 page, as in production.
    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        yield app


def _deliver_then_reopen(world, make_user, make_ticket, login):
    customer = make_user(Role.CUSTOMER)
    agent = make_user(Role.AGENT)
    customer_client = world.test_client()
    agent_client = world.test_client()
    login(customer_client, customer)
    login(agent_client, agent)

    ticket = reviewed_ticket(make_ticket, customer, agent)
    assert agent_action(agent_client, ticket.id, "approve").status_code == 303
    first = download(customer_client, ticket.id)
    assert first.status_code == 200
    assert first.get_data().startswith(b"PK")

    assert agent_action(agent_client, ticket.id, "close").status_code == 303
    assert agent_action(agent_client, ticket.id, "reopen").status_code == 303
    return customer_client, agent_client, ticket.id


def _current_csrs(ticket_id: int) -> list[IssuedCsr]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(IssuedCsr).where(
                IssuedCsr.ticket_id == ticket_id, IssuedCsr.voided_at.is_(None)
            )
        )
    )


def test_reopened_ticket_keeps_csr_until_approved(world, make_user, make_ticket, login):
    _customer, agent_client, ticket_id = _deliver_then_reopen(
        world, make_user, make_ticket, login
    )
    assert len(_current_csrs(ticket_id)) == 1

    assert agent_action(agent_client, ticket_id, "approve").status_code == 303

    assert _current_csrs(ticket_id) == []
    voided = db.session.scalars(
        sa.select(IssuedCsr).where(IssuedCsr.ticket_id == ticket_id)
    ).one()
    assert voided.voided_at is not None
    assert "approved again" in voided.void_reason
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.ticket_id == ticket_id)
    ).all()
    assert "ticket.csr_voided" in actions


def test_download_after_reopen_delivers_new_key(world, make_user, make_ticket, login):
    customer_client, agent_client, ticket_id = _deliver_then_reopen(
        world, make_user, make_ticket, login
    )
    assert agent_action(agent_client, ticket_id, "approve").status_code == 303

    second = download(customer_client, ticket_id)

    assert second.status_code == 200
    assert second.get_data().startswith(b"PK")
    db.session.expire_all()
    issued = db.session.scalars(
        sa.select(IssuedCsr).where(IssuedCsr.ticket_id == ticket_id)
    ).all()
    assert len(issued) == 2
    assert len(_current_csrs(ticket_id)) == 1


def test_download_with_stray_current_csr_releases_ticket(
    world, make_user, make_ticket, login
):
    """A CSR left current by any path makes the download fail cleanly, not stick."""
    customer = make_user(Role.CUSTOMER)
    agent = make_user(Role.AGENT)
    customer_client = world.test_client()
    agent_client = world.test_client()
    login(customer_client, customer)
    login(agent_client, agent)
    ticket = reviewed_ticket(make_ticket, customer, agent)
    assert agent_action(agent_client, ticket.id, "approve").status_code == 303
    db.session.add(
        IssuedCsr(
            ticket_id=ticket.id,
            csr_pem="-----BEGIN CERTIFICATE REQUEST-----",
            public_key_sha256="0" * 64,
            key_type="RSA",
            key_size=2048,
            delivered_by_id=customer.id,
        )
    )
    db.session.commit()

    response = download(customer_client, ticket.id)

    assert response.status_code == 500
    assert not response.get_data().startswith(b"PK")
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == Status.READY
    failures = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "ticket.download_failed")
    ).all()
    assert len(failures) == 1
    assert failures[0].details["error"] == "IntegrityError"
