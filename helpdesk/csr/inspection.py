"""Read CSRs and certificates made elsewhere and apply the desk's rules to them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import ExtensionOID, NameOID

from helpdesk.csr.builder import public_key_sha256
from helpdesk.csr.findings import N_, CsrError, Finding, error, warning
from helpdesk.csr.keys import CURVE_SIZES, check_key
from helpdesk.csr.names import check_dns_name
from helpdesk.csr.rules import check_field

ATTRIBUTE_NAMES = {
    NameOID.COUNTRY_NAME: "C",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.LOCALITY_NAME: "L",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.COMMON_NAME: "CN",
    NameOID.EMAIL_ADDRESS: "emailAddress",
}
FIELDS_BY_ATTRIBUTE = {
    "C": "country",
    "ST": "state",
    "L": "locality",
    "O": "organization",
}
ACCEPTED_SIGNATURE_HASHES = frozenset({"sha256", "sha384", "sha512"})
PRIVATE_KEY_BLOCK = re.compile(
    r"-{5}\s*BEGIN\s+(?:[A-Z0-9]+\s+)*PRIVATE\s+KEY\s*-{5}", re.IGNORECASE
)
PEM_BLOCK = "-----BEGIN"
CSR_PEM_LABELS = (b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST")


@dataclass(frozen=True)
class CsrSummary:
    """The parts of a CSR an agent checks, with the rules' findings on them."""

    subject: list[tuple[str, str]]
    sans: list[str]
    key_type: str
    key_size: int
    signature_algorithm: str
    public_key_sha256: str
    is_signature_valid: bool
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class CertificateSummary:
    """The parts of an issued certificate the desk shows and matches to a CSR."""

    subject: list[tuple[str, str]]
    issuer: list[tuple[str, str]]
    sans: list[str]
    not_before: datetime
    not_after: datetime
    serial_hex: str
    public_key_sha256: str
    key_type: str
    key_size: int


def contains_private_key(text: str) -> bool:
    """Return True when the text contains a PEM private key block of any kind.

    This matches RSA, EC, DSA, PKCS#8 (plain and encrypted) and OpenSSH
    headers, also when a mail client changed their case or spacing.
    """
    return PRIVATE_KEY_BLOCK.search(text) is not None


def inspect_csr(data: bytes | str) -> CsrSummary:
    """Parse a PEM or DER CSR and check it against the desk's rules."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    try:
        if PEM_BLOCK.encode() in raw:
            csr = x509.load_pem_x509_csr(_pem_block(raw, CSR_PEM_LABELS))
        else:
            csr = x509.load_der_x509_csr(raw)
    except ValueError as exc:
        raise CsrError(
            "The file is not a readable CSR. Upload the .csr file in PEM form "
            "(starting with -----BEGIN CERTIFICATE REQUEST-----) or DER form."
        ) from exc

    subject = _name_pairs(csr.subject)
    sans = _san_strings(csr.extensions)
    key_type, key_size = describe_public_key(csr.public_key())
    signature_algorithm = _signature_name(csr)
    is_signature_valid = csr.is_signature_valid

    findings = _check_subject(subject, sans)
    findings.extend(check_key(key_type, key_size))
    findings.extend(_check_signature(csr, signature_algorithm, is_signature_valid))
    return CsrSummary(
        subject=subject,
        sans=sans,
        key_type=key_type,
        key_size=key_size,
        signature_algorithm=signature_algorithm,
        public_key_sha256=public_key_sha256(csr.public_key()),
        is_signature_valid=is_signature_valid,
        findings=findings,
    )


def inspect_certificate(data: bytes | str) -> CertificateSummary:
    """Parse a PEM or DER certificate."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    try:
        if PEM_BLOCK.encode() in raw:
            certificate = x509.load_pem_x509_certificate(
                _pem_block(raw, (b"CERTIFICATE",))
            )
        else:
            certificate = x509.load_der_x509_certificate(raw)
    except ValueError as exc:
        raise CsrError(
            "The file is not a readable certificate. Upload the certificate in "
            "PEM form (starting with -----BEGIN CERTIFICATE-----) or DER form."
        ) from exc
    key_type, key_size = describe_public_key(certificate.public_key())
    return CertificateSummary(
        subject=_name_pairs(certificate.subject),
        issuer=_name_pairs(certificate.issuer),
        sans=_san_strings(certificate.extensions),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        serial_hex=format(certificate.serial_number, "x"),
        public_key_sha256=public_key_sha256(certificate.public_key()),
        key_type=key_type,
        key_size=key_size,
    )


def match_certificate(
    certificate: CertificateSummary, fingerprints: dict[int, str]
) -> int | None:
    """Return the CSR id whose public key fingerprint the certificate carries."""
    wanted = certificate.public_key_sha256.lower()
    for csr_id, fingerprint in fingerprints.items():
        if fingerprint.lower() == wanted:
            return csr_id
    return None


