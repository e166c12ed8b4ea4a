"""Field rules: Country, free-text subject fields, Email Address, key choice."""

from __future__ import annotations

import pytest

from helpdesk.csr import (
    KEY_CHOICES,
    Severity,
    apply_suggestions,
    check_field,
    check_request,
    has_errors,
    key_display_name,
    key_label,
    key_label_display_name,
)


def errors_of(findings):
    return [f for f in findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("kr", "KR"),
        ("Kr", "KR"),
        (" KR", "KR"),
        ("KOR", "KR"),
        ("Korea", "KR"),
        ("south korea", "KR"),
        ("KO", "KR"),
        ("대한민국", "KR"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("DEU", "DE"),
        ("Germany", "DE"),
        ("usa", "US"),
        ("JPN", "JP"),
        ("Viet Nam", "VN"),
    ],
)
def test_country_mistake_gets_alpha2_suggestion(value, suggestion):
    findings = check_field("country", value)

    assert len(findings) == 1
    assert findings[0].severity is Severity.ERROR
    assert findings[0].suggestion == suggestion
    assert findings[0].params["value"] == value
    assert suggestion in findings[0].render()


@pytest.mark.parametrize("value", ["KR", "US", "GB", "DE", "JP"])
def test_country_valid_code_passes(value):
    assert check_field("country", value) == []


@pytest.mark.parametrize("value", ["XX", "K R", "Narnia", "ZZZ"])
def test_country_unknown_value_has_no_suggestion(value):
    findings = check_field("country", value)

    assert len(findings) == 1
    assert findings[0].suggestion is None
    assert "ISO 3166-1" in findings[0].render()


def test_country_missing_names_field():
    findings = check_field("country", "")

    assert findings[0].severity is Severity.ERROR
    assert "Country Name is required" in findings[0].render()


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("state", "State or Province Name"),
        ("locality", "Locality Name"),
        ("organization", "Organization Name"),
    ],
)
def test_required_text_field_missing_names_field(field, label):
    findings = check_field(field, "")

    assert len(findings) == 1
    assert findings[0].severity is Severity.ERROR
    assert label + " is required" in findings[0].render()


def test_organizational_unit_is_optional():
    assert check_field("organizational_unit", "") == []


@pytest.mark.parametrize(
    ("field", "value", "suggestion", "phrase"),
    [
        ("state", "서울", "Seoul", "romanized"),
        ("state", "경기도", "Gyeonggi-do", "romanized"),
        ("state", "서울특별시", "Seoul", "romanized"),
        ("locality", "성남시", "Seongnam-si", "romanized"),
        ("locality", "강남구", "Gangnam-gu", "romanized"),
        ("organization", "주식회사 예시", None, "romanized"),
        ("state", " Seoul", "Seoul", "spaces"),
        ("locality", "Gangnam-gu  ", "Gangnam-gu", "spaces"),
        ("organization", "Example\tCo.", "Example Co.", "control characters"),
        ("organization", "Example\nCo.", "Example Co.", "control characters"),
        ("locality", "Zürich", "Zurich", "printable ASCII"),
        ("organization", "Ｅｘａｍｐｌｅ", "Example", "printable ASCII"),
        ("state", "N/A", None, "placeholder"),
        ("locality", ".", None, "placeholder"),
        ("organization", "-", None, "placeholder"),
        ("state", "NA", None, "placeholder"),
        ("locality", "none", None, "placeholder"),
        ("organizational_unit", "N/A", "", "placeholder"),
        ("organizational_unit", "none", "", "placeholder"),
        ("organizational_unit", "   ", "", "only spaces"),
    ],
)
def test_text_field_problem_has_message_and_suggestion(
    field, value, suggestion, phrase
):
    findings = check_field(field, value)

    assert errors_of(findings), findings
    assert any(phrase in f.render() for f in findings), [f.render() for f in findings]
    assert all(f.suggestion == suggestion for f in findings)


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("state", 128),
        ("locality", 128),
        ("organization", 64),
        ("organizational_unit", 64),
    ],
)
def test_text_field_length_limit_counts_characters(field, limit):
    assert check_field(field, "a" * limit) == []

    findings = check_field(field, "a" * (limit + 1))

    assert len(findings) == 1
    assert findings[0].params["limit"] == limit
    assert findings[0].params["length"] == limit + 1


def test_text_field_korean_length_counts_characters_not_bytes():
    # 64 Hangul syllables are 192 UTF-8 bytes; only the ASCII rule may fire.
    findings = check_field("organization", "가" * 64)

    assert [f.params.get("limit") for f in findings] == [None]
    assert "Korean text" in findings[0].render()


