"""Encrypt the private key (PKCS#8, PBES2) and pack it with the CSR in an AES ZIP.

Both steps work on bytes in memory and write no file.
"""

from __future__ import annotations

import base64
import io
import os
from datetime import UTC, datetime

import pyzipper
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from helpdesk.csr import der
from helpdesk.csr.readme import readme_text

DEFAULT_KDF_ROUNDS = 600_000
# WinZip AES entries (pyzipper) open in 7-Zip and WinZip. Inside the
# encryption only DEFLATE is used, because unzip tools that read AES entries
# do not all support LZMA or BZIP2.
ZIP_COMPRESSION = pyzipper.ZIP_DEFLATED
AES_KEY_BITS = 256
SALT_BYTES = 16
AES_BLOCK_BYTES = 16
OID_PBES2 = "1.2.840.113549.1.5.13"
OID_PBKDF2 = "1.2.840.113549.1.5.12"
OID_HMAC_SHA256 = "1.2.840.113549.2.9"
OID_AES_256_CBC = "2.16.840.1.101.3.4.1.42"


def encrypt_private_key(
    private_key: PrivateKeyTypes, passphrase: bytes, kdf_rounds: int
) -> bytes:
    """Return an ENCRYPTED PRIVATE KEY PEM: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.

    cryptography 50 offers PKCS#8 encryption only through
    BestAvailableEncryption, which fixes PBKDF2 at 2,048 iterations, so the
    EncryptedPrivateKeyInfo of RFC 5958 is built here from cryptography's
    PBKDF2 and AES primitives.
    """
    if kdf_rounds < 1:
        raise ValueError("kdf_rounds must be at least 1")
    salt = os.urandom(SALT_BYTES)
    iv = os.urandom(AES_BLOCK_BYTES)
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA256(), length=32, salt=salt, iterations=kdf_rounds
    )
    encryption_key = kdf.derive(passphrase)
    padder = padding.PKCS7(AES_BLOCK_BYTES * 8).padder()
    encryptor = Cipher(algorithms.AES(encryption_key), modes.CBC(iv)).encryptor()
    private_key_info = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    padded = padder.update(private_key_info) + padder.finalize()
    del private_key_info, encryption_key
    encrypted = encryptor.update(padded) + encryptor.finalize()
    del padded

    pbes2_parameters = der.sequence(
        der.sequence(
            der.object_identifier(OID_PBKDF2),
            der.sequence(
                der.octet_string(salt),
                der.integer(kdf_rounds),
                der.sequence(der.object_identifier(OID_HMAC_SHA256), der.null()),
            ),
        ),
        der.sequence(der.object_identifier(OID_AES_256_CBC), der.octet_string(iv)),
    )
    encrypted_private_key_info = der.sequence(
        der.sequence(der.object_identifier(OID_PBES2), pbes2_parameters),
        der.octet_string(encrypted),
    )
    return _pem("ENCRYPTED PRIVATE KEY", encrypted_private_key_info)


def _pem(label: str, data: bytes) -> bytes:
    body = base64.encodebytes(data).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        b"\n".join(
            [
                f"-----BEGIN {label}-----".encode(),
                *lines,
                f"-----END {label}-----".encode(),
            ]
        )
        + b"\n"
    )


def file_stem(a_label_common_name: str) -> str:
    """Return the file name stem of a Common Name: *.x.com becomes _wildcard.x.com."""
    if a_label_common_name.startswith("*."):
        return "_wildcard" + a_label_common_name[1:]
    return a_label_common_name


def build_zip(
    stem: str, csr_pem: bytes, encrypted_key_pem: bytes, passphrase: bytes
) -> bytes:
    """Return a WinZip AES-256 ZIP of the CSR, the encrypted key and README.txt."""
    buffer = io.BytesIO()
    # ZIP stores a local time without a zone; UTC keeps it independent of the
    # server's time zone setting.
    timestamp = datetime.now(UTC).timetuple()[:6]
    entries = [
        (f"{stem}.csr", csr_pem),
        (f"{stem}.key", encrypted_key_pem),
        ("README.txt", ("\ufeff" + readme_text(stem)).encode("utf-8")),
    ]
    with pyzipper.AESZipFile(
        buffer, "w", compression=ZIP_COMPRESSION, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(passphrase)
        archive.setencryption(pyzipper.WZ_AES, nbits=AES_KEY_BITS)
        for name, data in entries:
            entry = archive.zipinfo_cls(name, date_time=timestamp)
            entry.compress_type = ZIP_COMPRESSION
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()