def describe_public_key(public_key: PublicKeyTypes) -> tuple[str, int]:
    """Return the key type ("RSA", "EC" or the algorithm name) and size in bits."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return "RSA", public_key.key_size
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "EC", CURVE_SIZES.get(public_key.curve.name, public_key.key_size)
    return type(public_key).__name__.removesuffix("PublicKey").lstrip("_"), 0


def _pem_block(raw: bytes, labels: tuple[bytes, ...]) -> bytes:
    # Pasted text often carries mail quoting or other blocks around the one we
    # want, so cut out the first block with an expected label.
    for label in labels:
        begin = b"-----BEGIN " + label + b"-----"
        end = b"-----END " + label + b"-----"
        start = raw.find(begin)
        stop = raw.find(end, start)
        if start >= 0 and stop >= 0:
            return raw[start : stop + len(end)]
    return raw


def _name_pairs(name: x509.Name) -> list[tuple[str, str]]:
    pairs = []
    for attribute in name:
        label = ATTRIBUTE_NAMES.get(attribute.oid, attribute.oid.dotted_string)
        value = attribute.value
        pairs.append((label, value if isinstance(value, str) else value.hex()))
    return pairs


def _san_strings(extensions: x509.Extensions) -> list[str]:
    try:
        san = extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except x509.ExtensionNotFound:
        return []
    names = []
    for general_name in san.value:
        if isinstance(general_name, x509.DNSName):
            names.append(general_name.value)
        elif isinstance(general_name, x509.IPAddress):
            names.append(f"IP:{general_name.value}")
        elif isinstance(general_name, x509.RFC822Name):
            names.append(f"email:{general_name.value}")
        else:
            names.append(f"{type(general_name).__name__}:{general_name.value}")
    return names


def _signature_name(csr: x509.CertificateSigningRequest) -> str:
    # NOTE: ObjectIdentifier._name is private in cryptography 50. It gives
    # OpenSSL-style names such as sha256WithRSAEncryption, so a cryptography
    # upgrade may change it; unknown OIDs fall back to the dotted string.
    oid = csr.signature_algorithm_oid
    return oid._name if oid._name != "Unknown OID" else oid.dotted_string


def _check_subject(subject: list[tuple[str, str]], sans: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    values: dict[str, list[str]] = {}
    for label, value in subject:
        values.setdefault(label, []).append(value)

    for label, field_name in FIELDS_BY_ATTRIBUTE.items():
        for value in values.get(label, [""]):
            findings.extend(check_field(field_name, value))

    common_names = values.get("CN", [])
    for value in common_names or [""]:
        findings.extend(
            check_dns_name("common_name", value, is_common_name=True).findings
        )
    if len(common_names) > 1:
        findings.append(
            error(
                "common_name",
                ", ".join(common_names),
                N_(
                    "The CSR has %(count)s Common Names (%(value)s). A certificate "
                    "can have only one: make a new CSR with one Common Name."
                ),
                count=len(common_names),
            )
        )
    dns_sans = [name for name in sans if ":" not in name]
    if common_names and sans and common_names[0].lower() not in dns_sans:
        findings.append(
            warning(
                "common_name",
                common_names[0],
                N_(
                    "The Common Name “%(value)s” is not in the subjectAltName of the "
                    "CSR. Most CAs add it, but some reject the CSR."
                ),
            )
        )
    for name in sans:
        if ":" in name:
            findings.append(
                warning(
                    "extra_sans",
                    name,
                    N_(
                        "The subjectAltName “%(value)s” is not a DNS name. Public CAs "
                        "drop it or reject the CSR."
                    ),
                )
            )
        else:
            findings.extend(check_dns_name("extra_sans", name).findings)

    for value in values.get("OU", []):
        findings.extend(check_field("organizational_unit", value))
        findings.append(
            warning(
                "organizational_unit",
                value,
                N_(
                    "The CSR subject has the Organizational Unit “%(value)s”. Public "
                    "CAs have not put the Organizational Unit in certificates "
                    "since September 2022 and drop it or reject the CSR."
                ),
            )
        )
    for value in values.get("emailAddress", []):
        findings.extend(check_field("email_address", value))
        findings.append(
            warning(
                "email_address",
                value,
                N_(
                    "The CSR subject has the Email Address “%(value)s”. An email "
                    "address in the subject of a server certificate must also be "
                    "in the subjectAltName, so public CAs drop it."
                ),
            )
        )
    return findings


def _check_signature(
    csr: x509.CertificateSigningRequest, name: str, is_valid: bool
) -> list[Finding]:
    findings = []
    if not is_valid:
        findings.append(
            error(
                "key",
                name,
                N_(
                    "The CSR signature does not verify: the file was changed after "
                    "it was signed or is damaged. Make a new CSR."
                ),
            )
        )
    try:
        hash_algorithm = csr.signature_hash_algorithm
    except UnsupportedAlgorithm:
        hash_algorithm = None
    if hash_algorithm is None or hash_algorithm.name not in ACCEPTED_SIGNATURE_HASHES:
        findings.append(
            error(
                "key",
                name,
                N_(
                    "The CSR is signed with %(value)s. Public CAs need a SHA-256 "
                    "or stronger signature: make a new CSR."
                ),
            )
        )
    return findings
