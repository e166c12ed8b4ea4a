"""Delivery packaging: encrypted PKCS#8 key, AES ZIP layout, README, file names."""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import sys
import zipfile

import pytest
import pyzipper
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyasn1.codec.der import decoder
from pyasn1_alt_modules import rfc5958, rfc8018

from helpdesk.csr import CsrError, Severity, build_delivery
from helpdesk.csr.packaging import encrypt_private_key, file_stem

from .helpers import FAST_KDF_ROUNDS, PASSPHRASE, VALID_REQUEST

WZ_AES_EXTRA_ID = 0x9901
WZ_AES_COMPRESS_TYPE = 99


@pytest.fixture(scope="module")
def delivery():
    return build_delivery(VALID_REQUEST, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)


def open_zip(zip_bytes: bytes, passphrase: str = PASSPHRASE) -> pyzipper.AESZipFile:
    archive = pyzipper.AESZipFile(io.BytesIO(zip_bytes))
    archive.setpassword(passphrase.encode())
    return archive


def wz_aes_extra(extra: bytes) -> tuple[int, bytes, int, int]:
    """Return (version, vendor, strength, compression) of the WinZip AES field."""
    offset = 0
    while offset + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, offset)
        if header_id == WZ_AES_EXTRA_ID:
            return struct.unpack_from("<H2sBH", extra, offset + 4)
        offset += 4 + size
    raise AssertionError("no WinZip AES extra field")


def test_zip_holds_csr_key_and_readme(delivery):
    names = zipfile.ZipFile(io.BytesIO(delivery.zip_bytes)).namelist()

    assert names == ["www.example.co.kr.csr", "www.example.co.kr.key", "README.txt"]
    assert delivery.zip_filename == "www.example.co.kr.zip"


def test_zip_entries_use_aes_256_with_deflate_inside(delivery):
    # The standard library does not decrypt WinZip AES, so it shows the raw
    # headers: method 99 and the 0x9901 field naming the real method.
    for entry in zipfile.ZipFile(io.BytesIO(delivery.zip_bytes)).infolist():
        version, vendor, strength, compression = wz_aes_extra(entry.extra)
        assert entry.compress_type == WZ_AES_COMPRESS_TYPE, entry.filename
        assert entry.flag_bits & 0x1, entry.filename
        assert vendor == b"AE"
        assert version in (1, 2)
        assert strength == 3, "strength 3 is AES-256"
        assert compression == zipfile.ZIP_DEFLATED


def test_zip_opens_with_passphrase_only(delivery):
    with open_zip(delivery.zip_bytes) as archive:
        csr_pem = archive.read("www.example.co.kr.csr")
    with open_zip(delivery.zip_bytes, "wrong passphrase 123") as archive:
        with pytest.raises(RuntimeError, match="Bad password"):
            archive.read("www.example.co.kr.csr")

    assert csr_pem.decode() == delivery.csr_pem


def test_zip_key_is_encrypted_pkcs8_matching_csr(delivery):
    with open_zip(delivery.zip_bytes) as archive:
        key_pem = archive.read("www.example.co.kr.key")

    private_key = serialization.load_pem_private_key(key_pem, PASSPHRASE.encode())
    csr = x509.load_pem_x509_csr(delivery.csr_pem.encode())

    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert private_key.public_key() == csr.public_key()
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(key_pem, b"wrong passphrase 123")


def test_zip_readme_is_korean_and_english(delivery):
    with open_zip(delivery.zip_bytes) as archive:
        readme = archive.read("README.txt").decode("utf-8-sig")

    assert "[한국어]" in readme
    assert "[English]" in readme
    assert "인증기관(CA)에 제출" in readme
    assert "Submit the contents of www.example.co.kr.csr" in readme
    assert (
        "openssl pkey -in www.example.co.kr.key -out www.example.co.kr-nopass.key"
        in (readme)
    )
    assert "openssl pkcs12 -export -legacy" in readme
    assert "Windows Server 2016" in readme
    assert "keeps no copy" in readme
    assert "사본을 보관하지 않습니다" in readme
    assert "\r\n" in readme


def test_delivery_reports_public_parts(delivery):
    csr = x509.load_pem_x509_csr(delivery.csr_pem.encode())
    spki = csr.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    assert delivery.public_key_sha256 == hashlib.sha256(spki).hexdigest()
    assert (delivery.key_type, delivery.key_size) == ("RSA", 2048)


def test_delivery_repr_hides_zip(delivery):
    assert "zip_bytes" not in repr(delivery)


