"""Common Name and subjectAltName rules: syntax, IDN, public suffixes, www variant."""

from __future__ import annotations

import pytest

from helpdesk.csr import (
    Severity,
    check_field,
    check_request,
    has_errors,
    subject_alt_names,
)


@pytest.mark.parametrize(
    "value",
    [
        "www.example.com",
        "example.co.kr",
        "shop.example.co.kr",
        "*.example.com",
        "*.example.co.kr",
        "xn--3e0b707e.kr",
        "a-b.example.com",
        "123.example.com",
        "shop.blogspot.com",
        "a" * 61 + ".kr",
    ],
)
def test_common_name_valid_passes(value):
    assert check_field("common_name", value) == []


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("WWW.EXAMPLE.COM", "www.example.com"),
        ("www.example.com.", "www.example.com"),
        (" www.example.com ", "www.example.com"),
        ("Example.CO.KR.  ", "example.co.kr"),
        ("ｅｘａｍｐｌｅ.com", "example.com"),
        ("*.Example.com", "*.example.com"),
    ],
)
def test_common_name_case_and_dots_get_suggestion(value, suggestion):
    findings = check_field("common_name", value)

    assert len(findings) == 1
    assert findings[0].severity is Severity.ERROR
    assert findings[0].suggestion == suggestion
    assert suggestion in findings[0].render()


