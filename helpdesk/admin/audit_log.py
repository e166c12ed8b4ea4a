"""Reading the audit log for admins: filters, pages and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, User

# A spreadsheet runs a cell that starts with one of these as a formula
# (tab and carriage return can start one after the program trims them).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

CSV_COLUMNS = (
    "id",
    "created_at_utc",
    "actor_email",
    "actor_role",
    "action",
    "ticket_id",
    "target_user_id",
    "ip_address",
    "details",
    "prev_hash",
    "event_hash",
)

# Events read per query while exporting. Each batch is its own short read
# transaction, so an export does not hold SQLite's lock for its whole run.
EXPORT_BATCH_SIZE = 500


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    ticket_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_form(cls, form) -> AuditFilter:
        return cls(
            actor=(form.actor.data or "").strip().lower(),
            action=(form.action.data or "").strip(),
            ticket_id=int(form.ticket_id.data) if form.ticket_id.data else None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )

    def as_query_args(self) -> dict[str, str]:
        """Return the filter as form fields; empty ones are left out."""
        values = {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in asdict(self).items()
            if value not in ("", None)
        }
        return values


def neutralize_cell(value: object) -> str:
    """Return VALUE as CSV text that no spreadsheet runs as a formula.

    A value whose first non-space character could start a formula gets a
    leading apostrophe, which spreadsheets show as text.
    """
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _filtered(audit_filter: AuditFilter) -> sa.Select:
    query = sa.select(AuditEvent)
    if audit_filter.actor:
        pattern = (
            audit_filter.actor.replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_")
        )
        query = query.where(AuditEvent.actor_email.ilike(f"%{pattern}%", escape="\\"))
    if audit_filter.action:
        query = query.where(AuditEvent.action == audit_filter.action)
    if audit_filter.ticket_id is not None:
        query = query.where(AuditEvent.ticket_id == audit_filter.ticket_id)
    if audit_filter.date_from:
        start = datetime.combine(audit_filter.date_from, time.min, tzinfo=UTC)
        query = query.where(AuditEvent.created_at >= start)
    if audit_filter.date_to:
        # The last instant of the day, because adding a day to 9999-12-31
        # overflows Python's date.
        end = datetime.combine(audit_filter.date_to, time.max, UTC)
        query = query.where(AuditEvent.created_at <= end)
    return query


def newest_first(audit_filter: AuditFilter) -> sa.Select:
    return _filtered(audit_filter).order_by(AuditEvent.id.desc())


def known_actions() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        )
    )


def target_emails(events: Iterable[AuditEvent]) -> dict[int, str]:
    """Map each target user id among EVENTS to that account's email address."""
    ids = {event.target_user_id for event in events if event.target_user_id}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.email).where(User.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


def details_text(details: dict | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True)


def _csv_row(event: AuditEvent) -> list[str]:
    values = (
        event.id,
        event.created_at.isoformat(timespec="microseconds"),
        event.actor_email,
        event.actor_role,
        event.action,
        event.ticket_id,
        event.target_user_id,
        event.ip_address,
        details_text(event.details),
        event.prev_hash,
        event.event_hash,
    )
    return [neutralize_cell(value) for value in values]


def export_csv(audit_filter: AuditFilter) -> Iterator[str]:
    """Yield the filtered events as CSV text, oldest first.

    The first chunk starts with a UTF-8 byte order mark so that Excel reads
    Korean text correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()

    last_id = 0
    while True:
        query = (
            _filtered(audit_filter)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(EXPORT_BATCH_SIZE)
        )
        events = db.session.scalars(query).all()
        if not events:
            break
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(_csv_row(event) for event in events)
        last_id = events[-1].id
        db.session.rollback()
        yield buffer.getvalue()
