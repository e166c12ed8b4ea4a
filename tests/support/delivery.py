"""Open a delivered ZIP the way a customer would, and check what is inside.

Everything here works on bytes in memory. Only `check_with_command_line_tools`
writes files, into a folder the caller names (a pytest tmp_path).
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyzipper
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

# WinZip AES strength code 3 is AES-256 (pyzipper's ZipInfo.wz_aes_strength).
AES_256_STRENGTH = 3


@dataclass(frozen=True)
class Delivery:
    """The files of a delivered ZIP, with the key and CSR they contain."""

    zip_bytes: bytes
    files: dict[str, bytes]
    key_name: str
    csr_name: str
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    csr: x509.CertificateSigningRequest

    @property
    def encrypted_key_pem(self) -> bytes:
        return self.files[self.key_name]

    @property
    def csr_pem(self) -> bytes:
        return self.files[self.csr_name]


def read_zip(zip_bytes: bytes, passphrase: str) -> dict[str, bytes]:
    """Return every member of an AES ZIP, after checking each is AES-256 encrypted."""
    files = {}
    with pyzipper.AESZipFile(io.BytesIO(zip_bytes)) as archive:
        for info in archive.infolist():
            assert info.flag_bits & 0x1, f"{info.filename} is not encrypted"
            assert info.wz_aes_strength == AES_256_STRENGTH, (
                f"{info.filename} uses AES strength {info.wz_aes_strength}, "
                "expected 3 (AES-256)"
            )
        archive.setpassword(passphrase.encode("utf-8"))
        for name in archive.namelist():
            files[name] = archive.read(name)
    return files


def zip_rejects_passphrase(zip_bytes: bytes, passphrase: str) -> bool:
    """Return True when reading the first member with PASSPHRASE fails."""
    with pyzipper.AESZipFile(io.BytesIO(zip_bytes)) as archive:
        archive.setpassword(passphrase.encode("utf-8"))
        try:
            archive.read(archive.namelist()[0])
        except RuntimeError:
            return True
    return False


def open_delivery(zip_bytes: bytes, passphrase: str) -> Delivery:
    """Decrypt the ZIP and the PKCS#8 key inside it with PASSPHRASE."""
    files = read_zip(zip_bytes, passphrase)
    key_names = [n for n, data in files.items() if b"PRIVATE KEY-----" in data]
    csr_names = [n for n, data in files.items() if b"CERTIFICATE REQUEST" in data]
    assert len(key_names) == 1, f"expected one key file, found {sorted(files)}"
    assert len(csr_names) == 1, f"expected one CSR file, found {sorted(files)}"

    key_pem = files[key_names[0]]
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----"), (
        "the private key in the ZIP is not PKCS#8-encrypted"
    )
    private_key = serialization.load_pem_private_key(
        key_pem, password=passphrase.encode("utf-8")
    )
    csr = x509.load_pem_x509_csr(files[csr_names[0]])
    return Delivery(zip_bytes, files, key_names[0], csr_names[0], private_key, csr)


def spki_der(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def subject_value(csr: x509.CertificateSigningRequest, oid) -> str | None:
    attributes = csr.subject.get_attributes_for_oid(oid)
    return attributes[0].value if attributes else None


def subject_alt_names(csr: x509.CertificateSigningRequest) -> list[str]:
    try:
        extension = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return extension.value.get_values_for_type(x509.DNSName)


EXAMPLE_SUBJECT = {
    NameOID.COUNTRY_NAME: "KR",
    NameOID.STATE_OR_PROVINCE_NAME: "Seoul",
    NameOID.LOCALITY_NAME: "Dongjak-gu",
    NameOID.ORGANIZATION_NAME: "Example Hosting Corp.",
    NameOID.COMMON_NAME: "shop.example.com",
}


def check_with_command_line_tools(
    delivery: Delivery, passphrase: str, folder: Path
) -> None:
    """Test the ZIP with 7zz and read the key and CSR with openssl.

    The passphrase goes on the command line, which is acceptable only for a
    test's throwaway key.
    """
    folder.mkdir(parents=True, exist_ok=True)
    zip_path = folder / "delivery.zip"
    key_path = folder / "private.key"
    csr_path = folder / "request.csr"
    zip_path.write_bytes(delivery.zip_bytes)
    key_path.write_bytes(delivery.encrypted_key_pem)
    csr_path.write_bytes(delivery.csr_pem)
    try:
        seven_zip = _run(["7zz", "t", f"-p{passphrase}", str(zip_path)])
        assert seven_zip.returncode == 0, seven_zip.stdout + seven_zip.stderr
        assert "Everything is Ok" in seven_zip.stdout

        wrong = _run(["7zz", "t", "-pnot-the-passphrase", str(zip_path)])
        assert wrong.returncode != 0, "7zz accepted a wrong passphrase"

        key_public = _run(
            [
                "openssl",
                "pkey",
                "-in",
                str(key_path),
                "-passin",
                f"pass:{passphrase}",
                "-pubout",
            ]
        )
        assert key_public.returncode == 0, key_public.stderr

        csr_check = _run(["openssl", "req", "-in", str(csr_path), "-verify", "-noout"])
        assert csr_check.returncode == 0, csr_check.stderr

        csr_public = _run(["openssl", "req", "-in", str(csr_path), "-pubkey", "-noout"])
        assert csr_public.returncode == 0, csr_public.stderr
        assert key_public.stdout == csr_public.stdout, (
            "openssl reads different public keys from the key and the CSR"
        )
    finally:
        for path in (zip_path, key_path, csr_path):
            path.unlink(missing_ok=True)


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False
    )
