"""Helpers for the customer-side tests: form data, downloads and audit look-ups."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Ticket

PASSPHRASE = "blue kettle morning 42"

# What a customer types on the inquiry template; valid and complete.
TICKET_FORM = {
    "problem_domain": "shop.example.com",
    "description": "The control panel says the CSR is invalid.",
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "",
    "common_name": "shop.example.com",
    "email_address": "admin@example.com",
    "key": "RSA-2048",
}


def post_ticket(client, **changes):
    data = dict(TICKET_FORM)
    data.update(changes)
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def field_errors(page: str, field_id: str) -> str:
    """Return the text of the error block tied to FIELD_ID, or ""."""
    match = re.search(rf'<div id="{field_id}-errors">(.*?)</div>', page, re.DOTALL)
    if match is None:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def input_value(page: str, field_id: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def ticket_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))


def audit_actions(ticket_id: int) -> list[str]:
    query = (
        sa.select(AuditEvent.action)
        .where(AuditEvent.ticket_id == ticket_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(query))


def audit_events(ticket_id: int, action: str) -> list[AuditEvent]:
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.action == action)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(query))


def download(client, ticket_id: int, passphrase: str = PASSPHRASE, **kwargs):
    return client.post(
        f"/tickets/{ticket_id}/download",
        data={"passphrase": passphrase, "passphrase_confirmation": passphrase},
        **kwargs,
    )
