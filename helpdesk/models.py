"""Database models: accounts, tickets and their history, issued CSRs, audit events.

No column stores a private key, a passphrase or a ZIP archive.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp; SQLite drops the offset, so reads restore it."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Role:
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"
    ALL = (CUSTOMER, AGENT, ADMIN)
    STAFF = (AGENT, ADMIN)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.CUSTOMER)
    # The hosting account ID is a customer's; staff accounts leave it empty.
    hosting_account_id: Mapped[str | None] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Raised on sign-out, password change and deactivation; a session that
    # carries an older value is rejected, which ends copied cookies too.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_agent(self) -> bool:
        return self.role == Role.AGENT

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in Role.STAFF


class Ticket(db.Model):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(32), index=True)

    hosting_account_id: Mapped[str] = mapped_column(sa.String(64))
    problem_domain: Mapped[str] = mapped_column(sa.String(253))
    description: Mapped[str] = mapped_column(sa.Text)

    # The CSR subject as the customer typed it and the agent corrected it.
    country: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(256))
    locality: Mapped[str] = mapped_column(sa.String(256))
    organization: Mapped[str] = mapped_column(sa.String(256))
    organizational_unit: Mapped[str] = mapped_column(sa.String(256), default="")
    common_name: Mapped[str] = mapped_column(sa.String(256))
    email_address: Mapped[str] = mapped_column(sa.String(256), default="")
    key_type: Mapped[str] = mapped_column(sa.String(8), default="RSA")
    key_size: Mapped[int] = mapped_column(default=2048)

    # Choices the agent makes for the CSR that is built.
    include_ou_in_subject: Mapped[bool] = mapped_column(default=False)
    include_email_in_subject: Mapped[bool] = mapped_column(default=False)
    # Adds www.<apex> for an apex Common Name, or the apex for www.<apex>.
    add_www_variant: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    extra_sans: Mapped[list] = mapped_column(sa.JSON, default=list)

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, onupdate=utcnow
    )
    ready_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # Optimistic locking: an UPDATE carries the version it read, so a second
    # agent's stale save changes no row and is refused.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    customer: Mapped[User] = relationship(foreign_keys=[customer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    delivered_by: Mapped[User | None] = relationship(foreign_keys=[delivered_by_id])
    messages: Mapped[list[Message]] = relationship(
        back_populates="ticket", order_by="Message.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", order_by="Attachment.id"
    )
    field_changes: Mapped[list[FieldChange]] = relationship(
        back_populates="ticket", order_by="FieldChange.id"
    )
    issued_csrs: Mapped[list[IssuedCsr]] = relationship(
        back_populates="ticket", order_by="IssuedCsr.id"
    )

    @property
    def current_csr(self) -> IssuedCsr | None:
        for issued in reversed(self.issued_csrs):
            if issued.voided_at is None:
                return issued
        return None


class FieldChange(db.Model):
    """One correction of a ticket field: old value, new value, who and when."""

    __tablename__ = "field_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(64))
    old_value: Mapped[str] = mapped_column(sa.Text)
    new_value: Mapped[str] = mapped_column(sa.Text)
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The ticket version this change produced, so an agent whose form was
    # opened at an older version can be shown what changed since; 0 on rows
    # written before the column existed.
    ticket_version: Mapped[int] = mapped_column(default=0, server_default="0")

    ticket: Mapped[Ticket] = relationship(back_populates="field_changes")
    changed_by: Mapped[User] = relationship()


class Message(db.Model):
    """A reply on a ticket, or an internal note that only staff can read."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    is_internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class Attachment(db.Model):
    """A screenshot, stored as re-encoded image bytes under a random public id."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(43), unique=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    uploader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    original_filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content_type: Mapped[str] = mapped_column(sa.String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class IssuedCsr(db.Model):
    """A CSR handed to the customer, with the fingerprint of its public key."""

    __tablename__ = "issued_csrs"
    # At most one CSR per ticket is current (not voided): the database enforces
    # the one-time delivery even if two requests got past the status check.
    __table_args__ = (
        sa.Index(
            "uq_issued_csrs_current_per_ticket",
            "ticket_id",
            unique=True,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    csr_pem: Mapped[str] = mapped_column(sa.Text)
    # Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo.
    public_key_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    key_type: Mapped[str] = mapped_column(sa.String(8))
    key_size: Mapped[int]
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str] = mapped_column(sa.String(255), default="")

    ticket: Mapped[Ticket] = relationship(back_populates="issued_csrs")
    delivered_by: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """An append-only, hash-chained record of something that happened."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Role and email are copied so the record stays readable if the account changes.
    actor_role: Mapped[str] = mapped_column(sa.String(20), default="")
    actor_email: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tickets.id"), index=True
    )
    target_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Unique, so two events can never follow the same predecessor (a fork).
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    event_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
