"""Property: every request the rules accept gives a CSR that OpenSSL accepts."""

from __future__ import annotations

import pycountry
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpdesk.csr import CsrRequest, check_request, has_errors, subject_alt_names
from helpdesk.csr.builder import build_csr
from helpdesk.csr.names import check_dns_name

from .helpers import run_tool_with_input

pytestmark = pytest.mark.interop

PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))
COUNTRIES = sorted(country.alpha_2 for country in pycountry.countries)
SUFFIXES = ["com", "net", "org", "kr", "co.kr", "or.kr", "jp", "io", "한국", "de"]
HANGUL = [chr(code) for code in range(0xAC00, 0xAC00 + 400, 7)]

ascii_label = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?\Z")
hangul_label = st.lists(st.sampled_from(HANGUL), min_size=1, max_size=6).map("".join)
label = st.one_of(ascii_label, ascii_label, hangul_label)


@st.composite
def dns_names(draw, allow_wildcard=True):
    labels = draw(st.lists(label, min_size=1, max_size=3))
    name = ".".join(labels + [draw(st.sampled_from(SUFFIXES))])
    if allow_wildcard and draw(st.booleans()):
        name = "*." + name
    return name


def subject_text(max_size):
    return st.text(alphabet=PRINTABLE_ASCII, min_size=1, max_size=max_size)


@st.composite
def csr_requests(draw):
    key_type, key_size = draw(st.sampled_from([("RSA", 2048), ("EC", 256)]))
    common_name = draw(dns_names())
    return CsrRequest(
        country=draw(st.sampled_from(COUNTRIES)),
        state=draw(subject_text(128)),
        locality=draw(subject_text(128)),
        organization=draw(subject_text(64)),
        organizational_unit=draw(st.one_of(st.just(""), subject_text(64))),
        common_name=common_name,
        email_address=draw(
            st.one_of(
                st.just(""),
                st.builds(
                    "{}@{}".format,
                    st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,15}[a-z0-9]\Z"),
                    st.sampled_from(["example.com", "example.co.kr"]),
                ),
            )
        ),
        key_type=key_type,
        key_size=key_size,
        include_ou_in_subject=draw(st.booleans()),
        include_email_in_subject=draw(st.booleans()),
        extra_sans=tuple(draw(st.lists(dns_names(allow_wildcard=False), max_size=3))),
        add_www_variant=draw(st.booleans()),
    )


def openssl_subject(csr_pem: bytes) -> list[tuple[str, str]]:
    result = run_tool_with_input(
        [
            "openssl",
            "req",
            "-noout",
            "-subject",
            "-nameopt",
            "sep_multiline,lname,utf8,space_eq",
        ],
        csr_pem,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()[1:]
    return [tuple(line[4:].split(" = ", 1)) for line in lines]


def expected_subject(request: CsrRequest) -> list[tuple[str, str]]:
    subject = [
        ("countryName", request.country),
        ("stateOrProvinceName", request.state),
        ("localityName", request.locality),
        ("organizationName", request.organization),
    ]
    if request.include_ou_in_subject and request.organizational_unit:
        subject.append(("organizationalUnitName", request.organizational_unit))
    subject.append(
        ("commonName", check_dns_name("common_name", request.common_name).a_label)
    )
    if request.include_email_in_subject and request.email_address:
        subject.append(("emailAddress", request.email_address))
    return subject


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(request=csr_requests())
def test_accepted_request_csr_verifies(request, rsa_key, ec_key):
    assume(not has_errors(check_request(request)))
    key = rsa_key if request.key_type == "RSA" else ec_key

    csr = build_csr(request, key)
    csr_pem = csr.public_bytes(serialization.Encoding.PEM)
    verified = run_tool_with_input(["openssl", "req", "-verify", "-noout"], csr_pem)

    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    dns_names_in_csr = san.value.get_values_for_type(x509.DNSName)
    common_name = check_dns_name("common_name", request.common_name).a_label
    assert verified.returncode == 0, verified.stderr
    assert openssl_subject(csr_pem) == expected_subject(request)
    assert dns_names_in_csr == subject_alt_names(request)
    assert dns_names_in_csr[0] == common_name
