"""Fixtures for the agent's side: a second agent and claimed tickets."""

from __future__ import annotations

import pytest

from helpdesk.models import Role
from helpdesk.workflow import Status


@pytest.fixture
def second_agent(make_user):
    return make_user(Role.AGENT, "second.agent@example.com")


@pytest.fixture
def claimed_ticket(make_ticket, customer, agent):
    """Return a function that makes a ticket in review, assigned to AGENT."""

    def make(status: str = Status.IN_REVIEW, **fields):
        return make_ticket(customer, status, assignee_id=agent.id, **fields)

    return make
