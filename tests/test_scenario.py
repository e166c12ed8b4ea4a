"""The README scenario with Flask's test client, from sign-up to the audit log.

The browser version of the same story is tests/e2e/test_full_scenario.py.
"""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa
from cryptography.x509.oid import NameOID
from support.delivery import (
    EXAMPLE_SUBJECT,
    check_with_command_line_tools,
    open_delivery,
    spki_der,
    subject_alt_names,
    subject_value,
    zip_rejects_passphrase,
)
from support.scenario import (
    CORRECTED_EMAIL,
    DOMAIN_IN_EMAIL_FIELD,
    PASSPHRASE,
    REPLY_TEXT,
    SEND_AS_TYPED,
    TICKET_FORM,
    download,
    page_text,
    review_page,
    run_until_ready,
    sign_in,
)

from helpdesk import audit
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, FieldChange, Role, Ticket
from helpdesk.workflow import Status


@pytest.fixture
def agent_email(make_user):
    return make_user(Role.AGENT, "agent@example.com", display_name="Agent Kim").email


@pytest.fixture
def admin_email(make_user):
    return make_user(Role.ADMIN, "admin@example.com").email


@pytest.fixture
def ready_ticket(app, agent_email):
    """Run the scenario up to the agent's approval; return a ScenarioRun."""
    return run_until_ready(app, agent_email)


def _ticket(ticket_id: int) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def test_scenario_customer_form_names_domain_in_email(ready_ticket):
    refused = ready_ticket.pages.refused_form

    domain_message = f"“{DOMAIN_IN_EMAIL_FIELD}” is a domain name, not an email address"
    assert domain_message in refused
    assert f"admin@{DOMAIN_IN_EMAIL_FIELD}" in refused
    assert "Send it as typed; the agent will correct it" in refused
    assert f'id="{SEND_AS_TYPED}"' in refused


def test_scenario_customer_form_keeps_typed_values(ready_ticket):
    refused = ready_ticket.pages.refused_form

    for name, value in TICKET_FORM.items():
        if name in ("description", "key"):
            continue
        assert f'value="{value}"' in refused, name
    assert TICKET_FORM["description"] in refused
    assert '<option selected value="RSA-1024">' in refused


def test_scenario_ticket_stores_what_customer_typed(ready_ticket):
    ticket_id, customer, _ = ready_ticket

    page = page_text(customer.get(f"/tickets/{ticket_id}"))
    ticket = _ticket(ticket_id)

    assert ticket.country == "KR"
    assert ticket.state == "Seoul"
    assert ticket.locality == "Dongjak-gu"
    assert ticket.organization == "Example Hosting Corp."
    assert ticket.organizational_unit == "Web service Team"
    assert ticket.common_name == "shop.example.com"
    assert len(ticket.attachments) == 1
    assert ticket.attachments[0].content_type == "image/png"
    assert "Ready to download" in page


def test_scenario_review_page_shows_domain_email_finding(ready_ticket):
    review = ready_ticket.pages.review_before_fix
    row = re.search(r'<tr id="field-email_address">(.*?)</tr>', review, re.DOTALL)

    assert row is not None
    assert DOMAIN_IN_EMAIL_FIELD in row.group(1)
    assert "is a domain name, not an email address" in row.group(1)


def test_scenario_agent_corrections_are_on_record(ready_ticket, agent_email):
    ticket_id, _, _ = ready_ticket

    changes = db.session.scalars(
        sa.select(FieldChange)
        .where(FieldChange.ticket_id == ticket_id)
        .order_by(FieldChange.id)
    ).all()
    by_field = {change.field: change for change in changes}

    assert set(by_field) == {"email_address", "key"}
    assert by_field["email_address"].old_value == DOMAIN_IN_EMAIL_FIELD
    assert by_field["email_address"].new_value == CORRECTED_EMAIL
    assert by_field["key"].old_value == "RSA-1024"
    assert by_field["key"].new_value == "RSA-2048"
    for change in changes:
        assert change.changed_by.email == agent_email
        assert change.changed_at is not None


def test_scenario_review_page_shows_field_history(app, ready_ticket, agent_email):
    ticket_id, _, _ = ready_ticket
    agent = sign_in(app, agent_email)

    page = review_page(agent, ticket_id)
    history = page.split("Field history", 1)[1]

    assert "RSA-1024" in history
    assert "RSA-2048" in history
    assert DOMAIN_IN_EMAIL_FIELD in history
    assert CORRECTED_EMAIL in history
    assert "Agent Kim" in history
    assert REPLY_TEXT in page


def test_scenario_customer_sees_agent_reply(ready_ticket):
    ticket_id, customer, _ = ready_ticket

    page = page_text(customer.get(f"/tickets/{ticket_id}"))

    assert REPLY_TEXT in page


