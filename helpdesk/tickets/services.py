"""State changes on the customer's side, each with its audit event in one transaction.

Opening a ticket, replies, the status transitions shared with the queue, the
one-time download and the request for a new key live here. Views only parse
the request and render the result.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from helpdesk import audit, csr, uploads
from helpdesk.extensions import db
from helpdesk.models import Attachment, IssuedCsr, Message, Ticket, User, utcnow
from helpdesk.uploads import ProcessedImage
from helpdesk.workflow import Action, Status, apply

logger = logging.getLogger(__name__)


class PrivateKeyInText(ValueError):
    """A reply or description contains a PEM private key and was not stored."""


class DownloadRefused(Exception):
    """The ticket was not claimed for download. REASON is one of the constants below."""

    ALREADY_DELIVERED = "already_delivered"
    EXPIRED = "expired"
    NOT_READY = "not_ready"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeliveryFailed(Exception):
    """Building the key, CSR or ZIP failed, and the ticket was made ready again."""


@dataclass(frozen=True)
class TicketInput:
    """The customer's input on the inquiry template, kept exactly as typed."""

    problem_domain: str
    description: str
    country: str
    state: str
    locality: str
    organization: str
    organizational_unit: str
    common_name: str
    email_address: str
    key_type: str
    key_size: int


def process_screenshot(file_storage: FileStorage | None) -> ProcessedImage | None:
    """Validate and re-encode an uploaded screenshot, or return None without a file.

    Raises UploadError with a message that names the file and the fix.
    """
    return uploads.process_screenshot(
        file_storage,
        max_bytes=current_app.config["SCREENSHOT_MAX_BYTES"],
        max_pixels=current_app.config["SCREENSHOT_MAX_PIXELS"],
    )


def reject_private_key(text: str) -> None:
    if csr.contains_private_key(text):
        raise PrivateKeyInText("the text contains a PEM private key")


def request_from_ticket(ticket: Ticket) -> csr.CsrRequest:
    return csr.CsrRequest(
        country=ticket.country,
        state=ticket.state,
        locality=ticket.locality,
        organization=ticket.organization,
        organizational_unit=ticket.organizational_unit,
        common_name=ticket.common_name,
        email_address=ticket.email_address,
        key_type=ticket.key_type,
        key_size=ticket.key_size,
        problem_domain=ticket.problem_domain,
        include_ou_in_subject=ticket.include_ou_in_subject,
        include_email_in_subject=ticket.include_email_in_subject,
        extra_sans=tuple(ticket.extra_sans or ()),
        add_www_variant=ticket.add_www_variant,
    )


def open_ticket(
    customer: User, typed: TicketInput, screenshot: ProcessedImage | None = None
) -> Ticket:
    """Store a new ticket as the customer typed it, with an optional screenshot."""
    reject_private_key(typed.description)
    ticket = Ticket(
        customer_id=customer.id,
        hosting_account_id=customer.hosting_account_id or "",
        status=Status.SUBMITTED,
        **dataclasses.asdict(typed),
    )
    db.session.add(ticket)
    db.session.flush()
    if screenshot is not None:
        _attach_screenshot(customer, ticket, screenshot)

    audit.record(
        "ticket.created",
        actor=customer,
        ticket_id=ticket.id,
        details={
            "problem_domain": ticket.problem_domain,
            "common_name": ticket.common_name,
            "key": f"{ticket.key_type}-{ticket.key_size}",
            "has_screenshot": screenshot is not None,
        },
    )
    db.session.commit()
    logger.info("ticket %s opened by user %s", ticket.id, customer.id)
    return ticket


def _attach_screenshot(
    uploader: User, ticket: Ticket, image: ProcessedImage
) -> Attachment:
    attachment = Attachment(
        public_id=secrets.token_urlsafe(32),
        ticket_id=ticket.id,
        uploader_id=uploader.id,
        original_filename=(image.original_filename or "")[:255],
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(image.data),
        data=image.data,
    )
    db.session.add(attachment)
    return attachment


def visible_messages(ticket: Ticket, include_internal: bool) -> list[Message]:
    """Return the ticket's messages, leaving out internal notes unless asked."""
    query = sa.select(Message).where(Message.ticket_id == ticket.id)
    if not include_internal:
        query = query.where(Message.is_internal.is_(False))
    return list(db.session.scalars(query.order_by(Message.id)))


def add_message(author: User, ticket: Ticket, body: str, is_internal: bool) -> Message:
    """Append a reply or internal note and its audit event. The caller commits."""
    reject_private_key(body)
    message = Message(
        ticket_id=ticket.id, author_id=author.id, body=body, is_internal=is_internal
    )
    db.session.add(message)
    db.session.flush()
    audit.record(
        "ticket.internal_note" if is_internal else "ticket.replied",
        actor=author,
        ticket_id=ticket.id,
        details={"message_id": message.id, "length": len(body)},
    )
    return message


