"""Build the CSR: subject, subjectAltName and a SHA-256 signature."""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PublicKeyTypes,
)
from cryptography.x509.oid import NameOID

from helpdesk.csr.names import check_dns_name
from helpdesk.csr.request import CsrRequest
from helpdesk.csr.rules import subject_alt_names


def build_subject(request: CsrRequest) -> x509.Name:
    """Return the CSR subject: C, ST, L, O, [OU], CN, [emailAddress].

    cryptography encodes the Country Name as PrintableString and the email as
    IA5String, as RFC 5280 requires, and the other attributes as UTF8String.
    """
    common_name = check_dns_name("common_name", request.common_name).a_label
    if common_name is None:
        raise ValueError("the Common Name is not a valid DNS name")
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, request.country),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, request.state),
        x509.NameAttribute(NameOID.LOCALITY_NAME, request.locality),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, request.organization),
    ]
    if request.include_ou_in_subject and request.organizational_unit:
        attributes.append(
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, request.organizational_unit
            )
        )
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if request.include_email_in_subject and request.email_address:
        attributes.append(
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, request.email_address)
        )
    return x509.Name(attributes)


def build_san(request: CsrRequest) -> x509.SubjectAlternativeName:
    """Return the subjectAltName: DNS names, and the email when it is in the subject."""
    general_names: list[x509.GeneralName] = [
        x509.DNSName(name) for name in subject_alt_names(request)
    ]
    if request.include_email_in_subject and request.email_address:
        general_names.append(x509.RFC822Name(request.email_address))
    return x509.SubjectAlternativeName(general_names)


def build_csr(
    request: CsrRequest, private_key: CertificateIssuerPrivateKeyTypes
) -> x509.CertificateSigningRequest:
    """Sign a CSR for the request with SHA-256 (ECDSA-with-SHA256 for EC keys)."""
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(build_subject(request))
        .add_extension(build_san(request), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def public_key_sha256(public_key: PublicKeyTypes) -> str:
    """Return the lower-case hex SHA-256 of the DER SubjectPublicKeyInfo."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()
