"""Helpers for the agent-side tests: reading tickets back and audit look-ups."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, FieldChange, Ticket


def reload(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def audit_events(ticket_id: int, action: str) -> list[AuditEvent]:
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.action == action)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(query))


def field_changes(ticket_id: int) -> list[FieldChange]:
    query = sa.select(FieldChange).where(FieldChange.ticket_id == ticket_id)
    return list(db.session.scalars(query.order_by(FieldChange.id)))


def page_text(response) -> str:
    """Return the visible text of a page, tags removed and spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"\s+", " ", html.unescape(text))


def correction_data(ticket: Ticket, **changes) -> dict:
    """Return the correction form as the review page fills it, with CHANGES."""
    data = {
        "version": ticket.version,
        "problem_domain": ticket.problem_domain,
        "country": ticket.country,
        "state": ticket.state,
        "locality": ticket.locality,
        "organization": ticket.organization,
        "organizational_unit": ticket.organizational_unit,
        "common_name": ticket.common_name,
        "email_address": ticket.email_address,
        "key": f"{ticket.key_type}-{ticket.key_size}",
        "extra_sans": "\n".join(ticket.extra_sans or ()),
    }
    for flag in (
        "include_ou_in_subject",
        "include_email_in_subject",
        "add_www_variant",
    ):
        if getattr(ticket, flag):
            data[flag] = "y"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
