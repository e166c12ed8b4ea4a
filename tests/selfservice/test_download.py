"""The self-service download: the ZIP at once, a ticket, no secret stored."""

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography import x509
from support.delivery import open_delivery, spki_der, subject_alt_names
from support.secret_scan import build_needles, find_in_paths, find_in_text

from helpdesk.csr import public_key_sha256
from helpdesk.extensions import db
from helpdesk.models import IssuedCsr, Ticket
from helpdesk.workflow import Status

from .helpers import PASSPHRASE, audit_events, download, fields


@pytest.mark.parametrize("key", ["EC-256", "RSA-2048"])
def test_download_returns_zip_that_opens(customer_client, customer, key):
    response = download(customer_client, key=key)

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "example.co.kr.zip" in disposition
    assert "ETag" not in response.headers

    delivery = open_delivery(response.data, PASSPHRASE)
    assert delivery.csr.is_signature_valid
    assert spki_der(delivery.csr.public_key()) == spki_der(
        delivery.private_key.public_key()
    )
    common_name = delivery.csr.subject.get_attributes_for_oid(
        x509.oid.NameOID.COMMON_NAME
    )
    assert common_name[0].value == "example.co.kr"
    assert subject_alt_names(delivery.csr) == ["example.co.kr", "www.example.co.kr"]


def test_download_records_delivered_ticket(customer_client, customer):
    response = download(customer_client)
    delivery = open_delivery(response.data, PASSPHRASE)

    db.session.rollback()
    ticket = db.session.scalars(sa.select(Ticket)).one()
    assert ticket.customer_id == customer.id
    assert ticket.status == Status.DELIVERED
    assert ticket.common_name == "example.co.kr"
    assert ticket.add_www_variant is True
    assert ticket.delivered_by_id == customer.id
    issued = ticket.current_csr
    assert issued.public_key_sha256 == public_key_sha256(
        delivery.private_key.public_key()
    )
    assert issued.csr_pem.encode() == delivery.csr_pem
    assert (issued.key_type, issued.key_size) == ("EC", 256)

    events = audit_events("selfservice.downloaded")
    assert len(events) == 1
    assert events[0].ticket_id == ticket.id
    assert events[0].details["public_key_sha256"] == issued.public_key_sha256
    assert events[0].details["issued_csr_id"] == issued.id


def test_download_ticket_shows_on_ticket_page(customer_client):
    download(customer_client)
    ticket = db.session.scalars(sa.select(Ticket)).one()

    page = customer_client.get(f"/tickets/{ticket.id}")

    assert page.status_code == 200
    assert ticket.current_csr.public_key_sha256 in page.text


def test_download_stores_no_key_or_passphrase(app, customer_client, caplog):
    caplog.set_level(logging.DEBUG)

    response = download(customer_client, key="RSA-2048")

    delivery = open_delivery(response.data, PASSPHRASE)
    needles = build_needles(
        passphrase=PASSPHRASE,
        private_key=delivery.private_key,
        encrypted_key_pem=delivery.encrypted_key_pem,
        zip_bytes=response.data,
    )
    db.session.remove()
    hits = find_in_paths([Path(app.instance_path)], needles)
    hits += find_in_text(caplog.text, needles, "captured log")
    assert not hits, [str(hit) for hit in hits]


def test_download_keeps_no_passphrase_in_session(customer_client):
    download(customer_client)

    with customer_client.session_transaction() as session:
        assert PASSPHRASE not in repr(dict(session))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "RSA-1024"}, "An RSA key of 1024 bits is too weak"),
        ({"country": "Korea"}, "“Korea” is not a two-letter ISO 3166-1 code"),
        ({"common_name": ""}, "Common Name"),
    ],
)
def test_download_blocked_when_rule_fails(customer_client, changes, message):
    response = download(customer_client, **changes)

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert message in response.text
    assert "the download is blocked" in response.text
    assert 'formaction="/selfservice/ticket"' in response.text
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(IssuedCsr.id))) == 0


@pytest.mark.parametrize(
    ("passphrase", "confirmation", "message"),
    [
        ("short", "short", "it needs at least 12"),
        (PASSPHRASE, PASSPHRASE + "x", "The two passphrases do not match."),
        ("", "", "Passphrase is required."),
        ("password1234", "password1234", "on a list of common passwords"),
    ],
)
def test_download_rejects_weak_passphrase(
    customer_client, passphrase, confirmation, message
):
    data = fields()
    data["passphrase"] = passphrase
    data["passphrase_confirmation"] = confirmation

    response = customer_client.post("/selfservice/download", data=data)

    assert response.status_code == 422
    assert message in response.text
    assert 'name="passphrase"' in response.text
    if passphrase:
        assert passphrase not in response.text
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_download_needs_fresh_sign_in(client, customer, login):
    login(client, customer, fresh=False)

    response = download(client, common_name="kept.example.co.kr")

    assert response.status_code == 302
    assert "/reauthenticate" in response.headers["Location"]
    assert "next=/selfservice" in response.headers["Location"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0
    with client.session_transaction() as session:
        assert PASSPHRASE not in repr(dict(session))

    page = client.get("/selfservice")

    assert 'value="kept.example.co.kr"' in page.text
    assert "For your security you will be asked for your account password" in (
        page.text
    )
    assert client.get("/selfservice").text.count("kept.example.co.kr") == 0


def test_generation_failure_offers_ticket(app, customer_client):
    # Zero PBKDF2 rounds makes the key encryption fail after every rule passed.
    app.config["KEY_KDF_ROUNDS"] = 0

    response = download(customer_client)

    assert response.status_code == 500
    assert "The key could not be generated" in response.text
    assert 'value="generation_failed"' in response.text
    assert PASSPHRASE not in response.text
    events = audit_events("selfservice.download_failed")
    assert [event.details["error"] for event in events] == ["ValueError"]
    assert db.session.scalar(sa.select(sa.func.count(IssuedCsr.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0


def test_download_is_rate_limited_per_account(app, customer_client):
    app.config["SELFSERVICE_DOWNLOAD_LIMIT"] = "2/hour"

    statuses = [download(customer_client, key="RSA-1024").status_code for _ in "abc"]

    assert statuses == [422, 422, 429]
