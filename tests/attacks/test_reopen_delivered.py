"""A delivered ticket closed and reopened by an agent keeps its old CSR current.

Reopen sends the ticket back to review and approval makes it ready again,
but nothing voids the CSR that was already delivered. The next download then
claims the ticket, builds a key and fails to record it.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from attacks.helpers import agent_action, download, reviewed_ticket
from helpdesk.extensions import db
from helpdesk.models import IssuedCsr, Role, Ticket
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


@pytest.mark.xfail(
    strict=True,
    reason="reopening a delivered ticket leaves its delivered CSR current",
)
def test_reopen_of_delivered_ticket_voids_old_csr(world, make_user, make_ticket, login):
    _customer, _agent, ticket_id = _deliver_then_reopen(
        world, make_user, make_ticket, login
    )

    ticket = db.session.get(Ticket, ticket_id)
    assert ticket.status == Status.IN_REVIEW
    assert _current_csrs(ticket_id) == [], "the delivered CSR is still current"


@pytest.mark.xfail(
    strict=True,
    reason="the download after reopen and approval fails with a 500 and leaves "
    "the ticket delivered without a ZIP or a CSR",
)
def test_download_after_reopen_delivers_new_key(world, make_user, make_ticket, login):
    customer_client, agent_client, ticket_id = _deliver_then_reopen(
        world, make_user, make_ticket, login
    )
    assert agent_action(agent_client, ticket_id, "approve").status_code == 303

    second = download(customer_client, ticket_id)

    assert second.status_code != 500, "the second download failed as a 500"
    assert second.status_code == 200
    assert second.get_data().startswith(b"PK")
    db.session.expire_all()
    issued = db.session.scalars(
        sa.select(IssuedCsr).where(IssuedCsr.ticket_id == ticket_id)
    ).all()
    assert len(issued) == 2


def test_download_after_reopen_leaves_claimed_ticket(
    world, make_user, make_ticket, login
):
    """Record what happens today: a 500, and a delivered ticket with no new CSR.

    This passes while the weakness exists, and shows its damage: the key was
    generated and thrown away, the ticket is marked delivered, and the customer
    received nothing.
    """
    customer_client, agent_client, ticket_id = _deliver_then_reopen(
        world, make_user, make_ticket, login
    )
    assert agent_action(agent_client, ticket_id, "approve").status_code == 303
    second = download(customer_client, ticket_id)
    if second.status_code == 200:
        pytest.skip("the product now delivers a new key after reopen")

    assert second.status_code == 500
    assert not second.get_data().startswith(b"PK")
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    assert ticket.status == Status.DELIVERED
    assert len(ticket.issued_csrs) == 1
