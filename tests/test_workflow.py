"""The workflow table: which actor may take which action from which status."""

from __future__ import annotations

import pytest

from helpdesk.models import Role, Ticket, User
from helpdesk.workflow import (
    Action,
    Status,
    TransitionError,
    allowed_actions,
    apply,
    can,
    can_edit_fields,
    can_reply,
)

OWNER_ID, OTHER_CUSTOMER_ID, ASSIGNEE_ID, OTHER_AGENT_ID, ADMIN_ID = 1, 2, 3, 4, 5


def make_user(user_id: int, role: str, is_active: bool = True) -> User:
    return User(id=user_id, role=role, is_active=is_active, email=f"{user_id}@x.test")


PEOPLE = {
    "owner": make_user(OWNER_ID, Role.CUSTOMER),
    "other customer": make_user(OTHER_CUSTOMER_ID, Role.CUSTOMER),
    "assignee": make_user(ASSIGNEE_ID, Role.AGENT),
    "other agent": make_user(OTHER_AGENT_ID, Role.AGENT),
    "admin": make_user(ADMIN_ID, Role.ADMIN),
    "deactivated assignee": make_user(ASSIGNEE_ID, Role.AGENT, is_active=False),
    "system": None,
}


def make_ticket(status: Status, assigned: bool = True) -> Ticket:
    return Ticket(
        id=7,
        customer_id=OWNER_ID,
        assignee_id=ASSIGNEE_ID if assigned else None,
        status=status,
    )


# Every allowed (action, status, person) for an assigned ticket; anything not
# listed must be refused. Claim is checked on unassigned tickets below.
ALLOWED = {
    (Action.REQUEST_INFO, Status.IN_REVIEW, "assignee"),
    (Action.CUSTOMER_REPLIED, Status.WAITING_ON_CUSTOMER, "owner"),
    (Action.APPROVE, Status.IN_REVIEW, "assignee"),
    (Action.APPROVE, Status.WAITING_ON_CUSTOMER, "assignee"),
    (Action.RETURN_TO_REVIEW, Status.READY, "assignee"),
    (Action.DELIVER, Status.READY, "owner"),
    (Action.REQUEST_NEW_KEY, Status.DELIVERED, "owner"),
    (Action.EXPIRE, Status.READY, "system"),
    *(
        (Action.CLOSE, status, "assignee")
        for status in Status
        if status != Status.CLOSED
    ),
    (Action.REOPEN, Status.CLOSED, "assignee"),
    (Action.REOPEN, Status.CLOSED, "other agent"),
}


@pytest.mark.parametrize("action", [a for a in Action if a != Action.CLAIM])
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("person", list(PEOPLE))
def test_workflow_allows_only_listed_transitions(action, status, person):
    ticket = make_ticket(status)

    allowed = can(PEOPLE[person], action, ticket)

    assert allowed == ((action, status, person) in ALLOWED)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("person", list(PEOPLE))
def test_claim_needs_unassigned_ticket_and_agent(status, person):
    unassigned = make_ticket(status, assigned=False)
    assigned = make_ticket(status)
    may_claim = person in ("assignee", "other agent") and status in (
        Status.SUBMITTED,
        Status.IN_REVIEW,
    )

    assert can(PEOPLE[person], Action.CLAIM, unassigned) == may_claim
    assert can(PEOPLE[person], Action.CLAIM, assigned) is False


def test_apply_claim_assigns_the_agent():
    ticket = make_ticket(Status.SUBMITTED, assigned=False)

    previous = apply(PEOPLE["other agent"], Action.CLAIM, ticket)

    assert previous == Status.SUBMITTED
    assert ticket.status == Status.IN_REVIEW
    assert ticket.assignee_id == OTHER_AGENT_ID


def test_apply_refused_action_changes_nothing():
    ticket = make_ticket(Status.IN_REVIEW)

    with pytest.raises(TransitionError):
        apply(PEOPLE["owner"], Action.APPROVE, ticket)

    assert ticket.status == Status.IN_REVIEW


@pytest.mark.parametrize("status", list(Status))
def test_field_edits_only_by_agents_in_review(status):
    ticket = make_ticket(status)
    editable = status in (Status.IN_REVIEW, Status.WAITING_ON_CUSTOMER)

    assert can_edit_fields(PEOPLE["assignee"], ticket) == editable
    assert can_edit_fields(PEOPLE["other agent"], ticket) == editable
    assert can_edit_fields(PEOPLE["owner"], ticket) is False
    assert can_edit_fields(PEOPLE["admin"], ticket) is False
    assert can_edit_fields(PEOPLE["deactivated assignee"], ticket) is False


@pytest.mark.parametrize("status", list(Status))
def test_replies_closed_only_on_closed_tickets(status):
    ticket = make_ticket(status)
    is_open = status != Status.CLOSED

    assert can_reply(PEOPLE["owner"], ticket) == is_open
    assert can_reply(PEOPLE["assignee"], ticket) == is_open
    assert can_reply(PEOPLE["other customer"], ticket) is False


def test_allowed_actions_for_owner_of_delivered_ticket():
    ticket = make_ticket(Status.DELIVERED)

    assert allowed_actions(PEOPLE["owner"], ticket) == [Action.REQUEST_NEW_KEY]
