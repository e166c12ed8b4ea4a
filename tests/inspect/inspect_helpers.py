"""Keys, CSRs and a throwaway CA for the CSR and certificate check tests."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# A subject every CSR rule accepts.
GOOD_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Seoul"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Gangnam-gu"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Co., Ltd."),
        x509.NameAttribute(NameOID.COMMON_NAME, "www.example.co.kr"),
    ]
)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def build_csr(
    key, subject: x509.Name = GOOD_SUBJECT, names=("www.example.co.kr",)
) -> x509.CertificateSigningRequest:
    san = x509.SubjectAlternativeName([x509.DNSName(name) for name in names])
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject)
        .add_extension(san, critical=False)
        .sign(key, hashes.SHA256())
    )


def pem(item) -> str:
    return item.public_bytes(serialization.Encoding.PEM).decode("ascii")


def der(item) -> bytes:
    return item.public_bytes(serialization.Encoding.DER)


def private_key_pem(key, password: bytes | None = None) -> str:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")


class TestAuthority:
    """A throwaway root CA that signs server certificates for any public key."""

    __test__ = False

    def __init__(self) -> None:
        self.key = new_key()
        self.name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Desk Test Authority"),
                x509.NameAttribute(NameOID.COMMON_NAME, "Desk Test Root CA"),
            ]
        )
        now = datetime.now(UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(self.key, hashes.SHA256())
        )

    def issue(
        self,
        public_key,
        names=("www.example.co.kr",),
        valid_from: datetime | None = None,
        valid_days: int = 90,
        has_subject_alt_name: bool = True,
    ) -> x509.Certificate:
        """Return a server certificate for PUBLIC_KEY covering NAMES.

        Without a subjectAltName extension, only the subject CN, NAMES[0], names
        the server.
        """
        not_before = valid_from or datetime.now(UTC) - timedelta(minutes=5)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.name)
            .public_key(public_key)
            .serial_number(int.from_bytes(os.urandom(16), "big") >> 1)
            .not_valid_before(not_before)
            .not_valid_after(not_before + timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False
            )
        )
        if has_subject_alt_name:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False
            )
        return builder.sign(self.key, hashes.SHA256())
