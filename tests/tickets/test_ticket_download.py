"""The one-time download: the ZIP, what is kept, and every way it is refused."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from support.delivery import open_delivery, spki_der
from ticket_helpers import PASSPHRASE, audit_actions, audit_events, download

from helpdesk import csr
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, IssuedCsr, Ticket, utcnow
from helpdesk.workflow import Status


def issued_csrs(ticket_id: int) -> list[IssuedCsr]:
    query = sa.select(IssuedCsr).where(IssuedCsr.ticket_id == ticket_id)
    return list(db.session.scalars(query.order_by(IssuedCsr.id)))


def reload(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_download_returns_zip_that_opens_with_passphrase(
    client, customer, ready_ticket, login
):
    ticket = ready_ticket()
    login(client, customer)

    response = download(client, ticket.id)

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".zip" in response.headers["Content-Disposition"]
    assert "ETag" not in response.headers
    assert "Accept-Ranges" not in response.headers
    delivery = open_delivery(response.data, PASSPHRASE)
    assert delivery.csr.is_signature_valid
    key_spki = spki_der(delivery.private_key.public_key())
    assert key_spki == spki_der(delivery.csr.public_key())

    ticket = reload(ticket)
    assert ticket.status == Status.DELIVERED
    assert ticket.delivered_by_id == customer.id
    assert ticket.delivered_at is not None
    [issued] = issued_csrs(ticket.id)
    fingerprint = hashlib.sha256(key_spki).hexdigest()
    assert issued.public_key_sha256 == fingerprint
    assert issued.csr_pem.encode() == delivery.csr_pem
    assert (issued.key_type, issued.key_size) == ("RSA", 2048)
    assert issued.delivered_by_id == customer.id
    assert issued.voided_at is None

    [downloaded] = audit_events(ticket.id, "ticket.downloaded")
    assert downloaded.details["public_key_sha256"] == fingerprint
    assert downloaded.ip_address == "127.0.0.1"
    assert downloaded.actor_id == customer.id


def test_download_stores_no_secret(client, customer, ready_ticket, login, caplog):
    ticket = ready_ticket()
    login(client, customer)

    response = download(client, ticket.id)

    delivery = open_delivery(response.data, PASSPHRASE)
    private_pem = delivery.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    stored = json.dumps(
        [event.details for event in db.session.scalars(sa.select(AuditEvent))]
    ) + "".join(issued.csr_pem for issued in issued_csrs(ticket.id))
    for secret in (PASSPHRASE, private_pem.splitlines()[1]):
        assert secret not in stored
        assert secret not in caplog.text
    assert "PRIVATE KEY" not in stored


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_download_get_and_head_consume_nothing(
    client, customer, ready_ticket, login, method
):
    ticket = ready_ticket()
    login(client, customer)

    response = client.open(f"/tickets/{ticket.id}/download", method=method)

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert reload(ticket).status == Status.READY
    assert issued_csrs(ticket.id) == []
    assert audit_actions(ticket.id) == []


def test_download_page_shows_passphrase_form(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer)

    page = client.get(f"/tickets/{ticket.id}/download").text

    assert '<label for="passphrase">' in page
    assert '<label for="passphrase_confirmation">' in page
    assert f'action="/tickets/{ticket.id}/download"' in page


def test_download_ignores_range_header(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer)

    response = download(
        client,
        ticket.id,
        headers={"Range": "bytes=0-15", "If-None-Match": "*"},
    )

    assert response.status_code == 200
    assert "Content-Range" not in response.headers
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert open_delivery(response.data, PASSPHRASE).csr.is_signature_valid


def test_second_download_is_refused_as_delivered(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer)
    first = download(client, ticket.id)

    second = download(client, ticket.id)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.mimetype == "text/html"
    assert "already delivered" in second.text
    assert len(issued_csrs(ticket.id)) == 1
    [refused] = audit_events(ticket.id, "ticket.download_refused")
    assert refused.details["reason"] == "already_delivered"


def test_download_build_failure_leaves_ticket_ready(
    client, customer, ready_ticket, login, monkeypatch, caplog
):
    ticket = ready_ticket()
    login(client, customer)

    def fail(*args, **kwargs):
        raise RuntimeError("key generation failed")

    monkeypatch.setattr(csr, "build_delivery", fail)
    response = download(client, ticket.id)

    assert response.status_code == 500
    assert "could not be generated" in response.text
    assert "RuntimeError" not in response.text
    assert PASSPHRASE not in response.text
    ticket = reload(ticket)
    assert ticket.status == Status.READY
    assert ticket.delivered_at is None
    assert issued_csrs(ticket.id) == []
    [failed] = audit_events(ticket.id, "ticket.download_failed")
    assert failed.details == {"error": "RuntimeError", "released": True}
    assert PASSPHRASE not in caplog.text

    monkeypatch.undo()
    retry = download(client, ticket.id)

    assert retry.status_code == 200
    assert len(issued_csrs(ticket.id)) == 1


def test_download_refused_after_ready_period(
    app, client, customer, ready_ticket, login
):
    hours = app.config["READY_TTL_HOURS"]
    ticket = ready_ticket(ready_at=utcnow() - timedelta(hours=hours, minutes=1))
    login(client, customer)

    page = client.get(f"/tickets/{ticket.id}").text
    response = download(client, ticket.id)

    assert 'name="passphrase"' not in page
    assert "download period for this key has ended" in page
    assert response.status_code == 409
    assert "download period for this key has ended" in response.text
    assert reload(ticket).status == Status.READY
    assert issued_csrs(ticket.id) == []
    [refused] = audit_events(ticket.id, "ticket.download_refused")
    assert refused.details["reason"] == "expired"


def test_download_refused_before_approval(client, customer, make_ticket, login):
    ticket = make_ticket(customer, Status.IN_REVIEW)
    login(client, customer)

    response = download(client, ticket.id)

    assert response.status_code == 409
    assert "not ready for download" in response.text
    assert reload(ticket).status == Status.IN_REVIEW


def test_download_needs_fresh_login(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer, fresh=False)

    page = client.get(f"/tickets/{ticket.id}/download")
    response = download(client, ticket.id)

    assert page.status_code == 302
    assert "/reauthenticate" in page.headers["Location"]
    assert response.status_code == 302
    assert "/reauthenticate" in response.headers["Location"]
    assert reload(ticket).status == Status.READY
    assert audit_actions(ticket.id) == []


@pytest.mark.parametrize(
    ("passphrase", "confirmation", "message"),
    [
        ("blue kettle morning 42", "blue kettle morning 43", "do not match"),
        ("qz7!xw", "qz7!xw", "at least"),
        ("", "", "Passphrase is required"),
    ],
)
def test_bad_passphrase_is_refused_and_not_echoed(
    client, customer, ready_ticket, login, passphrase, confirmation, message
):
    ticket = ready_ticket()
    login(client, customer)

    response = client.post(
        f"/tickets/{ticket.id}/download",
        data={"passphrase": passphrase, "passphrase_confirmation": confirmation},
    )

    assert response.status_code == 422
    assert message in response.text
    if passphrase:
        assert passphrase not in response.text
        assert confirmation not in response.text
    assert reload(ticket).status == Status.READY
    assert audit_actions(ticket.id) == []


def test_delivered_ticket_shows_csr_and_fingerprint(
    client, customer, ready_ticket, login
):
    ticket = ready_ticket()
    login(client, customer)
    download(client, ticket.id)
    [issued] = issued_csrs(ticket.id)

    page = client.get(f"/tickets/{ticket.id}").text

    assert "-----BEGIN CERTIFICATE REQUEST-----" in page
    assert issued.public_key_sha256 in page
    assert '<label for="csr_pem">' in page
    assert "Request a new key" in page
    assert 'name="passphrase"' not in page


def test_new_key_voids_old_csr(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer)
    first = download(client, ticket.id)

    response = client.post(f"/tickets/{ticket.id}/new-key", data={"confirm": "y"})

    assert response.status_code == 303
    ticket = reload(ticket)
    assert ticket.status == Status.READY
    assert ticket.delivered_at is None
    [voided] = issued_csrs(ticket.id)
    assert voided.voided_at is not None
    assert voided.void_reason
    [event] = audit_events(ticket.id, "ticket.new_key_requested")
    assert event.details["voided_public_key_sha256"] == voided.public_key_sha256

    second = download(client, ticket.id)

    assert second.status_code == 200
    old_key = open_delivery(first.data, PASSPHRASE).private_key
    new_key = open_delivery(second.data, PASSPHRASE).private_key
    assert spki_der(old_key.public_key()) != spki_der(new_key.public_key())
    current = [issued for issued in issued_csrs(ticket.id) if issued.voided_at is None]
    assert len(current) == 1
    assert current[0].public_key_sha256 != voided.public_key_sha256


def test_new_key_requires_confirmation(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer)
    download(client, ticket.id)

    response = client.post(f"/tickets/{ticket.id}/new-key")

    assert response.status_code == 422
    page = response.text
    assert "Tick this box to confirm" in page
    assert 'aria-invalid="true"' in page
    assert '<label for="confirm">' in page
    ticket = reload(ticket)
    assert ticket.status == Status.DELIVERED
    [issued] = issued_csrs(ticket.id)
    assert issued.voided_at is None
    assert "ticket.new_key_requested" not in audit_actions(ticket.id)


def test_new_key_refused_before_delivery(client, customer, ready_ticket, login):
    ticket = ready_ticket()
    login(client, customer)

    response = client.post(f"/tickets/{ticket.id}/new-key", data={"confirm": "y"})

    assert response.status_code == 303
    assert reload(ticket).status == Status.READY
    assert audit_actions(ticket.id) == []


def test_expire_command_returns_stale_ready_tickets(
    app, runner, customer, ready_ticket
):
    hours = app.config["READY_TTL_HOURS"]
    stale = ready_ticket(ready_at=utcnow() - timedelta(hours=hours + 1))
    fresh = ready_ticket()

    result = runner.invoke(args=["tickets", "expire"])

    assert result.exit_code == 0, result.output
    assert f"Moved 1 tickets back to review: {stale.id}." in result.output
    assert reload(stale).status == Status.IN_REVIEW
    assert reload(fresh).status == Status.READY
    [event] = audit_events(stale.id, "ticket.status_changed")
    assert event.details == {"from": "ready", "to": "in_review", "action": "expire"}
    assert event.actor_id is None


def test_download_page_of_delivered_ticket_says_so(
    client, customer, ready_ticket, login
):
    ticket = ready_ticket()
    login(client, customer)
    download(client, ticket.id)

    response = client.get(f"/tickets/{ticket.id}/download")

    assert response.status_code == 200
    assert "already delivered" in response.text
    assert 'name="passphrase"' not in response.text
