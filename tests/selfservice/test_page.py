"""The self-service page: findings next to the fields, suggestions, access rules."""

import io
import re

import pytest

from helpdesk.models import Role

from .helpers import PASSPHRASE, fields

FORM_INPUTS = (
    "country",
    "state",
    "locality",
    "organization",
    "organizational_unit",
    "common_name",
    "email_address",
    "key",
    "add_www_variant",
)


def test_page_labels_every_input(customer_client):
    response = customer_client.get("/selfservice")

    assert response.status_code == 200
    for name in FORM_INPUTS:
        assert re.search(f'<label[^>]* for="{name}"', response.text), name
        assert f'id="{name}"' in response.text, name
    assert 'name="passphrase"' not in response.text


def test_page_has_no_inline_script_or_style(customer_client):
    response = customer_client.post(
        "/selfservice", data=fields(country="Korea", key="RSA-1024")
    )

    assert "<script" not in response.text
    assert "style=" not in response.text
    assert " on" + "click=" not in response.text


def test_check_shows_findings_next_to_fields(customer_client):
    response = customer_client.post(
        "/selfservice",
        data=fields(country="Korea", state="서울", key="RSA-1024"),
    )

    assert response.status_code == 200
    page = response.text
    assert "“Korea” is not a two-letter ISO 3166-1 code in upper case." in page
    assert "Did you mean KR?" in page
    assert "“서울” contains Korean text." in page
    assert "Did you mean Seoul?" in page
    assert "An RSA key of 1024 bits is too weak" in page
    assert "Did you mean RSA 2048 (recommended)?" in page
    # Each field's findings are tied to its input for screen readers.
    assert re.search(r'id="country"[^>]*aria-invalid="true"', page) or re.search(
        r'aria-invalid="true"[^>]*id="country"', page
    )
    assert 'id="country-findings"' in page


def test_check_with_errors_blocks_download_and_offers_ticket(customer_client):
    response = customer_client.post("/selfservice", data=fields(country="Korea"))

    assert 'name="passphrase"' not in response.text
    assert 'formaction="/selfservice/download"' not in response.text
    assert 'formaction="/selfservice/ticket"' in response.text
    assert 'value="rules"' in response.text


def test_check_shows_warnings_and_notes(customer_client):
    response = customer_client.post(
        "/selfservice",
        data=fields(organizational_unit="IT Team", common_name="shop.example.co.kr"),
    )

    assert "Warning" in response.text
    assert "is neither a registrable domain nor its www name" in response.text
    assert "Note" in response.text
    assert "“IT Team” stays on the ticket but is left out of the CSR subject" in (
        response.text
    )
    # Warnings and notes do not block the download.
    assert 'name="passphrase"' in response.text


def test_check_without_errors_offers_passphrase(customer_client):
    response = customer_client.post("/selfservice", data=fields())

    assert response.status_code == 200
    assert "Every rule passed." in response.text
    assert '<label for="passphrase"' in response.text
    assert '<label for="passphrase_confirmation"' in response.text
    assert 'formaction="/selfservice/download"' in response.text
    assert "example.co.kr, www.example.co.kr" in response.text
    assert 'formaction="/selfservice/ticket"' not in response.text


def test_check_never_echoes_passphrase(customer_client):
    data = fields()
    data["passphrase"] = PASSPHRASE
    data["passphrase_confirmation"] = PASSPHRASE

    response = customer_client.post("/selfservice", data=data)

    assert PASSPHRASE not in response.text


def test_apply_suggestions_fills_corrected_values(customer_client):
    data = fields(
        country="Korea",
        state="서울",
        organizational_unit="N/A",
        common_name="Example.CO.kr",
        key="RSA-1024",
    )
    data["apply_suggestions"] = "1"

    response = customer_client.post("/selfservice", data=data)

    page = response.text
    assert re.search(r'id="country"[^>]*value="KR"', page)
    assert re.search(r'id="state"[^>]*value="Seoul"', page)
    assert re.search(r'id="common_name"[^>]*value="example.co.kr"', page)
    assert re.search(r'<option selected value="RSA-2048">', page)
    assert "Every rule passed." in page


def test_unknown_key_choice_is_field_error(customer_client):
    response = customer_client.post("/selfservice", data=fields(key="DSA-1024"))

    assert response.status_code == 422
    assert "DSA-1024 is not one of the offered key types." in response.text


def test_private_key_in_field_is_rejected(customer_client):
    header = "-----BEGIN PRIVATE KEY-----"

    response = customer_client.post("/selfservice", data=fields(organization=header))

    assert response.status_code == 422
    assert "contains a private key" in response.text
    assert header not in response.text


def test_too_long_value_is_field_error(customer_client):
    response = customer_client.post("/selfservice", data=fields(locality="x" * 300))

    assert response.status_code == 422
    assert "has 300 characters; it can have at most 256" in response.text


@pytest.mark.parametrize(
    "path", ["/selfservice", "/selfservice/download", "/selfservice/ticket"]
)
@pytest.mark.parametrize("name", ["state", "passphrase"])
def test_file_in_text_field_counts_as_empty(customer_client, path, name):
    data = fields()
    data[name] = (io.BytesIO(b"file text"), "a.txt")

    response = customer_client.post(path, data=data, content_type="multipart/form-data")

    assert response.status_code in (200, 303, 422)
    assert "file text" not in response.text


def test_file_in_state_field_reports_missing_state(customer_client):
    data = fields()
    data["state"] = (io.BytesIO(b"file text"), "a.txt")

    response = customer_client.post(
        "/selfservice", data=data, content_type="multipart/form-data"
    )

    assert "State or Province Name is required" in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/selfservice"),
        ("post", "/selfservice"),
        ("post", "/selfservice/download"),
        ("post", "/selfservice/ticket"),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path, data=fields())

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_staff_cannot_use_selfservice(client, make_user, login, role):
    login(client, make_user(role))

    assert client.get("/selfservice").status_code == 403
    assert client.post("/selfservice/download", data=fields()).status_code == 403
