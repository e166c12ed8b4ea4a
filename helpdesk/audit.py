"""The audit log: record() appends a hash-chained event, verify() checks the chain.

Each event stores the SHA-256 of its canonical content, which includes the
previous event's hash, so a changed, inserted or removed event breaks the
chain from that point on. Appends are serialized (BEGIN IMMEDIATE on SQLite,
a transaction-scoped advisory lock on PostgreSQL) so two writers never fork it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, User, utcnow

GENESIS_HASH = "0" * 64

# Arbitrary constant naming the PostgreSQL advisory lock that guards appends.
_PG_LOCK_KEY = 0x43535244


def canonical_content(event: AuditEvent) -> bytes:
    content = {
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "actor_email": event.actor_email,
        "action": event.action,
        "ticket_id": event.ticket_id,
        "target_user_id": event.target_user_id,
        "ip_address": event.ip_address,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode("ascii")


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_content(event)).hexdigest()


def _lock_chain() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
        )


def _head_hash() -> str:
    head = db.session.scalar(
        sa.select(AuditEvent.event_hash).order_by(AuditEvent.id.desc()).limit(1)
    )
    return head or GENESIS_HASH


def record(
    action: str,
    *,
    actor: User | None = None,
    ticket_id: int | None = None,
    target_user_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append an audit event to the current transaction; the caller commits.

    ACTOR defaults to the signed-in user. DETAILS must be JSON-serializable
    and must never hold a secret (password, passphrase, key, session token).
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()

    ip_address = ""
    if has_request_context():
        ip_address = request.remote_addr or ""

    _lock_chain()
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "",
        actor_email=actor.email if actor else "",
        action=action,
        ticket_id=ticket_id,
        target_user_id=target_user_id,
        ip_address=ip_address,
        details=details or {},
        prev_hash=_head_hash(),
    )
    event.event_hash = compute_hash(event)
    db.session.add(event)
    db.session.flush()
    return event


# Why verify() stopped: the link to the event before, or the event's content.
BROKEN_LINK = "link"
BROKEN_CONTENT = "content"


@dataclass(frozen=True)
class ChainReport:
    """The result of verify(); HEAD_* name the last event checked and found intact."""

    is_intact: bool
    checked: int
    head_id: int | None
    head_hash: str
    broken_id: int | None = None
    problem: str = ""
    broken_part: str = ""


def verify() -> ChainReport:
    """Walk the chain in id order and report the first broken event, if any.

    NOTE: removing the newest events, or rewriting every event from some
    point on, leaves an intact chain. Only a head hash recorded earlier,
    outside the database, shows that.
    """
    query = (
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)
    )
    # Closed explicitly: on PostgreSQL yield_per opens a server-side cursor,
    # which must not outlive an early return.
    events = db.session.scalars(query)
    try:
        return _walk_chain(events)
    finally:
        events.close()


def _walk_chain(events) -> ChainReport:
    previous_hash = GENESIS_HASH
    checked = 0
    last_id = None
    for event in events:
        if event.prev_hash != previous_hash:
            return ChainReport(
                False,
                checked,
                last_id,
                previous_hash,
                event.id,
                "previous-hash link does not match the event before it",
                BROKEN_LINK,
            )
        if compute_hash(event) != event.event_hash:
            return ChainReport(
                False,
                checked,
                last_id,
                previous_hash,
                event.id,
                "content does not match its stored hash",
                BROKEN_CONTENT,
            )
        previous_hash = event.event_hash
        last_id = event.id
        checked += 1
    return ChainReport(True, checked, last_id, previous_hash)