def add_customer_reply(customer: User, ticket: Ticket, body: str) -> Message:
    """Store the customer's reply and send a ticket waiting on them back to review."""
    message = add_message(customer, ticket, body, is_internal=False)
    if ticket.status == Status.WAITING_ON_CUSTOMER:
        transition(customer, Action.CUSTOMER_REPLIED, ticket)
    db.session.commit()
    return message


def transition(user: User | None, action: Action, ticket: Ticket) -> Status:
    """Apply a workflow action with its side effects and audit event.

    Raises workflow.TransitionError when USER may not take ACTION now. The
    caller commits; the version column makes a concurrent change fail the
    flush with StaleDataError.
    """
    previous = apply(user, action, ticket)
    now = utcnow()
    if ticket.status == Status.READY:
        ticket.ready_at = now
    if ticket.status == Status.CLOSED:
        ticket.closed_at = now
    if previous == Status.CLOSED:
        ticket.closed_at = None
    ticket.updated_at = now

    if action == Action.CLAIM:
        audit.record("ticket.claimed", actor=user, ticket_id=ticket.id)
    if action == Action.APPROVE:
        _void_replaced_csr(user, ticket, now)
    audit.record(
        "ticket.status_changed",
        actor=user,
        ticket_id=ticket.id,
        details={"from": previous.value, "to": ticket.status, "action": action.value},
    )
    db.session.flush()
    return previous


def _void_replaced_csr(agent: User | None, ticket: Ticket, now: datetime) -> None:
    """Void the CSR of a reopened, delivered ticket that is approved again.

    The next download makes a new key, and a ticket has at most one current
    CSR, so the one delivered before reopening stops being current here.
    """
    replaced = ticket.current_csr
    if replaced is None:
        return
    replaced.voided_at = now
    replaced.void_reason = "The ticket was approved again, so a new key replaces it."
    audit.record(
        "ticket.csr_voided",
        actor=agent,
        ticket_id=ticket.id,
        details={
            "voided_issued_csr_id": replaced.id,
            "voided_public_key_sha256": replaced.public_key_sha256,
        },
    )


def download_deadline_passed(ticket: Ticket, now: datetime | None = None) -> bool:
    """Return True when a ready ticket's download window has closed."""
    if ticket.status != Status.READY or ticket.ready_at is None:
        return False
    return ticket.ready_at <= _ready_cutoff(now or utcnow())


def download_refusal_reason(ticket: Ticket) -> str | None:
    """Return why TICKET cannot be downloaded now, or None when it can."""
    if ticket.status == Status.READY and ticket.ready_at is not None:
        return DownloadRefused.EXPIRED if download_deadline_passed(ticket) else None
    if ticket.delivered_at is not None or ticket.current_csr is not None:
        return DownloadRefused.ALREADY_DELIVERED
    return DownloadRefused.NOT_READY


def _ready_cutoff(now: datetime) -> datetime:
    return now - timedelta(hours=current_app.config["READY_TTL_HOURS"])


def deliver_key(customer: User, ticket_id: int, passphrase: str) -> csr.Delivery:
    """Claim a ready ticket, build its key, CSR and ZIP in memory, and record them.

    Only the request whose conditional UPDATE changes the row builds anything;
    every other gets DownloadRefused. A failure while building puts the ticket
    back to ready and raises DeliveryFailed. The passphrase is passed to the
    CSR core and nowhere else.
    """
    claimed_version = _claim_for_download(customer, ticket_id)
    ticket = db.session.get(Ticket, ticket_id, populate_existing=True)
    csr_request = request_from_ticket(ticket)
    kdf_rounds = current_app.config["KEY_KDF_ROUNDS"]
    # The claim is committed, so no transaction (and no SQLite write lock) is
    # held while the key is generated.
    db.session.commit()

    try:
        delivery = csr.build_delivery(csr_request, passphrase, kdf_rounds=kdf_rounds)
    except Exception as error:
        # Whatever failed, the claim must be released before the error is
        # reported; DeliveryFailed carries no text of the original error.
        db.session.rollback()
        _release_claim(ticket_id, claimed_version, error)
        raise DeliveryFailed(ticket_id) from None

    issued = IssuedCsr(
        ticket_id=ticket_id,
        csr_pem=delivery.csr_pem,
        public_key_sha256=delivery.public_key_sha256,
        key_type=delivery.key_type,
        key_size=delivery.key_size,
        delivered_at=utcnow(),
        delivered_by_id=customer.id,
    )
    db.session.add(issued)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        # The database allows one current CSR per ticket. Should a path ever
        # leave an old one current, the customer gets no ZIP, so the ticket
        # must go back to ready rather than stay delivered with nothing on file.
        db.session.rollback()
        _release_claim(ticket_id, claimed_version, error)
        raise DeliveryFailed(ticket_id) from None
    audit.record(
        "ticket.downloaded",
        actor=customer,
        ticket_id=ticket_id,
        details={
            "issued_csr_id": issued.id,
            "public_key_sha256": delivery.public_key_sha256,
            "key": f"{delivery.key_type}-{delivery.key_size}",
        },
    )
    db.session.commit()
    logger.info("ticket %s delivered, key %s", ticket_id, delivery.public_key_sha256)
    return delivery


