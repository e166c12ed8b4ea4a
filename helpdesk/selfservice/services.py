"""Self-service state changes: record a download, or hand the request to an agent.

A self-service download is recorded as a ticket created in the delivered
state, with the CSR (public) and its public key fingerprint in an IssuedCsr
row. The certificate check can then match the certificate the CA issues
later, and the customer can request a new key on it like on any delivered
ticket. The private key, the passphrase and the ZIP are never stored.
"""

from __future__ import annotations

import logging

from flask import current_app

from helpdesk import audit, csr
from helpdesk.extensions import db
from helpdesk.models import IssuedCsr, Ticket, User, utcnow
from helpdesk.tickets import services as ticket_services
from helpdesk.tickets.fields import MAX_LENGTHS, key_value
from helpdesk.workflow import Status

logger = logging.getLogger(__name__)


class GenerationFailed(Exception):
    """Building the key, CSR or ZIP failed; nothing was delivered or stored."""


def deliver(
    customer: User, request: csr.CsrRequest, passphrase: str, description: str
) -> tuple[csr.Delivery, Ticket]:
    """Build the key, CSR and ZIP in memory and record the CSR on a delivered ticket.

    Raises csr.CsrError when the request or the passphrase breaks a rule, and
    GenerationFailed (audited, without the original error's text) when
    building fails for another reason. The passphrase goes to the CSR core
    and nowhere else.
    """
    kdf_rounds = current_app.config["KEY_KDF_ROUNDS"]
    try:
        delivery = csr.build_delivery(request, passphrase, kdf_rounds=kdf_rounds)
    except csr.CsrError:
        raise
    except Exception as error:
        # Only the class is kept: an exception's text can quote its inputs.
        _record_failure(customer, request, type(error).__name__)
        raise GenerationFailed() from None

    ticket = _record_delivery(customer, request, delivery, description)
    logger.info(
        "self-service ticket %s delivered to user %s, key %s",
        ticket.id,
        customer.id,
        delivery.public_key_sha256,
    )
    return delivery, ticket


def _record_delivery(
    customer: User, request: csr.CsrRequest, delivery: csr.Delivery, description: str
) -> Ticket:
    now = utcnow()
    ticket = Ticket(
        customer_id=customer.id,
        hosting_account_id=customer.hosting_account_id or "",
        status=Status.DELIVERED,
        problem_domain=request.common_name,
        description=description,
        country=request.country,
        state=request.state,
        locality=request.locality,
        organization=request.organization,
        organizational_unit=request.organizational_unit,
        common_name=request.common_name,
        email_address=request.email_address,
        key_type=request.key_type,
        key_size=request.key_size,
        add_www_variant=request.add_www_variant,
        delivered_at=now,
        delivered_by_id=customer.id,
    )
    db.session.add(ticket)
    db.session.flush()
    issued = IssuedCsr(
        ticket_id=ticket.id,
        csr_pem=delivery.csr_pem,
        public_key_sha256=delivery.public_key_sha256,
        key_type=delivery.key_type,
        key_size=delivery.key_size,
        delivered_at=now,
        delivered_by_id=customer.id,
    )
    db.session.add(issued)
    db.session.flush()
    audit.record(
        "selfservice.downloaded",
        actor=customer,
        ticket_id=ticket.id,
        details={
            "issued_csr_id": issued.id,
            "public_key_sha256": delivery.public_key_sha256,
            "key": key_value(delivery.key_type, delivery.key_size),
            "common_name": request.common_name,
        },
    )
    db.session.commit()
    return ticket


def _record_failure(customer: User, request: csr.CsrRequest, error_name: str) -> None:
    db.session.rollback()
    audit.record(
        "selfservice.download_failed",
        actor=customer,
        details={
            "error": error_name,
            "common_name": request.common_name,
            "key": key_value(request.key_type, request.key_size),
        },
    )
    db.session.commit()
    logger.error(
        "self-service key generation for user %s failed with %s",
        customer.id,
        error_name,
    )


def open_ticket(
    customer: User, request: csr.CsrRequest, description: str, reason: str
) -> Ticket:
    """Open a ticket with the self-service values for an agent to correct.

    REASON is "rules" when a rule failed or "generation_failed" when building
    the key failed. DESCRIPTION already contains the findings or the failure.
    The Common Name doubles as the problem domain, because it names the site
    the certificate is for.
    """
    typed = ticket_services.TicketInput(
        problem_domain=request.common_name,
        description=description[: MAX_LENGTHS["description"]],
        country=request.country,
        state=request.state,
        locality=request.locality,
        organization=request.organization,
        organizational_unit=request.organizational_unit,
        common_name=request.common_name,
        email_address=request.email_address,
        key_type=request.key_type,
        key_size=request.key_size,
    )
    ticket = ticket_services.open_ticket(customer, typed)
    # TicketInput has no www flag, so it is set on the stored ticket.
    ticket.add_www_variant = request.add_www_variant
    audit.record(
        "selfservice.ticket_opened",
        actor=customer,
        ticket_id=ticket.id,
        details={"reason": reason, "add_www_variant": request.add_www_variant},
    )
    db.session.commit()
    return ticket