def test_scenario_delivers_zip_with_valid_key_and_csr(ready_ticket):
    ticket_id, customer, _ = ready_ticket

    response = download(customer, ticket_id)

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    delivery = open_delivery(response.data, PASSPHRASE)
    csr = delivery.csr
    assert zip_rejects_passphrase(response.data, "not-the-passphrase")
    assert csr.is_signature_valid
    assert spki_der(csr.public_key()) == spki_der(delivery.private_key.public_key())
    assert delivery.private_key.key_size == 2048
    for oid, expected in EXAMPLE_SUBJECT.items():
        assert subject_value(csr, oid) == expected, oid._name
    assert subject_value(csr, NameOID.ORGANIZATIONAL_UNIT_NAME) is None
    assert subject_value(csr, NameOID.EMAIL_ADDRESS) is None
    assert "shop.example.com" in subject_alt_names(csr)


def test_scenario_ticket_keeps_only_public_csr(ready_ticket):
    ticket_id, customer, _ = ready_ticket

    response = download(customer, ticket_id)
    delivery = open_delivery(response.data, PASSPHRASE)
    public_key_der = spki_der(delivery.private_key.public_key())
    fingerprint = hashlib.sha256(public_key_der).hexdigest()
    ticket = _ticket(ticket_id)
    issued = ticket.current_csr

    assert ticket.status == Status.DELIVERED
    assert ticket.delivered_at is not None
    assert issued is not None
    assert issued.csr_pem.encode("ascii").strip() == delivery.csr_pem.strip()
    assert issued.key_size == 2048
    assert issued.public_key_sha256 == fingerprint


def test_scenario_zip_holds_named_files(ready_ticket):
    ticket_id, customer, _ = ready_ticket

    response = download(customer, ticket_id)
    delivery = open_delivery(response.data, PASSPHRASE)
    disposition = response.headers["Content-Disposition"]

    assert disposition == "attachment; filename=shop.example.com.zip"
    assert delivery.key_name == "shop.example.com.key"
    assert delivery.csr_name == "shop.example.com.csr"
    assert set(delivery.files) == {
        "shop.example.com.key",
        "shop.example.com.csr",
        "README.txt",
    }


@pytest.mark.interop
def test_scenario_delivery_opens_with_7zz_and_openssl(ready_ticket, tmp_path):
    ticket_id, customer, _ = ready_ticket

    response = download(customer, ticket_id)
    delivery = open_delivery(response.data, PASSPHRASE)

    check_with_command_line_tools(delivery, PASSPHRASE, tmp_path / "interop")


def test_scenario_second_download_is_refused(ready_ticket):
    ticket_id, customer, _ = ready_ticket
    first = download(customer, ticket_id)

    second = download(customer, ticket_id)

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.mimetype == "text/html"
    assert "already delivered" in page_text(second)


def test_scenario_audit_log_shows_every_step(app, ready_ticket, admin_email):
    ticket_id, customer, _ = ready_ticket
    download(customer, ticket_id)
    download(customer, ticket_id)
    admin = sign_in(app, admin_email)

    response = admin.get(f"/admin/audit?ticket_id={ticket_id}")
    page = page_text(response)
    actions = re.findall(r'<code class="raw">([a-z_.]+)</code>', page)

    assert response.status_code == 200
    assert actions.count("ticket.created") == 1
    assert actions.count("ticket.claimed") == 1
    assert actions.count("ticket.field_changed") == 2
    assert actions.count("ticket.replied") == 1
    assert actions.count("ticket.downloaded") == 1
    assert actions.count("ticket.download_refused") == 1
    assert "<dt>action</dt><dd>approve</dd>" in page
    assert f"<dt>old</dt><dd>{DOMAIN_IN_EMAIL_FIELD}</dd>" in page
    assert f"<dt>new</dt><dd>{CORRECTED_EMAIL}</dd>" in page
    assert "<dt>old</dt><dd>RSA-1024</dd>" in page
    assert "<dt>new</dt><dd>RSA-2048</dd>" in page


def test_scenario_audit_events_follow_the_steps_in_order(ready_ticket):
    ticket_id, customer, _ = ready_ticket
    download(customer, ticket_id)

    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id)
        .order_by(AuditEvent.id)
    ).all()
    steps = [
        event.details.get("action", event.action)
        if event.action == "ticket.status_changed"
        else event.action
        for event in events
    ]

    assert steps == [
        "ticket.created",
        "ticket.claimed",
        "claim",
        "ticket.field_changed",
        "ticket.field_changed",
        "ticket.replied",
        "approve",
        "deliver",
        "ticket.downloaded",
    ]
    assert all(event.actor_email for event in events)


def test_scenario_audit_chain_verifies(app, ready_ticket, admin_email):
    ticket_id, customer, _ = ready_ticket
    download(customer, ticket_id)
    admin = sign_in(app, admin_email)

    page = page_text(admin.get("/admin/audit/verify"))

    assert audit.verify().is_intact
    assert "The chain is intact" in page
