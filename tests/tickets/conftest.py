"""Fixtures for the customer's side."""

from __future__ import annotations

import pytest

from helpdesk.models import utcnow
from helpdesk.workflow import Status


@pytest.fixture
def ready_ticket(make_ticket, customer, agent):
    """Return a function that makes an approved ticket of CUSTOMER."""

    def make(owner=None, **fields):
        values = {"assignee_id": agent.id, "ready_at": utcnow()}
        values.update(fields)
        return make_ticket(owner or customer, Status.READY, **values)

    return make
