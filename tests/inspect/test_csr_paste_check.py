"""The CSR check: paste or upload a CSR made elsewhere and see the rules' verdict."""

import base64
import html
import io
import logging
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from inspect_helpers import (
    GOOD_SUBJECT,
    TestAuthority,
    build_csr,
    der,
    new_key,
    pem,
    private_key_pem,
)
from support.secret_scan import Needle, find_in_paths, find_in_text

from helpdesk.csr import public_key_sha256
from helpdesk.extensions import db
from helpdesk.models import AuditEvent


def _check(client, text: str = "", upload: tuple[bytes, str] | None = None):
    data = {"text": text}
    if upload is not None:
        data["upload"] = (io.BytesIO(upload[0]), upload[1])
    return client.post("/csr-check", data=data, content_type="multipart/form-data")


def _textarea(page: str) -> str:
    match = re.search(r'<textarea[^>]*id="text"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "the page has no text area"
    return match.group(1)


def _openssl_csr(folder: Path, subject: str, extra: list[str] = ()) -> bytes:
    """Make a CSR with `openssl req`; the throwaway key goes to FOLDER."""
    result = subprocess.run(
        [
            "openssl",
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-noenc",
            "-keyout",
            str(folder / "throwaway.key"),
            "-subj",
            subject,
            "-addext",
            "subjectAltName=DNS:www.example.co.kr",
            *extra,
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_form_labels_inputs(customer_client):
    response = customer_client.get("/csr-check")

    assert response.status_code == 200
    assert '<label for="text">' in response.text
    assert '<label for="upload">' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_good_csr_shows_contents_and_passes(customer_client):
    key = new_key()
    request = build_csr(key)

    response = _check(customer_client, pem(request))

    page = response.text
    assert response.status_code == 200
    assert "Common Name (CN): <code>www.example.co.kr</code>" in page
    assert "Country Name (C): <code>KR</code>" in page
    assert "<code>www.example.co.kr</code>" in page
    assert "<dd>ECDSA P-256</dd>" in page
    assert "ecdsa-with-SHA256" in page
    assert "valid: the CSR was signed" in page
    assert public_key_sha256(key.public_key()) in page
    assert "No rule found a problem in this CSR." in page
    # The pasted CSR stays in the text area.
    assert "BEGIN CERTIFICATE REQUEST" in _textarea(page)


@pytest.mark.interop
def test_openssl_csr_is_read(customer_client, tmp_path):
    csr_pem = _openssl_csr(
        tmp_path, "/C=KR/ST=Seoul/L=Gangnam-gu/O=Example Co., Ltd./CN=www.example.co.kr"
    )
    expected = x509.load_pem_x509_csr(csr_pem)

    response = _check(customer_client, csr_pem.decode("ascii"))

    assert response.status_code == 200
    assert "<dd>RSA 2048</dd>" in response.text
    assert "sha256WithRSAEncryption" in response.text
    assert public_key_sha256(expected.public_key()) in response.text
    assert "No rule found a problem in this CSR." in response.text


@pytest.mark.interop
def test_openssl_csr_with_korean_state_gets_findings(customer_client, tmp_path):
    csr_pem = _openssl_csr(
        tmp_path,
        "/C=KR/ST=서울/L=Gangnam-gu/O=Example Co., Ltd./CN=www.example.co.kr",
        ["-utf8"],
    )

    response = _check(customer_client, csr_pem.decode("ascii"))

    assert response.status_code == 200
    assert "“서울” contains Korean text." in response.text
    assert "Did you mean Seoul?" in response.text


@pytest.mark.interop
def test_openssl_der_csr_upload_is_read(customer_client, tmp_path):
    csr_der = _openssl_csr(
        tmp_path,
        "/C=KR/ST=Seoul/L=Gangnam-gu/O=Example Co., Ltd./CN=www.example.co.kr",
        ["-outform", "DER"],
    )

    response = _check(customer_client, upload=(csr_der, "request.der"))

    expected = x509.load_der_x509_csr(csr_der)
    assert response.status_code == 200
    assert public_key_sha256(expected.public_key()) in response.text


def test_csr_rules_report_weak_key_and_extra_fields(customer_client):
    # A weak key is what this test is about.
    weak_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    subject = x509.Name(
        [
            *GOOD_SUBJECT,
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "IT Team"),
        ]
    )

    response = _check(customer_client, pem(build_csr(weak_key, subject)))

    assert response.status_code == 200
    assert "An RSA key of 1024 bits is too weak" in response.text
    assert "Did you mean RSA 2048 (recommended)?" in response.text
    assert "The CSR subject has the Organizational Unit “IT Team”." in response.text


def test_csr_with_mail_quoting_around_it_is_read(customer_client):
    text = "Hello, here is my CSR:\n\n" + pem(build_csr(new_key())) + "\nThanks!"

    response = _check(customer_client, text)

    assert response.status_code == 200
    assert "No rule found a problem in this CSR." in response.text


@pytest.mark.parametrize(
    "text",
    [
        "hello world",
        "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n"
        "-----END CERTIFICATE REQUEST-----",
        "-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjAN",
        "서울특별시",
    ],
)
def test_garbage_text_gets_message_and_is_kept(customer_client, text):
    response = _check(customer_client, text)

    assert response.status_code == 422
    assert "This is not a readable CSR." in response.text
    assert html.unescape(_textarea(response.text)).strip() == text


def test_damaged_uploads_never_fail_the_page(customer_client):
    original = der(build_csr(new_key()))
    for position in range(0, len(original), 7):
        damaged = bytearray(original)
        damaged[position] ^= 0xFF

        response = _check(customer_client, upload=(bytes(damaged), "request.der"))

        assert response.status_code in (200, 422), position


def test_file_in_text_field_counts_as_empty(customer_client):
    response = customer_client.post(
        "/csr-check",
        data={"text": (io.BytesIO(b"file text"), "a.txt")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert "Paste the CSR, starting with" in response.text


def test_empty_input_asks_for_csr(customer_client):
    response = _check(customer_client, "   ")

    assert response.status_code == 422
    assert "Paste the CSR, starting with -----BEGIN CERTIFICATE REQUEST-----" in (
        response.text
    )


def test_certificate_instead_of_csr_is_named(customer_client):
    authority = TestAuthority()

    response = _check(customer_client, pem(authority.certificate))

    assert response.status_code == 422
    assert "This is a certificate, not a CSR." in response.text


def test_oversized_input_is_rejected(customer_client):
    response = _check(customer_client, "A" * 100_001)

    assert response.status_code == 422
    assert "The input is larger than 100000 bytes." in response.text


def test_oversized_body_is_rejected_before_reading(customer_client):
    response = _check(customer_client, upload=(b"A" * 300_000, "big.csr"))

    assert response.status_code == 413
    assert "A CSR or certificate is a few kilobytes" in response.text


def test_oversized_body_is_rejected_before_csrf_check(app, customer_client):
    # The CSRF check reads the form before any view runs, so the size cap
    # must already apply then.
    app.config["WTF_CSRF_ENABLED"] = True

    response = _check(customer_client, upload=(b"A" * 300_000, "big.csr"))

    assert response.status_code == 413
    assert "A CSR or certificate is a few kilobytes" in response.text


def _key_needles(key) -> list[Needle]:
    pkcs8_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    body = base64.b64encode(pkcs8_der)
    return [
        Needle("DER private key", pkcs8_der),
        Needle("first PEM line of the private key", body[:64]),
        Needle("last PEM characters of the private key", body[-48:]),
        Needle(
            "private scalar", format(key.private_numbers().private_value, "x").encode()
        ),
    ]


@pytest.mark.parametrize(
    "make_text",
    [
        lambda key, request: private_key_pem(key),
        lambda key, request: pem(request) + private_key_pem(key),
        lambda key, request: private_key_pem(key).lower(),
        lambda key, request: private_key_pem(key).replace(
            "BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY"
        ),
    ],
    ids=["key alone", "csr and key", "lower case", "traditional header"],
)
def test_pasted_private_key_is_rejected(app, customer_client, caplog, make_text):
    caplog.set_level(logging.DEBUG)
    key = new_key()
    text = make_text(key, build_csr(key))

    response = _check(customer_client, text)

    assert response.status_code == 422
    assert "This contains a private key, so nothing was checked or saved" in (
        response.text
    )
    assert "make a new key and CSR" in response.text
    assert _textarea(response.text).strip() == ""
    needles = _key_needles(key)
    assert not find_in_text(response.text, needles, "response")
    db.session.remove()
    hits = find_in_paths([Path(app.instance_path)], needles)
    hits += find_in_text(caplog.text, needles, "captured log")
    assert not hits, [str(hit) for hit in hits]

    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "inspect.private_key_rejected")
    ).all()
    assert [event.details for event in events] == [{"page": "csr_check"}]


@pytest.mark.parametrize("password", [None, b"customer secret 1"])
def test_uploaded_der_private_key_is_rejected(customer_client, password):
    key = new_key()
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, encryption
    )

    response = _check(customer_client, upload=(key_der, "server.key"))

    assert response.status_code == 422
    assert "This contains a private key" in response.text


def test_agent_can_check_csr(client, agent, login):
    login(client, agent)

    response = _check(client, pem(build_csr(new_key())))

    assert response.status_code == 200


def test_admin_cannot_use_csr_check(client, admin, login):
    login(client, admin)

    assert client.get("/csr-check").status_code == 403


def test_anonymous_csr_check_goes_to_sign_in(client):
    for response in (client.get("/csr-check"), _check(client, "x")):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
