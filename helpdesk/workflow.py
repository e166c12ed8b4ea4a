"""Ticket states, the transitions between them, and who may trigger each.

Views and services ask this module; nothing else compares status strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from helpdesk.models import Role, Ticket, User


class Status(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    READY = "ready"
    DELIVERED = "delivered"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.SUBMITTED: _l("Submitted"),
    Status.IN_REVIEW: _l("In review"),
    Status.WAITING_ON_CUSTOMER: _l("Waiting on customer"),
    Status.READY: _l("Ready to download"),
    Status.DELIVERED: _l("Delivered"),
    Status.CLOSED: _l("Closed"),
}

# The next step for the customer, shown on their ticket page.
NEXT_STEP_FOR_CUSTOMER = {
    Status.SUBMITTED: _l("An agent will review your request. No action is needed."),
    Status.IN_REVIEW: _l("An agent is reviewing your request. No action is needed."),
    Status.WAITING_ON_CUSTOMER: _l(
        "The agent needs more information. Read the latest reply and answer it."
    ),
    Status.READY: _l(
        "Your key is ready. Choose a passphrase and download the ZIP file once."
    ),
    Status.DELIVERED: _l(
        "Submit the CSR below to your certificate authority. If you lost the ZIP "
        "file, request a new key."
    ),
    Status.CLOSED: _l("This ticket is closed."),
}


class Action(StrEnum):
    CLAIM = "claim"
    REQUEST_INFO = "request_info"
    CUSTOMER_REPLIED = "customer_replied"
    APPROVE = "approve"
    RETURN_TO_REVIEW = "return_to_review"
    DELIVER = "deliver"
    REQUEST_NEW_KEY = "request_new_key"
    EXPIRE = "expire"
    CLOSE = "close"
    REOPEN = "reopen"


# Actor kinds: the customer who owns the ticket, the agent it is assigned to,
# any agent, or the system itself (expiry).
OWNER = "owner"
ASSIGNEE = "assignee"
ANY_AGENT = "any_agent"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status
    actor: str
    label: str


def _t(action, sources, target, actor, label) -> Transition:
    return Transition(action, frozenset(sources), target, actor, label)


S = Status
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        _t(
            Action.CLAIM,
            {S.SUBMITTED, S.IN_REVIEW},
            S.IN_REVIEW,
            ANY_AGENT,
            _l("Claim"),
        ),
        _t(
            Action.REQUEST_INFO,
            {S.IN_REVIEW},
            S.WAITING_ON_CUSTOMER,
            ASSIGNEE,
            _l("Ask the customer"),
        ),
        _t(
            Action.CUSTOMER_REPLIED,
            {S.WAITING_ON_CUSTOMER},
            S.IN_REVIEW,
            OWNER,
            _l("Reply"),
        ),
        _t(
            Action.APPROVE,
            {S.IN_REVIEW, S.WAITING_ON_CUSTOMER},
            S.READY,
            ASSIGNEE,
            _l("Approve"),
        ),
        _t(
            Action.RETURN_TO_REVIEW,
            {S.READY},
            S.IN_REVIEW,
            ASSIGNEE,
            _l("Withdraw approval"),
        ),
        _t(Action.DELIVER, {S.READY}, S.DELIVERED, OWNER, _l("Download")),
        _t(
            Action.REQUEST_NEW_KEY,
            {S.DELIVERED},
            S.READY,
            OWNER,
            _l("Request a new key"),
        ),
        _t(Action.EXPIRE, {S.READY}, S.IN_REVIEW, SYSTEM, _l("Expire")),
        _t(
            Action.CLOSE,
            {S.SUBMITTED, S.IN_REVIEW, S.WAITING_ON_CUSTOMER, S.READY, S.DELIVERED},
            S.CLOSED,
            ASSIGNEE,
            _l("Close"),
        ),
        _t(Action.REOPEN, {S.CLOSED}, S.IN_REVIEW, ANY_AGENT, _l("Reopen")),
    )
}

# Ticket fields can be corrected in these states only.
EDITABLE_STATUSES = frozenset({S.IN_REVIEW, S.WAITING_ON_CUSTOMER})


class TransitionError(Exception):
    """The action is not allowed for this user on this ticket in its current state."""


def is_actor(user: User | None, ticket: Ticket, actor: str) -> bool:
    if actor == SYSTEM:
        return user is None
    if user is None or not user.is_active:
        return False
    if actor == OWNER:
        return user.role == Role.CUSTOMER and ticket.customer_id == user.id
    if actor == ANY_AGENT:
        return user.role == Role.AGENT
    if actor == ASSIGNEE:
        return user.role == Role.AGENT and ticket.assignee_id == user.id
    raise ValueError(f"unknown actor kind {actor!r}")


def can(user: User | None, action: Action, ticket: Ticket) -> bool:
    transition = TRANSITIONS[action]
    if ticket.status not in transition.sources:
        return False
    if action == Action.CLAIM and ticket.assignee_id is not None:
        return False
    return is_actor(user, ticket, transition.actor)


def allowed_actions(user: User | None, ticket: Ticket) -> list[Action]:
    return [action for action in TRANSITIONS if can(user, action, ticket)]


def apply(user: User | None, action: Action, ticket: Ticket) -> Status:
    """Move TICKET along ACTION and return its previous status.

    Raises TransitionError when the action is not allowed. The caller records
    the audit event and commits.
    """
    if not can(user, action, ticket):
        raise TransitionError(f"{action} is not allowed on ticket {ticket.id}")

    previous = Status(ticket.status)
    ticket.status = TRANSITIONS[action].target
    if action == Action.CLAIM:
        ticket.assignee_id = user.id
    return previous


def can_edit_fields(user: User | None, ticket: Ticket) -> bool:
    """Return True when USER may correct the ticket's fields now.

    Any agent may correct a claimed ticket under review, so a colleague can
    help; approval stays with the assignee. Concurrent saves are caught by
    the ticket's version column.
    """
    return ticket.status in EDITABLE_STATUSES and is_actor(user, ticket, ANY_AGENT)


def can_reply(user: User | None, ticket: Ticket) -> bool:
    if ticket.status == S.CLOSED or user is None or not user.is_active:
        return False
    if user.role == Role.CUSTOMER:
        return ticket.customer_id == user.id
    return user.role == Role.AGENT


def can_add_internal_note(user: User | None, ticket: Ticket) -> bool:
    return user is not None and user.is_active and user.role == Role.AGENT


def download_deadline(ticket: Ticket, ttl_hours: int) -> datetime | None:
    if ticket.status != S.READY or ticket.ready_at is None:
        return None
    return ticket.ready_at + timedelta(hours=ttl_hours)