@pytest.mark.parametrize(
    "value",
    ["Seoul", "Gyeonggi-do", "Example Co., Ltd.", "AT&T (Korea) #2", "O'Brien"],
)
def test_text_field_printable_ascii_passes(value):
    assert check_field("organization", value) == []


@pytest.mark.parametrize(
    ("value", "phrase", "example"),
    [
        ("hosting.example.com", "is a domain name", "admin@hosting.example.com"),
        ("example.co.kr", "is a domain name", "admin@example.co.kr"),
    ],
)
def test_email_domain_only_asks_for_mailbox(value, phrase, example):
    findings = check_field("email_address", value)

    assert len(findings) == 1
    assert findings[0].severity is Severity.ERROR
    assert phrase in findings[0].render()
    assert findings[0].params["example"] == example
    assert example in findings[0].render()


@pytest.mark.parametrize(
    ("value", "suggestion", "phrase"),
    [
        (" admin@example.com ", "admin@example.com", "Write"),
        ("admin@Example.COM", "admin@example.com", "Write"),
        ("관리자@example.com", None, "non-ASCII"),
        ("admin@example.한국", None, "non-ASCII"),
        ("admin@@example.com", None, "not a valid email address"),
        ("admin@localhost", None, "not a valid email address"),
        ("a" * 120 + "@example.com", None, "at most 128"),
    ],
)
def test_email_problem_has_message(value, suggestion, phrase):
    findings = check_field("email_address", value)

    assert errors_of(findings)
    assert phrase in findings[0].render()
    assert findings[0].suggestion == suggestion


@pytest.mark.parametrize("value", ["", "admin@example.com", "ssl-admin@example.co.kr"])
def test_email_valid_or_empty_passes(value):
    assert check_field("email_address", value) == []


@pytest.mark.parametrize(
    ("label", "suggestion"),
    [
        ("RSA-1024", "RSA-2048"),
        ("RSA-512", "RSA-2048"),
        ("RSA-8192", "RSA-4096"),
        ("EC-521", "EC-384"),
        ("EC-224", "EC-256"),
        ("DSA-2048", "RSA-2048"),
    ],
)
def test_key_not_offered_gets_suggestion(label, suggestion):
    findings = check_field("key", label)

    assert len(findings) == 1
    assert findings[0].field == "key"
    assert findings[0].severity is Severity.ERROR
    assert findings[0].suggestion == suggestion


def test_key_rsa_1024_explains_ca_policy():
    finding = check_field("key", "RSA-1024")[0]

    assert "under 2048 bits since 2014" in finding.render()


@pytest.mark.parametrize(
    "label", ["RSA-2048", "RSA-3072", "RSA-4096", "EC-256", "EC-384"]
)
def test_key_offered_passes(label):
    assert check_field("key", label) == []


def test_key_choices_offer_template_order_including_rsa_1024():
    pairs = [(key_type, size) for key_type, size, _ in KEY_CHOICES]

    assert pairs[0] == ("RSA", 2048)
    assert ("RSA", 1024) in pairs
    assert ("EC", 256) in pairs
    assert ("EC", 384) in pairs
    assert all(isinstance(label, str) and label for _, _, label in KEY_CHOICES)


def test_key_choices_other_than_1024_pass_rules():
    for key_type, size, _ in KEY_CHOICES:
        findings = check_field("key", f"{key_type}-{size}")
        assert has_errors(findings) == (size == 1024), (key_type, size)


@pytest.mark.parametrize(
    ("key_type", "size", "display_name"),
    [
        ("RSA", 2048, "RSA 2048"),
        ("RSA", 1024, "RSA 1024"),
        ("EC", 256, "ECDSA P-256"),
        ("EC", 384, "ECDSA P-384"),
    ],
)
def test_key_display_name_of_type_and_stored_label(key_type, size, display_name):
    assert key_display_name(key_type, size) == display_name
    assert key_label_display_name(key_label(key_type, size)) == display_name


def test_key_display_name_of_key_without_size():
    # describe_public_key gives size 0 for algorithms such as Ed25519.
    assert key_display_name("Ed25519", 0) == "Ed25519"


@pytest.mark.parametrize("text", ["", "RSA", "RSA-", "RSA-abc", "DSA-1024", "RSA-٢٠٤٨"])
def test_key_label_display_name_keeps_other_text(text):
    assert key_label_display_name(text) == text