def _claim_for_download(customer: User, ticket_id: int) -> int:
    """Move the ticket from ready to delivered with one conditional UPDATE.

    Returns the new version. Raises DownloadRefused, after auditing it, when
    the row did not change: already delivered, expired or not ready.
    """
    now = utcnow()
    claim = (
        sa.update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.customer_id == customer.id,
            Ticket.status == Status.READY,
            Ticket.ready_at > _ready_cutoff(now),
        )
        .values(
            status=Status.DELIVERED,
            version=Ticket.version + 1,
            delivered_at=now,
            delivered_by_id=customer.id,
            updated_at=now,
        )
        .returning(Ticket.version)
        .execution_options(synchronize_session=False)
    )
    claimed_version = db.session.execute(claim).scalar_one_or_none()
    if claimed_version is None:
        db.session.rollback()
        raise _refuse_download(customer, ticket_id)

    audit.record(
        "ticket.status_changed",
        actor=customer,
        ticket_id=ticket_id,
        details={
            "from": Status.READY.value,
            "to": Status.DELIVERED.value,
            "action": Action.DELIVER.value,
        },
    )
    return claimed_version


def _refuse_download(customer: User, ticket_id: int) -> DownloadRefused:
    """Audit a download that claimed nothing and return the exception to raise."""
    ticket = db.session.get(Ticket, ticket_id, populate_existing=True)
    # NOTE: None means the ticket is ready again: another request claimed it
    # and released it after a failed build. The customer may simply retry.
    reason = download_refusal_reason(ticket) or DownloadRefused.NOT_READY
    audit.record(
        "ticket.download_refused",
        actor=customer,
        ticket_id=ticket_id,
        details={"reason": reason, "status": ticket.status},
    )
    db.session.commit()
    return DownloadRefused(reason)


def _release_claim(ticket_id: int, claimed_version: int, error: Exception) -> None:
    """Put a claimed ticket back to ready, unless something else changed it since."""
    release = (
        sa.update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.status == Status.DELIVERED,
            Ticket.version == claimed_version,
        )
        .values(
            status=Status.READY,
            version=Ticket.version + 1,
            delivered_at=None,
            delivered_by_id=None,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    released = db.session.execute(release).rowcount == 1
    # Only the exception's class is kept: its text could quote request values.
    audit.record(
        "ticket.download_failed",
        ticket_id=ticket_id,
        details={"error": type(error).__name__, "released": released},
    )
    db.session.commit()
    logger.error(
        "building the delivery of ticket %s failed with %s; ticket released: %s",
        ticket_id,
        type(error).__name__,
        released,
    )


def request_new_key(customer: User, ticket: Ticket) -> IssuedCsr | None:
    """Void the current CSR and make the ticket ready for a new download.

    Raises workflow.TransitionError when the ticket is not delivered or not
    the customer's, and StaleDataError when it changed concurrently.
    """
    voided = ticket.current_csr
    transition(customer, Action.REQUEST_NEW_KEY, ticket)
    ticket.delivered_at = None
    ticket.delivered_by_id = None
    if voided is not None:
        voided.voided_at = utcnow()
        voided.void_reason = "The customer requested a new key."
    audit.record(
        "ticket.new_key_requested",
        actor=customer,
        ticket_id=ticket.id,
        details={
            "voided_issued_csr_id": voided.id if voided else None,
            "voided_public_key_sha256": voided.public_key_sha256 if voided else None,
        },
    )
    db.session.commit()
    return voided


def expire_ready_tickets() -> list[int]:
    """Send ready tickets past their download window back to review.

    Returns the ids of the tickets moved. A ticket downloaded or changed
    while this runs keeps its new state.
    """
    cutoff = _ready_cutoff(utcnow())
    candidates = db.session.scalars(
        sa.select(Ticket.id).where(
            Ticket.status == Status.READY, Ticket.ready_at <= cutoff
        )
    ).all()
    db.session.commit()

    expired = []
    for ticket_id in candidates:
        ticket = db.session.get(Ticket, ticket_id)
        if not download_deadline_passed(ticket):
            db.session.rollback()
            continue
        try:
            transition(None, Action.EXPIRE, ticket)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            continue
        expired.append(ticket_id)
        logger.info("ticket %s expired back to review", ticket_id)
    return expired
