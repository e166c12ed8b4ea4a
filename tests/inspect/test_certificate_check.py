"""The certificate check of a ticket: key match, validity, names, access."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from inspect_helpers import build_csr, der, new_key, pem, private_key_pem
from support.delivery import open_delivery

from helpdesk.extensions import db
from helpdesk.inspect.services import is_name_covered
from helpdesk.models import AuditEvent, Ticket
from helpdesk.workflow import Status

PASSPHRASE = "violet tractor 88 bagel!"


def _check(client, ticket_id: int, text: str = "", upload=None):
    data = {"text": text}
    if upload is not None:
        data["upload"] = (io.BytesIO(upload[0]), upload[1])
    return client.post(
        f"/tickets/{ticket_id}/certificate",
        data=data,
        content_type="multipart/form-data",
    )


def _checked_events() -> list[AuditEvent]:
    db.session.rollback()
    query = sa.select(AuditEvent).where(
        AuditEvent.action == "ticket.certificate_checked"
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _fingerprint(certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def test_certificate_for_current_csr_matches(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key())

    response = _check(customer_client, ticket.id, pem(certificate))

    page = response.text
    assert response.status_code == 200
    assert "The certificate matches the current CSR of this ticket" in page
    assert "The certificate covers the Common Name www.example.co.kr." in page
    assert "days from now" in page
    assert "Desk Test Root CA" in page
    assert _fingerprint(certificate) in page
    events = _checked_events()
    assert len(events) == 1
    assert events[0].ticket_id == ticket.id
    assert events[0].details["result"] == "matches_current"
    assert events[0].details["certificate_sha256"] == _fingerprint(certificate)
    assert events[0].details["issued_csr_id"] == ticket.current_csr.id


def test_certificate_for_other_key_is_explained(
    customer_client, delivered_ticket, authority
):
    ticket, _key = delivered_ticket
    certificate = authority.issue(new_key().public_key())

    response = _check(customer_client, ticket.id, pem(certificate))

    page = response.text
    assert response.status_code == 200
    assert "does not match any CSR of this ticket" in page
    assert "the most common reason an installation fails" in page
    assert "ask the certificate authority to reissue the certificate" in page
    assert "request a new key on the ticket" in page
    assert [e.details["result"] for e in _checked_events()] == ["no_match"]


def test_certificate_for_voided_csr_says_which(
    customer_client, make_ticket, customer, deliver_csr, authority
):
    ticket = make_ticket(
        customer, status=Status.DELIVERED, common_name="www.example.co.kr"
    )
    old_key = deliver_csr(ticket, voided=True)
    deliver_csr(ticket)
    voided = ticket.issued_csrs[0]
    certificate = authority.issue(old_key.public_key())

    response = _check(customer_client, ticket.id, pem(certificate))

    page = response.text
    assert "matches an earlier CSR of this ticket" in page
    assert "It does not match the current CSR." in page
    assert "The customer requested a new key." in page
    assert "ZIP file of that earlier download" in page
    events = _checked_events()
    assert events[0].details["result"] == "matches_voided"
    assert events[0].details["issued_csr_id"] == voided.id


def test_certificate_matching_other_ticket_names_it(
    customer_client, delivered_ticket, make_ticket, customer, deliver_csr, authority
):
    ticket, _key = delivered_ticket
    other = make_ticket(customer, status=Status.DELIVERED)
    other_key = deliver_csr(other)

    response = _check(
        customer_client, ticket.id, pem(authority.issue(other_key.public_key()))
    )

    assert "It matches the CSR of another ticket:" in response.text
    assert f'href="/tickets/{other.id}"' in response.text
    assert _checked_events()[0].details["other_ticket_id"] == other.id


def test_certificate_of_other_customer_is_not_named(
    customer_client,
    delivered_ticket,
    make_ticket,
    other_customer,
    deliver_csr,
    authority,
):
    ticket, _key = delivered_ticket
    foreign = make_ticket(other_customer, status=Status.DELIVERED)
    foreign_key = deliver_csr(foreign)

    response = _check(
        customer_client, ticket.id, pem(authority.issue(foreign_key.public_key()))
    )

    assert "does not match any CSR of this ticket" in response.text
    assert "another ticket" not in response.text
    assert _checked_events()[0].details["other_ticket_id"] is None


def test_der_upload_matches(customer_client, delivered_ticket, authority):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key())

    response = _check(
        customer_client, ticket.id, upload=(der(certificate), "server.cer")
    )

    assert response.status_code == 200
    assert "The certificate matches the current CSR of this ticket" in response.text


def test_pkcs7_bundle_upload_picks_server_certificate(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key())
    bundle = pkcs7.serialize_certificates(
        [authority.certificate, certificate], serialization.Encoding.DER
    )

    response = _check(customer_client, ticket.id, upload=(bundle, "bundle.p7b"))

    assert "The certificate matches the current CSR of this ticket" in response.text
    assert "The input held 2 certificates" in response.text
    assert _checked_events()[0].details["certificate_sha256"] == _fingerprint(
        certificate
    )


def test_chain_with_root_first_picks_server_certificate(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key())
    chain = pem(authority.certificate) + pem(certificate)

    response = _check(customer_client, ticket.id, chain)

    assert "The certificate matches the current CSR of this ticket" in response.text
    assert _checked_events()[0].details["certificate_sha256"] == _fingerprint(
        certificate
    )


def test_expired_certificate_is_reported(customer_client, delivered_ticket, authority):
    ticket, key = delivered_ticket
    last_year = datetime.now(UTC) - timedelta(days=400)
    certificate = authority.issue(key.public_key(), valid_from=last_year)

    response = _check(customer_client, ticket.id, pem(certificate))

    assert "The certificate expired on" in response.text
    assert "The certificate matches the current CSR" in response.text
    assert _checked_events()[0].details["validity"] == "expired"


def test_not_yet_valid_certificate_is_reported(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    next_week = datetime.now(UTC) + timedelta(days=7)
    certificate = authority.issue(key.public_key(), valid_from=next_week)

    response = _check(customer_client, ticket.id, pem(certificate))

    assert "The certificate is not valid yet" in response.text
    assert _checked_events()[0].details["validity"] == "not_yet_valid"


def test_uncovered_common_name_is_reported(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key(), names=("shop.example.co.kr",))

    response = _check(customer_client, ticket.id, pem(certificate))

    assert (
        "The certificate does not cover the Common Name www.example.co.kr"
        in response.text
    )
    assert "has no subjectAltName extension" not in response.text
    assert _checked_events()[0].details["covers_common_name"] is False


def test_certificate_without_san_explains_subject_only_name(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key(), has_subject_alt_name=False)

    response = _check(customer_client, ticket.id, pem(certificate))

    assert (
        "The certificate does not cover the Common Name “www.example.co.kr”: the "
        "name is only in its subject, and the certificate has no subjectAltName "
        "extension." in response.text
    )
    assert "clients check only the subjectAltName" in response.text
    assert "reissue the certificate with this name in the subjectAltName" in (
        response.text
    )
    assert "with this ticket&#39;s CSR" not in response.text
    assert _checked_events()[0].details["covers_common_name"] is False


def test_wildcard_certificate_covers_common_name(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    certificate = authority.issue(key.public_key(), names=("*.example.co.kr",))

    response = _check(customer_client, ticket.id, pem(certificate))

    assert "The certificate covers the Common Name www.example.co.kr." in (
        response.text
    )


@pytest.mark.parametrize(
    ("name", "certificate_names", "expected"),
    [
        ("www.example.com", ["www.example.com"], True),
        ("WWW.Example.com", ["www.example.com."], True),
        ("www.example.com", ["*.example.com"], True),
        ("example.com", ["*.example.com"], False),
        ("a.b.example.com", ["*.example.com"], False),
        ("*.example.com", ["*.example.com"], True),
        ("*.example.com", ["www.example.com"], False),
        ("www.example.com", ["example.com"], False),
        ("www.example.com", [], False),
    ],
)
def test_is_name_covered_cases(name, certificate_names, expected):
    assert is_name_covered(name, certificate_names) is expected


def test_ticket_without_csr_says_so(customer_client, make_ticket, customer, authority):
    ticket = make_ticket(customer, status=Status.IN_REVIEW)

    response = _check(
        customer_client, ticket.id, pem(authority.issue(new_key().public_key()))
    )

    assert response.status_code == 200
    assert "No key has been delivered on this ticket yet" in response.text
    assert _checked_events()[0].details["result"] == "no_csr"


def test_csr_instead_of_certificate_is_named(customer_client, delivered_ticket):
    ticket, _key = delivered_ticket

    response = _check(customer_client, ticket.id, pem(build_csr(new_key())))

    assert response.status_code == 422
    assert "This is a CSR, not a certificate." in response.text
    assert _checked_events() == []


@pytest.mark.parametrize("text", ["garbage", "-----BEGIN CERTIFICATE-----\nAAAA"])
def test_garbage_certificate_gets_message(customer_client, delivered_ticket, text):
    ticket, _key = delivered_ticket

    response = _check(customer_client, ticket.id, text)

    assert response.status_code == 422
    assert "This is not a readable certificate." in response.text
    assert "garbage" in response.text or "AAAA" in response.text


def test_certificate_with_private_key_is_rejected(
    customer_client, delivered_ticket, authority
):
    ticket, key = delivered_ticket
    bundle = pem(authority.issue(key.public_key())) + private_key_pem(key)

    response = _check(customer_client, ticket.id, bundle)

    assert response.status_code == 422
    assert "This contains a private key" in response.text
    assert private_key_pem(key).splitlines()[1] not in response.text
    assert _checked_events() == []
    rejected = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "inspect.private_key_rejected")
    ).all()
    assert [(e.ticket_id, e.details) for e in rejected] == [
        (ticket.id, {"page": "certificate_check"})
    ]


def test_agent_checks_any_ticket(client, agent, login, delivered_ticket, authority):
    ticket, key = delivered_ticket
    login(client, agent)

    response = _check(client, ticket.id, pem(authority.issue(key.public_key())))

    assert response.status_code == 200
    assert f'href="/queue/tickets/{ticket.id}"' in response.text
    assert _checked_events()[0].actor_id == agent.id


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_customers_ticket_is_404(
    client, other_customer, login, delivered_ticket, method
):
    ticket, _key = delivered_ticket
    login(client, other_customer)

    response = getattr(client, method)(f"/tickets/{ticket.id}/certificate")

    assert response.status_code == 404


def test_missing_ticket_is_404(customer_client):
    assert customer_client.get("/tickets/9999/certificate").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_certificate_check_goes_to_sign_in(client, delivered_ticket, method):
    ticket, _key = delivered_ticket

    response = getattr(client, method)(f"/tickets/{ticket.id}/certificate")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_cannot_use_certificate_check(client, admin, login, delivered_ticket):
    ticket, _key = delivered_ticket
    login(client, admin)

    assert client.get(f"/tickets/{ticket.id}/certificate").status_code == 403


def test_form_page_lists_ticket_csrs(customer_client, delivered_ticket):
    ticket, _key = delivered_ticket

    response = customer_client.get(f"/tickets/{ticket.id}/certificate")

    assert response.status_code == 200
    assert ticket.current_csr.public_key_sha256 in response.text
    assert '<label for="text">' in response.text
    assert '<label for="upload">' in response.text


def test_certificates_page_lists_own_delivered_tickets(
    customer_client, delivered_ticket, make_ticket, other_customer, deliver_csr
):
    ticket, _key = delivered_ticket
    foreign = make_ticket(other_customer, status=Status.DELIVERED)
    deliver_csr(foreign)

    response = customer_client.get("/certificates")

    assert f'href="/tickets/{ticket.id}/certificate"' in response.text
    assert f'href="/tickets/{foreign.id}/certificate"' not in response.text


def test_certificates_page_jumps_to_ticket(customer_client, delivered_ticket):
    ticket, _key = delivered_ticket

    response = customer_client.get(f"/certificates?ticket=%23{ticket.id}")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}/certificate")


def test_selfservice_download_then_certificate_matches(customer_client, authority):
    """The whole path: self-service ZIP, the CA signs its CSR, the desk matches."""
    download = customer_client.post(
        "/selfservice/download",
        data={
            "country": "KR",
            "state": "Seoul",
            "locality": "Gangnam-gu",
            "organization": "Example Co., Ltd.",
            "common_name": "www.example.co.kr",
            "key": "EC-256",
            "add_www_variant": "y",
            "passphrase": PASSPHRASE,
            "passphrase_confirmation": PASSPHRASE,
        },
    )
    delivery = open_delivery(download.data, PASSPHRASE)
    ticket = db.session.scalars(sa.select(Ticket)).one()
    certificate = authority.issue(
        delivery.csr.public_key(), names=("www.example.co.kr", "example.co.kr")
    )

    response = _check(customer_client, ticket.id, pem(certificate))

    assert "The certificate matches the current CSR of this ticket" in response.text
    assert "Names the CSR asks for" not in response.text
