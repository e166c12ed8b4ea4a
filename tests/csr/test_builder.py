"""CSR building: subject, string types, subjectAltName, signature algorithm."""

from __future__ import annotations

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from helpdesk.csr.builder import build_csr, build_subject, public_key_sha256


def subject_pairs(csr):
    return [(attribute.oid, attribute.value) for attribute in csr.subject]


def san_values(csr, general_name_type=x509.DNSName):
    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return san.value.get_values_for_type(general_name_type)


def test_csr_subject_holds_approved_fields_in_order(make_request, rsa_key):
    csr = build_csr(make_request(), rsa_key)

    assert subject_pairs(csr) == [
        (NameOID.COUNTRY_NAME, "KR"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Seoul"),
        (NameOID.LOCALITY_NAME, "Gangnam-gu"),
        (NameOID.ORGANIZATION_NAME, "Example Co., Ltd."),
        (NameOID.COMMON_NAME, "www.example.co.kr"),
    ]


def test_csr_country_is_printable_string(make_request, rsa_key):
    der = build_subject(make_request()).public_bytes()

    # OID 2.5.4.6 (countryName), then tag 0x13 (PrintableString), length 2.
    assert b"\x06\x03\x55\x04\x06\x13\x02KR" in der


def test_csr_text_fields_are_utf8_strings(make_request, rsa_key):
    der = build_subject(make_request()).public_bytes()

    assert b"\x06\x03\x55\x04\x08\x0c\x05Seoul" in der


def test_csr_leaves_out_ou_and_email_by_default(make_request, rsa_key):
    request = make_request(
        organizational_unit="IT Team", email_address="admin@example.co.kr"
    )

    csr = build_csr(request, rsa_key)

    oids = [oid for oid, _ in subject_pairs(csr)]
    assert NameOID.ORGANIZATIONAL_UNIT_NAME not in oids
    assert NameOID.EMAIL_ADDRESS not in oids
    assert san_values(csr, x509.RFC822Name) == []


def test_csr_includes_ou_and_email_when_asked(make_request, rsa_key):
    request = make_request(
        organizational_unit="IT Team",
        email_address="admin@example.co.kr",
        include_ou_in_subject=True,
        include_email_in_subject=True,
    )

    csr = build_csr(request, rsa_key)

    pairs = subject_pairs(csr)
    assert (NameOID.ORGANIZATIONAL_UNIT_NAME, "IT Team") in pairs
    assert pairs[-1] == (NameOID.EMAIL_ADDRESS, "admin@example.co.kr")
    assert san_values(csr, x509.RFC822Name) == ["admin@example.co.kr"]


@pytest.mark.parametrize(
    ("common_name", "add_www_variant", "extra_sans", "expected_cn", "expected_sans"),
    [
        ("example.co.kr", False, (), "example.co.kr", ["example.co.kr"]),
        (
            "example.co.kr",
            True,
            (),
            "example.co.kr",
            ["example.co.kr", "www.example.co.kr"],
        ),
        ("*.example.com", True, (), "*.example.com", ["*.example.com", "example.com"]),
        (
            "예시.한국",
            True,
            ("shop.예시.한국",),
            "xn--vv4b11d.xn--3e0b707e",
            [
                "xn--vv4b11d.xn--3e0b707e",
                "www.xn--vv4b11d.xn--3e0b707e",
                "shop.xn--vv4b11d.xn--3e0b707e",
            ],
        ),
    ],
)
def test_csr_san_holds_common_name_first(
    make_request,
    rsa_key,
    common_name,
    add_www_variant,
    extra_sans,
    expected_cn,
    expected_sans,
):
    request = make_request(
        common_name=common_name,
        add_www_variant=add_www_variant,
        extra_sans=extra_sans,
    )

    csr = build_csr(request, rsa_key)

    cn = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == expected_cn
    assert san_values(csr) == expected_sans


def test_csr_rsa_signature_is_sha256_with_rsa(make_request, rsa_key):
    csr = build_csr(make_request(), rsa_key)

    assert csr.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA256
    assert csr.is_signature_valid


def test_csr_ec_signature_is_ecdsa_with_sha256(make_request, ec_key):
    csr = build_csr(make_request(key_type="EC", key_size=256), ec_key)

    assert csr.signature_algorithm_oid == SignatureAlgorithmOID.ECDSA_WITH_SHA256
    assert csr.is_signature_valid


def test_public_key_sha256_hashes_der_spki(rsa_key):
    der = rsa_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    fingerprint = public_key_sha256(rsa_key.public_key())

    assert fingerprint == hashlib.sha256(der).hexdigest()
    assert fingerprint == fingerprint.lower()
    assert len(fingerprint) == 64