@pytest.mark.parametrize(
    ("common_name", "stem"),
    [
        ("*.example.com", "_wildcard.example.com"),
        ("*.예시.한국", "_wildcard.xn--vv4b11d.xn--3e0b707e"),
        ("한국.kr", "xn--3e0b707e.kr"),
    ],
)
def test_delivery_file_names_wildcard_and_idn(make_request, common_name, stem):
    request = make_request(
        common_name=common_name, problem_domain="", key_type="EC", key_size=256
    )

    result = build_delivery(request, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)

    names = zipfile.ZipFile(io.BytesIO(result.zip_bytes)).namelist()
    assert result.zip_filename == stem + ".zip"
    assert names == [stem + ".csr", stem + ".key", "README.txt"]


def test_file_stem_keeps_plain_names():
    assert file_stem("www.example.com") == "www.example.com"
    assert file_stem("*.example.com") == "_wildcard.example.com"


@pytest.mark.parametrize(
    ("key_type", "key_size"), [("EC", 256), ("EC", 384), ("RSA", 3072)]
)
def test_delivery_key_matches_requested_type(make_request, key_type, key_size):
    request = make_request(key_type=key_type, key_size=key_size)

    result = build_delivery(request, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)

    with open_zip(result.zip_bytes) as archive:
        key_pem = archive.read("www.example.co.kr.key")
    private_key = serialization.load_pem_private_key(key_pem, PASSPHRASE.encode())
    assert private_key.key_size == key_size
    assert (result.key_type, result.key_size) == (key_type, key_size)


def test_encrypted_key_pbes2_parameters(rsa_key):
    pem = encrypt_private_key(rsa_key, PASSPHRASE.encode(), kdf_rounds=4321)
    der = pem_body(pem)

    info, _ = decoder.decode(der, asn1Spec=rfc5958.EncryptedPrivateKeyInfo())
    algorithm = info["encryptionAlgorithm"]
    params, _ = decoder.decode(algorithm["parameters"], asn1Spec=rfc8018.PBES2_params())
    kdf = params["keyDerivationFunc"]
    kdf_params, _ = decoder.decode(kdf["parameters"], asn1Spec=rfc8018.PBKDF2_params())

    assert algorithm["algorithm"] == rfc8018.id_PBES2
    assert kdf["algorithm"] == rfc8018.id_PBKDF2
    assert int(kdf_params["iterationCount"]) == 4321
    assert kdf_params["prf"]["algorithm"] == rfc8018.id_hmacWithSHA256
    assert len(kdf_params["salt"]["specified"]) == 16
    assert params["encryptionScheme"]["algorithm"] == rfc8018.aes256_CBC_PAD


def pem_body(pem: bytes) -> bytes:
    lines = pem.decode().strip().splitlines()
    return base64.b64decode("".join(lines[1:-1]))


def test_encrypt_private_key_rejects_zero_rounds(rsa_key):
    with pytest.raises(ValueError, match="kdf_rounds"):
        encrypt_private_key(rsa_key, PASSPHRASE.encode(), kdf_rounds=0)


def test_build_delivery_rejects_request_with_errors(make_request):
    request = make_request(common_name="intranet.local")

    with pytest.raises(CsrError) as raised:
        build_delivery(request, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)

    errors = [f for f in raised.value.findings if f.severity is Severity.ERROR]
    assert [f.field for f in errors] == ["common_name"]
    assert isinstance(raised.value, ValueError)


def test_build_delivery_accepts_warnings(make_request):
    request = make_request(common_name="www.example.co.kr", problem_domain="other.com")

    result = build_delivery(request, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)

    assert result.zip_bytes


@pytest.mark.parametrize(
    "passphrase", ["short", "password1234", "비밀번호는길어야안전합니다"]
)
def test_build_delivery_rejects_weak_passphrase_without_echo(make_request, passphrase):
    with pytest.raises(CsrError) as raised:
        build_delivery(make_request(), passphrase, kdf_rounds=FAST_KDF_ROUNDS)

    assert raised.value.findings[0].field == "passphrase"
    assert passphrase not in str(raised.value)
    assert passphrase not in repr(raised.value.findings)


def test_build_delivery_writes_no_file(make_request):
    # Record every file opened for writing while a delivery is built.
    written = []
    is_recording = False

    def audit(event, args):
        if is_recording and event == "open":
            path, mode, flags = args
            is_write = mode and any(c in str(mode) for c in "wax+")
            if is_write or (flags or 0) & 0o3:
                written.append(path)

    sys.addaudithook(audit)
    is_recording = True
    try:
        build_delivery(make_request(), PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)
    finally:
        is_recording = False

    assert written == []
