"""Reading CSRs and certificates made elsewhere, and spotting pasted private keys."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from helpdesk.csr import (
    CsrError,
    Severity,
    contains_private_key,
    inspect_certificate,
    inspect_csr,
    match_certificate,
)
from helpdesk.csr.builder import build_csr, public_key_sha256

from .helpers import PASSPHRASE, TestCa, run_tool


def make_csr(key, attributes, sans=None, hash_algorithm=None):
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])
    )
    if sans is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in sans]), False
        )
    return builder.sign(key, hash_algorithm or hashes.SHA256())


def pem(csr) -> bytes:
    return csr.public_bytes(serialization.Encoding.PEM)


def errors_by_field(summary):
    return {f.field for f in summary.findings if f.severity is Severity.ERROR}


SUBJECT = [
    (NameOID.COUNTRY_NAME, "KR"),
    (NameOID.STATE_OR_PROVINCE_NAME, "Seoul"),
    (NameOID.LOCALITY_NAME, "Gangnam-gu"),
    (NameOID.ORGANIZATION_NAME, "Example Co., Ltd."),
    (NameOID.COMMON_NAME, "www.example.co.kr"),
]


def test_inspect_csr_reads_our_csr(make_request, rsa_key):
    csr = build_csr(make_request(add_www_variant=True), rsa_key)

    summary = inspect_csr(pem(csr))

    assert summary.subject == [
        ("C", "KR"),
        ("ST", "Seoul"),
        ("L", "Gangnam-gu"),
        ("O", "Example Co., Ltd."),
        ("CN", "www.example.co.kr"),
    ]
    assert summary.sans == ["www.example.co.kr", "example.co.kr"]
    assert (summary.key_type, summary.key_size) == ("RSA", 2048)
    assert summary.signature_algorithm == "sha256WithRSAEncryption"
    assert summary.public_key_sha256 == public_key_sha256(rsa_key.public_key())
    assert summary.is_signature_valid
    assert summary.findings == []


def test_inspect_csr_reads_der_and_str(make_request, ec_key):
    csr = build_csr(make_request(key_type="EC", key_size=256), ec_key)

    from_der = inspect_csr(csr.public_bytes(serialization.Encoding.DER))
    from_str = inspect_csr(pem(csr).decode())

    assert from_der == from_str
    assert (from_der.key_type, from_der.key_size) == ("EC", 256)
    assert from_der.signature_algorithm == "ecdsa-with-SHA256"


def test_inspect_csr_finds_block_inside_pasted_text(make_request, rsa_key):
    text = "Hello,\n> see below\n\n" + pem(build_csr(make_request(), rsa_key)).decode()
    text += "\nThanks\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"

    summary = inspect_csr(text)

    assert summary.subject[-1] == ("CN", "www.example.co.kr")


def test_inspect_csr_applies_subject_rules(rsa_key):
    csr = make_csr(
        rsa_key,
        [
            (NameOID.COUNTRY_NAME, "kr"),
            (NameOID.STATE_OR_PROVINCE_NAME, "서울"),
            (NameOID.ORGANIZATION_NAME, "Example"),
            (NameOID.ORGANIZATIONAL_UNIT_NAME, "IT"),
            (NameOID.COMMON_NAME, "WWW.example.co.kr"),
            (NameOID.EMAIL_ADDRESS, "admin@example.co.kr"),
        ],
        sans=["www.example.co.kr"],
    )

    summary = inspect_csr(pem(csr))

    assert errors_by_field(summary) == {"country", "state", "locality", "common_name"}
    warnings = {f.field for f in summary.findings if f.severity is Severity.WARNING}
    assert {"organizational_unit", "email_address"} <= warnings
    suggestions = {f.field: f.suggestion for f in summary.findings if f.suggestion}
    assert suggestions["country"] == "KR"
    assert suggestions["state"] == "Seoul"
    assert suggestions["common_name"] == "www.example.co.kr"


def test_inspect_csr_rejects_rsa_1024_with_suggestion():
    weak_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505

    summary = inspect_csr(pem(make_csr(weak_key, SUBJECT, ["www.example.co.kr"])))

    key_findings = [f for f in summary.findings if f.field == "key"]
    assert (summary.key_type, summary.key_size) == ("RSA", 1024)
    assert [f.suggestion for f in key_findings] == ["RSA-2048"]


def test_inspect_csr_rejects_p521_key():
    key = ec.generate_private_key(ec.SECP521R1())

    summary = inspect_csr(pem(make_csr(key, SUBJECT, ["www.example.co.kr"])))

    assert (summary.key_type, summary.key_size) == ("EC", 521)
    assert errors_by_field(summary) == {"key"}


def test_inspect_csr_detects_bad_signature(rsa_key):
    der = bytearray(
        make_csr(rsa_key, SUBJECT, ["www.example.co.kr"]).public_bytes(
            serialization.Encoding.DER
        )
    )
    der[-1] ^= 0x01

    summary = inspect_csr(bytes(der))

    assert not summary.is_signature_valid
    assert any("does not verify" in f.render() for f in summary.findings)


def test_inspect_csr_warns_cn_not_in_san(rsa_key):
    summary = inspect_csr(pem(make_csr(rsa_key, SUBJECT, ["shop.example.co.kr"])))

    assert [(f.field, f.severity) for f in summary.findings] == [
        ("common_name", Severity.WARNING)
    ]


def test_inspect_csr_without_san_is_accepted(rsa_key):
    summary = inspect_csr(pem(make_csr(rsa_key, SUBJECT)))

    assert summary.sans == []
    assert summary.findings == []


def test_inspect_csr_rejects_two_common_names(rsa_key):
    subject = SUBJECT + [(NameOID.COMMON_NAME, "shop.example.co.kr")]

    summary = inspect_csr(pem(make_csr(rsa_key, subject)))

    assert any("2 Common Names" in f.render() for f in summary.findings)


def test_inspect_csr_flags_internal_san(rsa_key):
    summary = inspect_csr(
        pem(make_csr(rsa_key, SUBJECT, ["www.example.co.kr", "intranet.local"]))
    )

    assert errors_by_field(summary) == {"extra_sans"}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a csr",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
        b"\x30\x03\x02\x01\x00",
    ],
)
def test_inspect_csr_garbage_raises_clear_error(data):
    with pytest.raises(CsrError, match="not a readable CSR"):
        inspect_csr(data)


def test_inspect_csr_certificate_raises_clear_error(make_request, rsa_key):
    certificate = TestCa().issue(build_csr(make_request(), rsa_key))

    with pytest.raises(CsrError, match="not a readable CSR"):
        inspect_csr(certificate.public_bytes(serialization.Encoding.PEM))


@pytest.mark.interop
def test_inspect_csr_flags_sha1_signature_from_openssl(tmp_path, rsa_key):
    key_path = tmp_path / "key.pem"
    key_path.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    result = run_tool(
        [
            "openssl",
            "req",
            "-new",
            "-sha1",
            "-key",
            str(key_path),
            "-subj",
            "/C=KR/ST=Seoul/L=Gangnam-gu/O=Example/CN=www.example.co.kr",
        ]
    )
    assert result.returncode == 0, result.stderr

    summary = inspect_csr(result.stdout)

    assert summary.signature_algorithm == "sha1WithRSAEncryption"
    assert any("SHA-256 or stronger" in f.render() for f in summary.findings)


def test_inspect_certificate_reads_pem_and_der(make_request, ec_key):
    certificate = TestCa().issue(build_csr(make_request(add_www_variant=True), ec_key))

    from_pem = inspect_certificate(certificate.public_bytes(serialization.Encoding.PEM))
    from_der = inspect_certificate(certificate.public_bytes(serialization.Encoding.DER))

    assert from_pem == from_der
    assert from_pem.subject[-1] == ("CN", "www.example.co.kr")
    assert ("CN", "CSR Desk Test Issuing CA") in from_pem.issuer
    assert from_pem.sans == ["www.example.co.kr", "example.co.kr"]
    assert from_pem.not_before == certificate.not_valid_before_utc
    assert from_pem.not_after == certificate.not_valid_after_utc
    assert int(from_pem.serial_hex, 16) == certificate.serial_number
    assert from_pem.public_key_sha256 == public_key_sha256(ec_key.public_key())
    assert (from_pem.key_type, from_pem.key_size) == ("EC", 256)


def test_inspect_certificate_garbage_raises_clear_error():
    with pytest.raises(CsrError, match="not a readable certificate"):
        inspect_certificate("hello")


def test_match_certificate_finds_csr_by_fingerprint(make_request, rsa_key, ec_key):
    certificate = TestCa().issue(build_csr(make_request(), ec_key))
    summary = inspect_certificate(certificate.public_bytes(serialization.Encoding.PEM))
    fingerprints = {
        7: public_key_sha256(rsa_key.public_key()),
        9: public_key_sha256(ec_key.public_key()).upper(),
    }

    assert match_certificate(summary, fingerprints) == 9
    assert match_certificate(summary, {7: fingerprints[7]}) is None
    assert match_certificate(summary, {}) is None


def private_key_pems(rsa_key, ec_key) -> dict[str, str]:
    def dump(key, private_format, encryption=None):
        return key.private_bytes(
            serialization.Encoding.PEM,
            private_format,
            encryption or serialization.NoEncryption(),
        ).decode()

    return {
        "rsa": dump(rsa_key, serialization.PrivateFormat.TraditionalOpenSSL),
        "ec": dump(ec_key, serialization.PrivateFormat.TraditionalOpenSSL),
        "pkcs8": dump(rsa_key, serialization.PrivateFormat.PKCS8),
        "encrypted": dump(
            ec_key,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        ),
        "openssh": dump(ec_key, serialization.PrivateFormat.OpenSSH),
    }


@pytest.mark.parametrize("kind", ["rsa", "ec", "pkcs8", "encrypted", "openssh"])
def test_contains_private_key_finds_every_pem_kind(rsa_key, ec_key, kind):
    block = private_key_pems(rsa_key, ec_key)[kind]

    assert contains_private_key("Here is our key:\n\n" + block + "\nthanks")


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN DSA PRIVATE KEY-----\nMIIB\n",
        "-----begin private key-----\nMIIE",
        "----- BEGIN  RSA PRIVATE KEY -----",
    ],
)
def test_contains_private_key_tolerates_mangled_headers(text):
    assert contains_private_key(text)


def test_contains_private_key_ignores_public_material(make_request, rsa_key):
    csr_pem = pem(build_csr(make_request(), rsa_key)).decode()
    public_pem = (
        rsa_key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )

    assert not contains_private_key(csr_pem)
    assert not contains_private_key(public_pem)
    assert not contains_private_key("Please send me the private key file.")
