"""Fixtures for the CSR and certificate checks: a test CA and delivered tickets.

This folder has no __init__.py on purpose: a package named "inspect" would
shadow the standard library module. Test modules and helper modules here are
therefore imported by their file names, which must stay unique across the
test suite.
"""

from __future__ import annotations

import pytest
from inspect_helpers import TestAuthority, build_csr, new_key, pem

from helpdesk.csr import public_key_sha256
from helpdesk.extensions import db
from helpdesk.models import IssuedCsr, utcnow
from helpdesk.workflow import Status


@pytest.fixture(scope="session")
def authority() -> TestAuthority:
    return TestAuthority()


@pytest.fixture
def deliver_csr():
    """Record a delivered CSR for a new key on a ticket; return the key."""

    def deliver(ticket, voided: bool = False):
        key = new_key()
        issued = IssuedCsr(
            ticket_id=ticket.id,
            csr_pem=pem(build_csr(key)),
            public_key_sha256=public_key_sha256(key.public_key()),
            key_type="EC",
            key_size=256,
            delivered_at=utcnow(),
            delivered_by_id=ticket.customer_id,
            voided_at=utcnow() if voided else None,
            void_reason="The customer requested a new key." if voided else "",
        )
        db.session.add(issued)
        db.session.commit()
        db.session.refresh(ticket)
        return key

    return deliver


@pytest.fixture
def delivered_ticket(make_ticket, customer, deliver_csr):
    """A delivered ticket for www.example.co.kr and the key of its current CSR."""
    ticket = make_ticket(
        customer,
        status=Status.DELIVERED,
        common_name="www.example.co.kr",
        problem_domain="www.example.co.kr",
    )
    return ticket, deliver_csr(ticket)


@pytest.fixture
def customer_client(client, customer, login):
    login(client, customer)
    return client
