"""Certificates issued from our CSRs pass pkilint's CA/Browser Forum TLS linter.

A throwaway CA signs each CSR into an OV server certificate. Findings about
the test CA's own choices are ignored. No ERROR or FATAL finding may concern
the subject or the subjectAltName, because those come from the CSR.
"""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pkilint import finding_filter, loader
from pkilint.cabf import serverauth
from pkilint.cabf.serverauth.serverauth_constants import CertificateType
from pkilint.pkix import certificate as pkix_certificate
from pkilint.validation import ValidationFindingSeverity

from helpdesk.csr import build_delivery

from .helpers import FAST_KDF_ROUNDS, PASSPHRASE, TestCa

NAME_CODE_WORDS = ("subject", "san", "common_name", "dns", "domain", "name", "wildcard")


@pytest.fixture(scope="module")
def test_ca():
    return TestCa()


def lint(certificate: x509.Certificate):
    """Return (certificate type, [(severity, code, node path, message)])."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    document = loader.load_der_certificate(der, "certificate")
    certificate_type = serverauth.determine_certificate_type(document)
    validator = pkix_certificate.create_pkix_certificate_validator_container(
        serverauth.create_decoding_validators(),
        serverauth.create_validators(certificate_type),
    )
    results, _ = finding_filter.filter_results(
        serverauth.create_serverauth_finding_filters(certificate_type),
        validator.validate(document.root),
    )
    findings = [
        (
            description.finding.severity,
            description.finding.code,
            result.node.path,
            description.message,
        )
        for result in results
        for description in result.finding_descriptions
    ]
    return certificate_type, findings


def concerns_subject_or_san(code: str, path: str) -> bool:
    parts = path.split(".")
    return (
        "subject" in parts
        or "subjectAltName" in parts
        or any(word in code.lower() for word in NAME_CODE_WORDS)
    )


@pytest.mark.parametrize(
    ("key_type", "key_size", "common_name", "add_www_variant", "extra_sans"),
    [
        ("RSA", 2048, "example.co.kr", True, ()),
        ("RSA", 4096, "www.example.com", True, ()),
        ("EC", 256, "example.co.kr", True, ()),
        ("EC", 384, "shop.example.co.kr", False, ("api.example.co.kr",)),
        ("RSA", 2048, "*.example.co.kr", True, ()),
        ("EC", 256, "*.example.com", False, ()),
        ("EC", 256, "예시.한국", True, ("shop.예시.한국",)),
        ("RSA", 3072, "한국.kr", True, ()),
    ],
)
def test_issued_certificate_subject_san_clean(
    make_request, test_ca, key_type, key_size, common_name, add_www_variant, extra_sans
):
    request = make_request(
        key_type=key_type,
        key_size=key_size,
        common_name=common_name,
        problem_domain="",
        add_www_variant=add_www_variant,
        extra_sans=extra_sans,
        organizational_unit="IT Team",
        email_address="admin@example.co.kr",
    )
    delivery = build_delivery(request, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)
    csr = x509.load_pem_x509_csr(delivery.csr_pem.encode())

    certificate_type, findings = lint(test_ca.issue(csr))

    report = "\n".join(f"{s.name} {c} {p} {m}" for s, c, p, m in findings)
    blocking = [
        (code, path)
        for severity, code, path, _ in findings
        if severity <= ValidationFindingSeverity.ERROR
        and concerns_subject_or_san(code, path)
    ]
    assert certificate_type is CertificateType.OV_FINAL_CERTIFICATE
    assert blocking == [], report


def test_linter_flags_subject_errors_it_is_asked_about(test_ca, rsa_key):
    # A certificate with an internal name and an OU must fail this same check,
    # which shows the filter above can see subject and SAN errors.
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "KR"),
                    x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, "Example"),
                    x509.NameAttribute(x509.NameOID.ORGANIZATIONAL_UNIT_NAME, "IT"),
                    x509.NameAttribute(x509.NameOID.COMMON_NAME, "intranet.local"),
                ]
            )
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("intranet.local")]), False
        )
        .sign(rsa_key, hashes.SHA256())
    )

    _, findings = lint(test_ca.issue(csr))

    blocking = [
        code
        for severity, code, path, _ in findings
        if severity <= ValidationFindingSeverity.ERROR
        and concerns_subject_or_san(code, path)
    ]
    assert blocking, findings


def test_ou_in_subject_fails_public_ca_lint(make_request, test_ca):
    # The include_ou_in_subject flag is only for private CAs, because a
    # public OV certificate must not contain an OU.
    request = make_request(
        organizational_unit="IT Team",
        include_ou_in_subject=True,
        key_type="EC",
        key_size=256,
    )
    delivery = build_delivery(request, PASSPHRASE, kdf_rounds=FAST_KDF_ROUNDS)
    csr = x509.load_pem_x509_csr(delivery.csr_pem.encode())

    _, findings = lint(test_ca.issue(csr))

    codes = [
        code
        for severity, code, _, _ in findings
        if severity <= ValidationFindingSeverity.ERROR
    ]
    assert codes == ["cabf.serverauth.ov.organizational_unit_name_attribute_present"]
