"""Reading the audit log for admins: filters, pages and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

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

# Labels of the recorded actions on the audit page. The raw action stays
# visible beside the label because the filter and the CSV export use it.
ACTION_LABELS = {
    "audit.exported": _l("Audit log exported"),
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "auth.password_change_failed": _l("Password change failed"),
    "auth.password_changed": _l("Password changed"),
    "auth.reauthenticate_failed": _l("Password confirmation failed"),
    "auth.reauthenticated": _l("Password confirmed"),
    "inspect.private_key_rejected": _l("Private key rejected by a check"),
    "selfservice.download_failed": _l("Self-service download failed"),
    "selfservice.downloaded": _l("Self-service key downloaded"),
    "selfservice.ticket_opened": _l("Self-service ticket opened"),
    "ticket.certificate_checked": _l("Certificate checked"),
    "ticket.claimed": _l("Ticket claimed"),
    "ticket.created": _l("Ticket opened"),
    "ticket.download_failed": _l("Key download failed"),
    "ticket.download_refused": _l("Key download refused"),
    "ticket.downloaded": _l("Key downloaded"),
    "ticket.field_changed": _l("Field corrected"),
    "ticket.internal_note": _l("Internal note added"),
    "ticket.new_key_requested": _l("New key requested"),
    "ticket.replied": _l("Reply sent"),
    "ticket.status_changed": _l("Status changed"),
    "user.created": _l("Account created"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
}

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


def details_items(details: dict | None) -> list[tuple[str, str]]:
    """Return DETAILS as sorted (key, value) pairs of text for the audit page.

    Strings are shown as they are; numbers, booleans, lists and nested
    objects as compact JSON.
    """
    items = []
    for key, value in sorted((details or {}).items()):
        if isinstance(value, str):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        items.append((key, text))
    return items


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
