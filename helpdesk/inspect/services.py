"""Read pasted CSRs and certificates, and match a certificate to a ticket's CSRs.

Reading turns every parse error in READ_ERRORS into UnreadableInput, so a
malformed upload gets a message instead of an error page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from helpdesk import audit, csr
from helpdesk.access import visible_tickets
from helpdesk.csr.names import check_dns_name
from helpdesk.extensions import db
from helpdesk.models import IssuedCsr, Ticket, User, utcnow
from helpdesk.tickets.services import request_from_ticket

logger = logging.getLogger(__name__)

# Exceptions cryptography 50 raised when the readers were fed randomly changed
# CSRs and certificates.
# NOTE: an exception type that fuzzing did not find still gives a 500 page.
READ_ERRORS = (
    ValueError,
    UnsupportedAlgorithm,
    x509.InvalidVersion,
    x509.UnsupportedGeneralNameType,
    x509.DuplicateExtension,
)


class UnreadableInput(Exception):
    """The input is not a readable CSR or certificate.

    LOOKS_LIKE names what the input seems to be instead, so the message can
    point to the right page.
    """

    CSR = "csr"
    CERTIFICATE = "certificate"
    UNKNOWN = "unknown"

    def __init__(self, looks_like: str) -> None:
        super().__init__(looks_like)
        self.looks_like = looks_like


def read_csr(data: bytes) -> csr.CsrSummary:
    """Parse a PEM or DER CSR and apply the desk's rules to it."""
    try:
        return csr.inspect_csr(data)
    except READ_ERRORS:
        is_certificate = bool(_certificates(data))
        looks_like = (
            UnreadableInput.CERTIFICATE if is_certificate else UnreadableInput.UNKNOWN
        )
        raise UnreadableInput(looks_like) from None


def _certificates(data: bytes) -> list[x509.Certificate]:
    """Return every certificate in PEM, DER or PKCS#7 (.p7b) data, or []."""
    try:
        if b"-----BEGIN PKCS7-----" in data:
            return pkcs7.load_pem_pkcs7_certificates(data)
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        if b"-----BEGIN" in data:
            return []
        try:
            return [x509.load_der_x509_certificate(data)]
        except ValueError:
            return pkcs7.load_der_pkcs7_certificates(data)
    except READ_ERRORS:
        return []


def _is_csr(data: bytes) -> bool:
    try:
        csr.inspect_csr(data)
    except READ_ERRORS:
        return False
    return True


def _key_fingerprint(certificate: x509.Certificate) -> str | None:
    try:
        return csr.public_key_sha256(certificate.public_key())
    except READ_ERRORS:
        return None


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(
            x509.BasicConstraints
        )
    except x509.ExtensionNotFound:
        return False
    except READ_ERRORS:
        return True
    return constraints.value.ca


@dataclass(frozen=True)
class ReadCertificate:
    """The certificate chosen from the input, and how many the input held."""

    summary: csr.CertificateSummary
    certificate_sha256: str
    certificate_count: int


def read_certificate(data: bytes, wanted_keys: set[str]) -> ReadCertificate:
    """Choose the server certificate in DATA and summarize it.

    A chain or PKCS#7 bundle contains several certificates in any order, so the
    one whose public key fingerprint is in WANTED_KEYS is chosen, else the
    first that is not a CA certificate, else the first.
    """
    certificates = _certificates(data)
    if not certificates:
        looks_like = UnreadableInput.CSR if _is_csr(data) else UnreadableInput.UNKNOWN
        raise UnreadableInput(looks_like)
    chosen = next(
        (c for c in certificates if _key_fingerprint(c) in wanted_keys),
        next((c for c in certificates if not _is_ca(c)), certificates[0]),
    )
    der = chosen.public_bytes(serialization.Encoding.DER)
    try:
        summary = csr.inspect_certificate(der)
    except READ_ERRORS:
        raise UnreadableInput(UnreadableInput.UNKNOWN) from None
    return ReadCertificate(
        summary=summary,
        certificate_sha256=chosen.fingerprint(hashes.SHA256()).hex(),
        certificate_count=len(certificates),
    )


def is_name_covered(name: str, certificate_names: list[str]) -> bool:
    """Return True when a certificate DNS name covers NAME, as browsers decide.

    A wildcard covers exactly one left-most label: *.example.com covers
    www.example.com but neither example.com nor a.b.example.com. A wildcard
    NAME is covered only by the same wildcard.
    """
    wanted = name.lower().rstrip(".")
    for entry in certificate_names:
        pattern = entry.lower().rstrip(".")
        if pattern == wanted:
            return True
        if pattern.startswith("*.") and not wanted.startswith("*."):
            first_label, _, rest = wanted.partition(".")
            if first_label and rest == pattern[2:]:
                return True
    return False


# Results of matching a certificate's public key against the ticket's CSRs.
MATCHES_CURRENT = "matches_current"
MATCHES_VOIDED = "matches_voided"
NO_MATCH = "no_match"
NO_CSR = "no_csr"

