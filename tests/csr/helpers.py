"""Shared constants and the tool runner for the CSR core tests."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
)

from helpdesk.csr import CsrRequest

PASSPHRASE = "violet tractor 88 bagel!"
FAST_KDF_ROUNDS = 1_000
# CA/Browser Forum reserved policy OID for organization-validated certificates.
OV_POLICY_OID = x509.ObjectIdentifier("2.23.140.1.2.2")

VALID_REQUEST = CsrRequest(
    country="KR",
    state="Seoul",
    locality="Gangnam-gu",
    organization="Example Co., Ltd.",
    organizational_unit="",
    common_name="www.example.co.kr",
    email_address="",
    key_type="RSA",
    key_size=2048,
    problem_domain="example.co.kr",
)


def run_tool(
    args: list[str], *, passphrase: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run openssl or 7zz; a passphrase travels in the PASSIN variable, not argv."""
    env = dict(os.environ)
    if passphrase is not None:
        env["PASSIN"] = passphrase
    return subprocess.run(
        args, capture_output=True, env=env, cwd=cwd, timeout=120, check=False
    )


def run_tool_with_input(args: list[str], data: bytes) -> subprocess.CompletedProcess:
    """Run openssl with data on its standard input, so no file is needed."""
    return subprocess.run(
        args, input=data, capture_output=True, timeout=120, check=False
    )


class TestCa:
    """A throwaway issuing CA that signs CSRs into CA/Browser Forum OV certificates."""

    __test__ = False

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP384R1())
        self.name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CSR Desk Test CA"),
                x509.NameAttribute(NameOID.COMMON_NAME, "CSR Desk Test Issuing CA"),
            ]
        )

    def issue(self, csr: x509.CertificateSigningRequest) -> x509.Certificate:
        """Return an OV server certificate with the CSR's subject and subjectAltName."""
        now = datetime.now(UTC).replace(microsecond=0)
        is_rsa = isinstance(csr.public_key(), rsa.RSAPublicKey)
        key_usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=is_rsa,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        builder = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(self.name)
            .public_key(csr.public_key())
            .serial_number(int.from_bytes(os.urandom(16), "big") >> 1)
            .not_valid_before(now)
            .not_valid_after(now + timedelta(days=90))
            .add_extension(san.value, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(key_usage, critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()
                ),
                critical=False,
            )
            .add_extension(
                x509.CertificatePolicies(
                    [x509.PolicyInformation(OV_POLICY_OID, policy_qualifiers=None)]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.CA_ISSUERS,
                            x509.UniformResourceIdentifier(
                                "http://ca.example.com/issuer.crt"
                            ),
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [
                                x509.UniformResourceIdentifier(
                                    "http://ca.example.com/1.crl"
                                )
                            ],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
        )
        return builder.sign(self.key, hashes.SHA384())
