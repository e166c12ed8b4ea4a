"""Find traces of a delivered private key, its passphrase or its ZIP in bytes.

The needles are built from the secrets themselves, in the encodings a careless
program would write them: raw DER, PEM, base64, hex, UTF-8 and UTF-16.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

# Files are read in blocks this large; consecutive blocks overlap by the
# longest needle so a match across a block boundary is still found.
BLOCK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Needle:
    label: str
    data: bytes


@dataclass(frozen=True)
class Hit:
    where: str
    label: str

    def __str__(self) -> str:
        return f"{self.label} found in {self.where}"


def _private_number(private_key) -> int:
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.private_numbers().d
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.private_numbers().private_value
    raise TypeError(f"unsupported key type {type(private_key).__name__}")


def _hex_forms(number: int) -> list[bytes]:
    digits = format(number, "x")
    if len(digits) % 2:
        digits = "0" + digits
    return [digits.encode("ascii"), digits.upper().encode("ascii")]


def _private_slice(der: bytes, number: int, length: int = 32) -> bytes:
    """Return LENGTH bytes of DER that lie inside the private number's encoding.

    A slice from the modulus or the public point would also be in the CSR,
    which is public and stored on purpose.
    """
    number_bytes = number.to_bytes((number.bit_length() + 7) // 8, "big")
    start = der.find(number_bytes)
    assert start >= 0, "the private number is not in the DER encoding"
    middle = start + len(number_bytes) // 2
    return der[middle - length // 2 : middle + length // 2]


def _pem_body(pem: bytes) -> bytes:
    lines = pem.strip().splitlines()
    return b"".join(line for line in lines if not line.startswith(b"-----"))


def build_needles(
    *,
    passphrase: str,
    private_key,
    encrypted_key_pem: bytes,
    zip_bytes: bytes,
) -> list[Needle]:
    """Return every encoding of the secrets that must never be stored."""
    number = _private_number(private_key)
    needles = [
        Needle("passphrase (UTF-8)", passphrase.encode("utf-8")),
        Needle("passphrase (UTF-16-LE)", passphrase.encode("utf-16-le")),
    ]
    for format_name, private_format in (
        ("PKCS#8", serialization.PrivateFormat.PKCS8),
        ("traditional", serialization.PrivateFormat.TraditionalOpenSSL),
    ):
        der = private_key.private_bytes(
            serialization.Encoding.DER,
            private_format,
            serialization.NoEncryption(),
        )
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            private_format,
            serialization.NoEncryption(),
        )
        needles += [
            Needle(f"unencrypted {format_name} DER private key", der),
            Needle(f"unencrypted {format_name} PEM private key", pem),
            Needle(
                f"base64 of the {format_name} DER private key",
                base64.b64encode(der),
            ),
            Needle(
                f"32-byte slice of the {format_name} DER private key",
                _private_slice(der, number),
            ),
        ]
    for digits in _hex_forms(number):
        needles.append(Needle("hex of the private exponent or scalar", digits))

    encrypted_der = base64.b64decode(_pem_body(encrypted_key_pem))
    middle = len(zip_bytes) // 2
    needles += [
        Needle("encrypted private key file", encrypted_key_pem),
        Needle("32-byte slice of the encrypted private key", encrypted_der[-32:]),
        Needle("64-byte slice of the ZIP", zip_bytes[middle : middle + 64]),
    ]
    return needles


def find_in_bytes(data: bytes, needles: Iterable[Needle], where: str) -> list[Hit]:
    return [Hit(where, needle.label) for needle in needles if needle.data in data]


def find_in_text(text: str, needles: Iterable[Needle], where: str) -> list[Hit]:
    return find_in_bytes(text.encode("utf-8", "surrogateescape"), needles, where)


def _read_blocks(path: Path, overlap: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        tail = b""
        while block := file.read(BLOCK_BYTES):
            yield tail + block
            tail = block[-overlap:] if overlap else b""


def find_in_file(path: Path, needles: list[Needle]) -> list[Hit]:
    """Search one regular file; a file that vanished or is unreadable is skipped."""
    overlap = max(len(needle.data) for needle in needles)
    found: dict[str, Hit] = {}
    try:
        for block in _read_blocks(path, overlap):
            for hit in find_in_bytes(block, needles, str(path)):
                found.setdefault(hit.label, hit)
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return []
    return list(found.values())


def iter_files(roots: Iterable[Path]) -> Iterator[Path]:
    """Yield every regular file under ROOTS (or ROOTS themselves, if files)."""
    for root in roots:
        if root.is_file() and not root.is_symlink():
            yield root
            continue
        for folder, _, names in os.walk(root, followlinks=False):
            for name in names:
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    yield path


def find_in_paths(roots: Iterable[Path], needles: list[Needle]) -> list[Hit]:
    hits = []
    for path in iter_files(roots):
        hits += find_in_file(path, needles)
    return hits