VALID = "valid"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True)
class CertificateCheck:
    """The result of one certificate check, for the page and the audit event."""

    read: ReadCertificate
    result: str
    matched_csr: IssuedCsr | None
    # Another ticket the viewer may see whose CSR has the certificate's key.
    other_ticket_id: int | None
    validity: str
    days_left: int
    checked_at: datetime
    common_name: str
    covers_common_name: bool
    # The certificate has no subjectAltName extension but its subject CN is the
    # Common Name. Clients ignore the subject CN, so the name is not covered.
    has_common_name_only_in_subject: bool
    # Names requested by the ticket's CSR that the certificate does not cover.
    missing_names: list[str]

    @property
    def summary(self) -> csr.CertificateSummary:
        return self.read.summary

    @property
    def matches_current_csr(self) -> bool:
        return self.result == MATCHES_CURRENT

    @property
    def matches_voided_csr(self) -> bool:
        return self.result == MATCHES_VOIDED

    @property
    def matches_no_csr(self) -> bool:
        return self.result == NO_MATCH

    @property
    def has_no_csr(self) -> bool:
        return self.result == NO_CSR

    @property
    def is_expired(self) -> bool:
        return self.validity == EXPIRED

    @property
    def is_not_yet_valid(self) -> bool:
        return self.validity == NOT_YET_VALID


def check_certificate(user: User, ticket: Ticket, data: bytes) -> CertificateCheck:
    """Match the certificate in DATA to TICKET's CSRs and audit the result.

    Raises UnreadableInput, without auditing, when DATA contains no certificate.
    """
    issued_csrs = {issued.id: issued for issued in ticket.issued_csrs}
    fingerprints = {
        issued_id: issued.public_key_sha256 for issued_id, issued in issued_csrs.items()
    }
    read = read_certificate(data, set(fingerprints.values()))
    matched = issued_csrs.get(csr.match_certificate(read.summary, fingerprints))
    result = _match_result(fingerprints, matched)
    other_ticket_id = None
    if result == NO_MATCH:
        other_ticket_id = _other_ticket_with_key(user, ticket, read.summary)

    now = utcnow()
    names = _requested_names(ticket)
    dns_names = [name for name in read.summary.sans if ":" not in name]
    covers_common_name = is_name_covered(names[0], dns_names)
    subject_common_names = [v for label, v in read.summary.subject if label == "CN"]
    check = CertificateCheck(
        read=read,
        result=result,
        matched_csr=matched,
        other_ticket_id=other_ticket_id,
        validity=_validity(read.summary, now),
        days_left=(read.summary.not_after - now).days,
        checked_at=now,
        common_name=names[0],
        covers_common_name=covers_common_name,
        has_common_name_only_in_subject=(
            not covers_common_name
            and not read.summary.sans
            and is_name_covered(names[0], subject_common_names)
        ),
        missing_names=[n for n in names if not is_name_covered(n, dns_names)],
    )
    _record_check(user, ticket, check)
    return check


def _match_result(fingerprints: dict[int, str], matched: IssuedCsr | None) -> str:
    if not fingerprints:
        return NO_CSR
    if matched is None:
        return NO_MATCH
    return MATCHES_CURRENT if matched.voided_at is None else MATCHES_VOIDED


def _other_ticket_with_key(
    user: User, ticket: Ticket, summary: csr.CertificateSummary
) -> int | None:
    visible_ids = visible_tickets(user).with_only_columns(Ticket.id)
    return db.session.scalar(
        sa.select(IssuedCsr.ticket_id)
        .where(
            IssuedCsr.public_key_sha256 == summary.public_key_sha256.lower(),
            IssuedCsr.ticket_id != ticket.id,
            IssuedCsr.ticket_id.in_(visible_ids),
        )
        .order_by(IssuedCsr.id.desc())
        .limit(1)
    )


def _requested_names(ticket: Ticket) -> list[str]:
    """Return the DNS names the ticket's CSR requests, Common Name first."""
    names = csr.subject_alt_names(request_from_ticket(ticket))
    common_name = check_dns_name("common_name", ticket.common_name).a_label
    if common_name is None:
        # An invalid Common Name is compared as typed, so the page reports it
        # as not covered.
        names.insert(0, ticket.common_name.strip().lower())
    return names


def _validity(summary: csr.CertificateSummary, now: datetime) -> str:
    if now < summary.not_before:
        return NOT_YET_VALID
    if now > summary.not_after:
        return EXPIRED
    return VALID


def _record_check(user: User, ticket: Ticket, check: CertificateCheck) -> None:
    audit.record(
        "ticket.certificate_checked",
        actor=user,
        ticket_id=ticket.id,
        details={
            "result": check.result,
            "certificate_sha256": check.read.certificate_sha256,
            "public_key_sha256": check.summary.public_key_sha256,
            "issued_csr_id": check.matched_csr.id if check.matched_csr else None,
            "other_ticket_id": check.other_ticket_id,
            "serial": check.summary.serial_hex,
            "not_after": check.summary.not_after.isoformat(),
            "validity": check.validity,
            "covers_common_name": check.covers_common_name,
        },
    )
    db.session.commit()
    logger.info(
        "certificate %s checked on ticket %s: %s",
        check.read.certificate_sha256,
        ticket.id,
        check.result,
    )


def record_private_key_rejected(user: User, page: str, ticket_id: int | None) -> None:
    """Audit that a private key was sent and rejected; nothing of the key is kept."""
    audit.record(
        "inspect.private_key_rejected",
        actor=user,
        ticket_id=ticket_id,
        details={"page": page},
    )
    db.session.commit()
    logger.warning(
        "private key rejected on the %s page for user %s; none of it was kept",
        page,
        user.id,
    )
