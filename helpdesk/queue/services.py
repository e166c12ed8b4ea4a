"""State changes on the agent's side: claims, corrections, replies, approval.

Each function writes its audit events in the transaction that makes the
change and commits it. Agent forms carry the ticket version they were opened
at; a save against a newer version raises VersionConflict instead of
overwriting another agent's work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from helpdesk import audit, csr
from helpdesk.extensions import db
from helpdesk.models import FieldChange, Ticket, User, utcnow
from helpdesk.tickets.fields import (
    EDITABLE_FIELDS,
    field_text,
    set_field_text,
    split_names,
)
from helpdesk.tickets.services import add_message, request_from_ticket, transition
from helpdesk.workflow import (
    TRANSITIONS,
    Action,
    Status,
    TransitionError,
    can,
    can_add_internal_note,
    can_edit_fields,
    can_reply,
)

logger = logging.getLogger(__name__)

# Queue tabs: which tickets each one lists.
QUEUE_VIEWS = ("unassigned", "mine", "all")


@dataclass
class VersionConflict(Exception):
    """The ticket changed after the agent opened the form; nothing was saved."""

    opened_version: int
    current_version: int
    changes: list[FieldChange] = field(default_factory=list)
    current_status: str = ""


class ApprovalRefused(Exception):
    """The CSR request still has errors; FINDINGS lists them."""

    def __init__(self, findings: list[csr.Finding]) -> None:
        super().__init__("the CSR request has errors")
        self.findings = findings


class SuggestionNotFound(ValueError):
    """The posted suggestion is not one the rules make for the ticket now."""


def queue_query(agent: User, view: str, status: str | None) -> sa.Select:
    """Return the SELECT for a queue tab, optionally narrowed to one status."""
    query = sa.select(Ticket)
    if view == "unassigned":
        # Only tickets an agent can claim: a self-service download is delivered
        # without an assignee and needs no one.
        claimable = TRANSITIONS[Action.CLAIM].sources
        query = query.where(
            Ticket.assignee_id.is_(None), Ticket.status.in_(list(claimable))
        )
    elif view == "mine":
        query = query.where(Ticket.assignee_id == agent.id)
    if status in set(Status):
        query = query.where(Ticket.status == status)
    elif view != "all":
        query = query.where(Ticket.status != Status.CLOSED)
    return query.order_by(Ticket.updated_at, Ticket.id)


def findings_by_field(ticket: Ticket) -> dict[str, list[csr.Finding]]:
    """Run every CSR rule on the ticket and group the findings by field."""
    grouped: dict[str, list[csr.Finding]] = {}
    for finding in csr.check_request(request_from_ticket(ticket)):
        grouped.setdefault(finding.field, []).append(finding)
    return grouped


def changes_since(ticket: Ticket, version: int) -> list[FieldChange]:
    query = (
        sa.select(FieldChange)
        .where(FieldChange.ticket_id == ticket.id, FieldChange.ticket_version > version)
        .order_by(FieldChange.id)
    )
    return list(db.session.scalars(query))


def values_at_version(ticket: Ticket, version: int) -> dict[str, str]:
    """Return the editable fields as they were at VERSION, from the change history."""
    values = {name: field_text(ticket, name) for name in EDITABLE_FIELDS}
    for change in reversed(changes_since(ticket, version)):
        if change.field in values:
            values[change.field] = change.old_value
    return values


def rebase_edits(
    ticket: Ticket, opened_version: int, posted: dict[str, str]
) -> dict[str, str]:
    """Return the current values with only the fields the agent changed overlaid.

    After a conflict the form is shown again with this, so saving it again
    cannot undo another agent's change to a field this agent left alone.
    """
    opened = values_at_version(ticket, opened_version)
    current = {name: field_text(ticket, name) for name in EDITABLE_FIELDS}
    for name, text in posted.items():
        if name in current and text != opened[name]:
            current[name] = text
    return current


def _conflict(ticket: Ticket, opened_version: int) -> VersionConflict:
    db.session.rollback()
    fresh = db.session.get(Ticket, ticket.id, populate_existing=True)
    return VersionConflict(
        opened_version,
        fresh.version,
        changes_since(fresh, opened_version),
        fresh.status,
    )


def check_version(ticket: Ticket, opened_version: int | None) -> None:
    if opened_version != ticket.version:
        raise _conflict(ticket, opened_version or 0)


def claim(agent: User, ticket: Ticket) -> None:
    opened_version = ticket.version
    try:
        transition(agent, Action.CLAIM, ticket)
        db.session.commit()
    except StaleDataError:
        raise _conflict(ticket, opened_version) from None


def correct_fields(
    agent: User, ticket: Ticket, opened_version: int, posted: dict[str, str]
) -> list[FieldChange]:
    """Save the agent's corrections, one FieldChange and audit event per field.

    POSTED maps editable field names to field_text() values; other names are
    ignored, so status, assignee or owner can never be set this way.
    """
    if not can_edit_fields(agent, ticket):
        raise TransitionError(f"user {agent.id} may not edit ticket {ticket.id} now")
    check_version(ticket, opened_version)

    edits = []
    for name in EDITABLE_FIELDS:
        if name not in posted:
            continue
        old_text = field_text(ticket, name)
        set_field_text(ticket, name, posted[name])
        new_text = field_text(ticket, name)
        if new_text != old_text:
            edits.append((name, old_text, new_text))
    if not edits:
        db.session.rollback()
        return []

    ticket.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise _conflict(ticket, opened_version) from None

    changes = []
    for name, old_text, new_text in edits:
        change = FieldChange(
            ticket_id=ticket.id,
            field=name,
            old_value=old_text,
            new_value=new_text,
            changed_by_id=agent.id,
            ticket_version=ticket.version,
        )
        db.session.add(change)
        changes.append(change)
        audit.record(
            "ticket.field_changed",
            actor=agent,
            ticket_id=ticket.id,
            details={"field": name, "old": old_text, "new": new_text},
        )
    db.session.commit()
    return changes


def apply_suggestion(
    agent: User,
    ticket: Ticket,
    opened_version: int,
    field_name: str,
    value: str,
    suggestion: str,
) -> list[FieldChange]:
    """Apply one suggestion the rules make now for FIELD_NAME's VALUE.

    The suggestion is looked up again rather than trusted from the form.
    For extra subjectAltNames, VALUE names the entry that is replaced.
    """
    findings = findings_by_field(ticket).get(field_name, [])
    if not any(
        finding.value == value and finding.suggestion == suggestion
        for finding in findings
    ):
        raise SuggestionNotFound(f"no such suggestion for {field_name}")

    if field_name == "extra_sans":
        names = [suggestion if name == value else name for name in ticket.extra_sans]
        new_text = "\n".join(split_names("\n".join(names)))
    else:
        new_text = suggestion
    return correct_fields(agent, ticket, opened_version, {field_name: new_text})


def approve(agent: User, ticket: Ticket, opened_version: int) -> None:
    """Make the ticket ready for download; refused while the rules find errors."""
    check_version(ticket, opened_version)
    if not can(agent, Action.APPROVE, ticket):
        raise TransitionError(f"agent {agent.id} may not approve ticket {ticket.id}")
    findings = csr.check_request(request_from_ticket(ticket))
    if csr.has_errors(findings):
        raise ApprovalRefused([f for f in findings if f.severity is csr.Severity.ERROR])
    _transition_and_commit(agent, Action.APPROVE, ticket, opened_version)


def change_status(
    agent: User, ticket: Ticket, action: Action, opened_version: int
) -> None:
    """Withdraw approval, close or reopen the ticket."""
    check_version(ticket, opened_version)
    _transition_and_commit(agent, action, ticket, opened_version)


def _transition_and_commit(
    agent: User, action: Action, ticket: Ticket, opened_version: int
) -> None:
    try:
        transition(agent, action, ticket)
        db.session.commit()
    except StaleDataError:
        raise _conflict(ticket, opened_version) from None
    logger.info("ticket %s: %s by agent %s", ticket.id, action.value, agent.id)


def reply(agent: User, ticket: Ticket, body: str, ask_customer: bool) -> None:
    """Send a reply; with ASK_CUSTOMER the ticket waits on the customer's answer."""
    if not can_reply(agent, ticket):
        raise TransitionError(f"agent {agent.id} may not reply on ticket {ticket.id}")
    if ask_customer and not can(agent, Action.REQUEST_INFO, ticket):
        raise TransitionError(f"agent {agent.id} may not ask on ticket {ticket.id}")
    opened_version = ticket.version
    add_message(agent, ticket, body, is_internal=False)
    if ask_customer:
        transition(agent, Action.REQUEST_INFO, ticket)
    try:
        db.session.commit()
    except StaleDataError:
        raise _conflict(ticket, opened_version) from None


def add_internal_note(agent: User, ticket: Ticket, body: str) -> None:
    if not can_add_internal_note(agent, ticket):
        raise TransitionError(f"user {agent.id} may not add internal notes")
    add_message(agent, ticket, body, is_internal=True)
    db.session.commit()