@pytest.mark.parametrize(
    ("value", "a_label"),
    [
        ("한국.kr", "xn--3e0b707e.kr"),
        ("예시.한국", "xn--vv4b11d.xn--3e0b707e"),
        ("www.예시.한국", "www.xn--vv4b11d.xn--3e0b707e"),
        ("*.한국.kr", "*.xn--3e0b707e.kr"),
        ("bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_common_name_idn_suggests_a_label(value, a_label):
    findings = check_field("common_name", value)

    assert len(findings) == 1
    assert findings[0].severity is Severity.INFO
    assert findings[0].params["unicode"] == value
    assert findings[0].params["ascii"] == a_label
    assert findings[0].suggestion == a_label


def test_common_name_idn_capitals_is_error():
    findings = check_field("common_name", "한국.KR")

    assert findings[0].severity is Severity.ERROR
    assert findings[0].suggestion == "xn--3e0b707e.kr"
    assert findings[0].params["unicode"] == "한국.kr"


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("*.*.example.com", "whole left-most label"),
        ("a*.example.com", "whole left-most label"),
        ("www.*.example.com", "whole left-most label"),
        ("*", "whole left-most label"),
        ("*.co.kr", "directly on the public suffix"),
        ("*.com", "directly on the public suffix"),
        ("*.xn--3e0b707e", "directly on the public suffix"),
        ("co.kr", "is a public suffix"),
        ("com", "is a public suffix"),
        ("kr", "is a public suffix"),
        ("foo_bar.example.com", "underscore"),
        ("_dmarc.example.com", "underscore"),
        ("-shop.example.com", "hyphen"),
        ("shop-.example.com", "hyphen"),
        ("shop..example.com", "empty label"),
        ("sh op.example.com", "characters a host name cannot have"),
        ("shop!.example.com", "characters a host name cannot have"),
        ("a" * 64 + ".kr", "at most 63"),
        ("www." + "a" * 58 + ".kr", "at most 64"),
        ("".join(chr(0xAC00 + i * 397) for i in range(20)) + ".kr", "at most 63"),
        ("xn--abc.com", "not a valid internationalized label"),
        ("☃.com", "IDNA 2008"),
        ("localhost", "internal name"),
        ("server", "internal name"),
        ("intranet.local", "internal name"),
        ("db.internal", "internal name"),
        ("nas.lan", "internal name"),
        ("printer.home.arpa", "internal name"),
        ("shop.test", "internal name"),
        ("example.notarealtld", "internal name"),
        ("192.168.0.10", "IP address"),
        ("10.0.0.1", "IP address"),
        ("2001:db8::1", "IP address"),
        ("[2001:db8::1]", "IP address"),
        ("", "Common Name is required"),
        ("   ", "Common Name is required"),
    ],
)
def test_common_name_rejected_with_reason(value, phrase):
    findings = check_field("common_name", value)

    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert errors, findings
    assert any(phrase in f.render() for f in errors), [f.render() for f in errors]


def test_common_name_length_counts_a_label():
    # 24 characters as typed; 74 characters as A-labels.
    syllables = "가궍꼚낧눴돁땎뛛롨맵"
    value = syllables + "." + syllables + ".kr"

    findings = check_field("common_name", value)

    assert has_errors(findings)
    assert any("at most 64" in f.render() for f in findings)


def test_common_name_private_suffix_wildcard_warns():
    findings = check_field("common_name", "*.github.io")

    assert [f.severity for f in findings] == [Severity.WARNING]
    assert findings[0].params["suffix"] == "github.io"


def test_extra_san_follows_common_name_rules():
    assert check_field("extra_sans", "shop.example.co.kr") == []
    assert check_field("extra_sans", "SHOP.example.co.kr")[0].suggestion == (
        "shop.example.co.kr"
    )
    assert has_errors(check_field("extra_sans", "*.co.kr"))
    assert has_errors(check_field("extra_sans", "nas.local"))


def test_extra_san_may_exceed_common_name_length():
    name = "www." + "a" * 60 + ".example.com"

    assert check_field("extra_sans", name) == []
    assert check_field("extra_sans", "b" * 63 + ".kr") == []
    assert has_errors(check_field("common_name", name))


def test_check_request_names_bad_extra_san(make_request):
    request = make_request(extra_sans=("shop.example.co.kr", "intranet.local"))

    findings = check_request(request)

    assert [(f.field, f.value) for f in findings] == [("extra_sans", "intranet.local")]


@pytest.mark.parametrize(
    ("common_name", "extra_sans", "expected"),
    [
        ("example.co.kr", (), ["example.co.kr", "www.example.co.kr"]),
        ("www.example.co.kr", (), ["www.example.co.kr", "example.co.kr"]),
        ("example.com", (), ["example.com", "www.example.com"]),
        ("*.example.com", (), ["*.example.com", "example.com"]),
        ("shop.blogspot.com", (), ["shop.blogspot.com", "www.shop.blogspot.com"]),
        ("shop.example.co.kr", (), ["shop.example.co.kr"]),
        ("www.shop.example.co.kr", (), ["www.shop.example.co.kr"]),
        ("한국.kr", (), ["xn--3e0b707e.kr", "www.xn--3e0b707e.kr"]),
        (
            "example.co.kr",
            ("www.example.co.kr", "Shop.example.co.kr", "shop.example.co.kr"),
            ["example.co.kr", "www.example.co.kr", "shop.example.co.kr"],
        ),
    ],
)
def test_subject_alt_names_www_variant(make_request, common_name, extra_sans, expected):
    request = make_request(
        common_name=common_name,
        problem_domain="",
        add_www_variant=True,
        extra_sans=extra_sans,
    )

    assert subject_alt_names(request) == expected


def test_subject_alt_names_common_name_only(make_request):
    request = make_request(common_name="example.co.kr")

    assert subject_alt_names(request) == ["example.co.kr"]


def test_www_variant_on_subdomain_warns(make_request):
    request = make_request(common_name="shop.example.co.kr", add_www_variant=True)

    findings = check_request(request)

    assert [(f.field, f.severity) for f in findings] == [
        ("common_name", Severity.WARNING)
    ]


def test_duplicate_extra_sans_get_info(make_request):
    request = make_request(
        common_name="example.co.kr",
        problem_domain="",
        add_www_variant=True,
        extra_sans=(
            "example.co.kr",
            "www.example.co.kr",
            "a.example.co.kr",
            "A.example.co.kr",
        ),
    )

    findings = check_request(request)

    duplicates = [f.value for f in findings if f.severity is Severity.INFO]
    assert duplicates == ["example.co.kr", "www.example.co.kr", "A.example.co.kr"]
    assert not has_errors([f for f in findings if f.value != "A.example.co.kr"])
