"""Generate the private key and CSR for an approved request and package them once."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization

from helpdesk.csr.builder import build_csr, public_key_sha256
from helpdesk.csr.findings import CsrError, has_errors
from helpdesk.csr.keys import generate_private_key
from helpdesk.csr.names import check_dns_name
from helpdesk.csr.packaging import (
    DEFAULT_KDF_ROUNDS,
    build_zip,
    encrypt_private_key,
    file_stem,
)
from helpdesk.csr.passphrase import check_passphrase
from helpdesk.csr.request import CsrRequest
from helpdesk.csr.rules import check_request


@dataclass(frozen=True)
class Delivery:
    """The ZIP the customer downloads, and the public parts the ticket keeps."""

    zip_bytes: bytes
    zip_filename: str
    csr_pem: str
    public_key_sha256: str
    key_type: str
    key_size: int

    def __repr__(self) -> str:
        return (
            f"Delivery(zip_filename={self.zip_filename!r}, "
            f"public_key_sha256={self.public_key_sha256!r}, "
            f"key_type={self.key_type!r}, key_size={self.key_size!r})"
        )


def build_delivery(
    request: CsrRequest, passphrase: str, kdf_rounds: int = DEFAULT_KDF_ROUNDS
) -> Delivery:
    """Generate a key and CSR and return them as an AES ZIP with the passphrase.

    Raises CsrError when the request has errors or the passphrase fails the
    policy. The private key exists only in memory and only encrypted in the
    result.
    """
    findings = check_request(request)
    if has_errors(findings):
        raise CsrError("The CSR request has errors; correct them first.", findings)
    passphrase_findings = check_passphrase(passphrase, passphrase)
    if passphrase_findings:
        raise CsrError("The passphrase does not meet the policy.", passphrase_findings)

    secret = passphrase.encode("ascii")
    private_key = generate_private_key(request.key_type, request.key_size)
    csr = build_csr(request, private_key)
    encrypted_key_pem = encrypt_private_key(private_key, secret, kdf_rounds)
    del private_key

    csr_pem = csr.public_bytes(serialization.Encoding.PEM)
    common_name = check_dns_name("common_name", request.common_name).a_label
    stem = file_stem(common_name or "request")
    zip_bytes = build_zip(stem, csr_pem, encrypted_key_pem, secret)
    del secret, encrypted_key_pem

    return Delivery(
        zip_bytes=zip_bytes,
        zip_filename=f"{stem}.zip",
        csr_pem=csr_pem.decode("ascii"),
        public_key_sha256=public_key_sha256(csr.public_key()),
        key_type=request.key_type,
        key_size=request.key_size,
    )