def test_key_choice_labels_start_with_display_name():
    for key_type, size, label in KEY_CHOICES:
        assert label.startswith(key_display_name(key_type, size)), label


def test_check_request_valid_request_has_no_findings(make_request):
    assert check_request(make_request()) == []


def test_check_request_ou_left_out_gets_info(make_request):
    findings = check_request(make_request(organizational_unit="IT Team"))

    assert [f.severity for f in findings] == [Severity.INFO]
    assert "September 2022" in findings[0].render()


def test_check_request_ou_included_gets_warning(make_request):
    request = make_request(organizational_unit="IT Team", include_ou_in_subject=True)

    findings = check_request(request)

    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "private CA" in findings[0].render()


def test_check_request_email_left_out_gets_info(make_request):
    findings = check_request(make_request(email_address="admin@example.co.kr"))

    assert [f.severity for f in findings] == [Severity.INFO]
    assert "must also be in the subjectAltName" in findings[0].render()


def test_check_request_email_included_gets_warning(make_request):
    request = make_request(
        email_address="admin@example.co.kr", include_email_in_subject=True
    )

    findings = check_request(request)

    assert [f.severity for f in findings] == [Severity.WARNING]


@pytest.mark.parametrize(
    ("common_name", "problem_domain", "is_warned"),
    [
        ("www.example.co.kr", "example.co.kr", False),
        ("example.co.kr", "shop.example.co.kr", False),
        ("*.example.co.kr", "shop.example.co.kr", False),
        ("www.example.co.kr", "https://www.example.co.kr/login", False),
        ("www.example.co.kr", "", False),
        ("www.example.co.kr", "other.co.kr", True),
        ("example.co.kr", "notexample.co.kr", True),
        ("한국.kr", "xn--3e0b707e.kr", False),
    ],
)
def test_common_name_compared_with_problem_domain(
    make_request, common_name, problem_domain, is_warned
):
    request = make_request(common_name=common_name, problem_domain=problem_domain)

    findings = check_field("common_name", common_name, request)
    warnings = [f for f in findings if f.severity is Severity.WARNING]

    assert bool(warnings) == is_warned, findings
    if is_warned:
        assert warnings[0].params["problem_domain"] == problem_domain


def test_check_request_reports_every_field(make_request):
    request = make_request(
        country="kr",
        state="",
        locality="N/A",
        organization=" Example ",
        organizational_unit="none",
        common_name="WWW.Example.co.kr.",
        email_address="hosting.example.com",
        key_size=1024,
    )

    fields = {f.field for f in check_request(request) if f.severity is Severity.ERROR}

    assert fields == {
        "country",
        "state",
        "locality",
        "organization",
        "organizational_unit",
        "common_name",
        "email_address",
        "key",
    }


def test_apply_suggestions_corrects_every_safe_value(make_request):
    request = make_request(
        country="kr",
        state="경기도",
        locality=" Seongnam-si ",
        organization="Example\tCo., Ltd.",
        organizational_unit="N/A",
        common_name=" WWW.예시.한국. ",
        email_address=" admin@Example.CO.KR",
        key_size=1024,
        extra_sans=("Shop.Example.co.kr", "shop.example.co.kr", "한국.kr"),
    )

    corrected = apply_suggestions(request)

    assert corrected.country == "KR"
    assert corrected.state == "Gyeonggi-do"
    assert corrected.locality == "Seongnam-si"
    assert corrected.organization == "Example Co., Ltd."
    assert corrected.organizational_unit == ""
    assert corrected.common_name == "www.xn--vv4b11d.xn--3e0b707e"
    assert corrected.email_address == "admin@example.co.kr"
    assert (corrected.key_type, corrected.key_size) == ("RSA", 2048)
    assert corrected.extra_sans == ("shop.example.co.kr", "xn--3e0b707e.kr")
    assert not has_errors(check_request(corrected))


def test_apply_suggestions_leaves_unfixable_values(make_request):
    request = make_request(state="N/A", email_address="hosting.example.com")

    corrected = apply_suggestions(request)

    assert corrected.state == "N/A"
    assert corrected.email_address == "hosting.example.com"


def test_check_field_unknown_field_raises():
    with pytest.raises(ValueError, match="unknown CSR field"):
        check_field("serial_number", "1")


def test_finding_render_translates_message_then_fills_params():
    finding = check_field("country", "kr")[0]

    rendered = finding.render(lambda message: "[" + message + "]")

    assert rendered.startswith("[“kr” ")
    assert rendered.endswith("]")
