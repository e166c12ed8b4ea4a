"""Every text field of every form, attacked with overlong, control and markup text.

Each case sends one payload into each field of one form, one request a
field, with every other field valid. Every request must end without a 500,
lose no stored row, and show no payload markup unescaped. Whether a value
is then refused or stored is the form's choice; the pages that show stored
values are checked in test_stored_markup.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpdesk.extensions import db
from helpdesk.models import Ticket
from hostile.helpers import (
    PASSWORD,
    RAW_MARKUP,
    TEXT_PAYLOADS,
    lost_rows,
    snapshot,
)

NEW_PASSWORD = "plum tractor harbor 58"
SUBJECT = {
    "country": "KR",
    "state": "Seoul",
    "locality": "Gangnam-gu",
    "organization": "Example Co., Ltd.",
    "organizational_unit": "",
    "common_name": "example.co.kr",
    "email_address": "",
    "key": "EC-256",
}
SUBJECT_FIELDS = tuple(SUBJECT)
AUDIT_FILTER = {
    "actor": "agent",
    "action": "ticket.created",
    "ticket_id": "1",
    "date_from": "2024-01-01",
    "date_to": "2030-12-31",
}


@dataclass(frozen=True)
class Form:
    """A form as a browser sends it: METHOD, PATH, the ROLE and valid VALUES."""

    name: str
    method: str
    path: str
    role: str
    values: dict
    fields: tuple[str, ...]


FORMS = [
    Form(
        "sign_in",
        "POST",
        "/login",
        "anonymous",
        {"email": "customer@example.com", "password": PASSWORD, "next": "/tickets"},
        ("email", "password", "next"),
    ),
    Form(
        "sign_up",
        "POST",
        "/signup",
        "anonymous",
        {
            "hosting_account_id": "host-0099",
            "email": "new.customer@example.com",
            "display_name": "New Customer",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        ("hosting_account_id", "email", "display_name", "password", "password_confirm"),
    ),
    Form(
        "reauthenticate",
        "POST",
        "/reauthenticate",
        "customer",
        {"password": PASSWORD, "next": "/tickets"},
        ("password", "next"),
    ),
    Form(
        "password_change",
        "POST",
        "/account/password",
        "customer",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
        ("current_password", "new_password", "new_password_confirm"),
    ),
    Form(
        "language",
        "POST",
        "/language",
        "anonymous",
        {"locale": "en", "next": "/login"},
        ("locale", "next"),
    ),
    Form(
        "ticket_new",
        "POST",
        "/tickets/new",
        "customer",
        {
            **SUBJECT,
            "problem_domain": "example.co.kr",
            "description": "The control panel rejects the CSR.",
        },
        ("problem_domain", "description", *SUBJECT_FIELDS),
    ),
    Form(
        "ticket_reply",
        "POST",
        "/tickets/{ticket_id}/reply",
        "customer",
        {"body": "Here is the registered name."},
        ("body",),
    ),
    Form(
        "ticket_download",
        "POST",
        "/tickets/{ticket_id}/download",
        "customer",
        {"passphrase": NEW_PASSWORD, "passphrase_confirmation": NEW_PASSWORD},
        ("passphrase", "passphrase_confirmation"),
    ),
    Form(
        "selfservice_check",
        "POST",
        "/selfservice",
        "customer",
        SUBJECT,
        SUBJECT_FIELDS,
    ),
    Form(
        "selfservice_download",
        "POST",
        "/selfservice/download",
        "customer",
        {
            **SUBJECT,
            "passphrase": NEW_PASSWORD,
            "passphrase_confirmation": NEW_PASSWORD,
        },
        (*SUBJECT_FIELDS, "passphrase", "passphrase_confirmation"),
    ),
    Form(
        "selfservice_ticket",
        "POST",
        "/selfservice/ticket",
        "customer",
        SUBJECT,
        SUBJECT_FIELDS,
    ),
    Form(
        "queue_corrections",
        "POST",
        "/queue/tickets/{ticket_id}/fields",
        "agent",
        {
            **SUBJECT,
            "problem_domain": "example.co.kr",
            "extra_sans": "www.example.co.kr",
            "version": "{version}",
        },
        ("problem_domain", *SUBJECT_FIELDS, "extra_sans", "version"),
    ),
    Form(
        "queue_suggestion",
        "POST",
        "/queue/tickets/{ticket_id}/suggestions",
        "agent",
        {"version": "{version}", "field": "country", "value": "kr", "suggestion": "KR"},
        ("field", "value", "suggestion", "version"),
    ),
    Form(
        "queue_reply",
        "POST",
        "/queue/tickets/{ticket_id}/reply",
        "agent",
        {"reply-body": "Your CSR is ready.", "reply-send": "Send reply"},
        ("reply-body",),
    ),
    Form(
        "queue_note",
        "POST",
        "/queue/tickets/{ticket_id}/notes",
        "agent",
        {"note-body": "Checked the registry.", "note-add": "Add"},
        ("note-body",),
    ),
    Form(
        "queue_status",
        "POST",
        "/queue/tickets/{ticket_id}/status/close",
        "agent",
        {"version": "{version}"},
        ("version",),
    ),
    Form(
        "csr_check",
        "POST",
        "/csr-check",
        "customer",
        {"text": "-----BEGIN CERTIFICATE REQUEST-----"},
        ("text",),
    ),
    Form(
        "certificate_check",
        "POST",
        "/tickets/{ticket_id}/certificate",
        "customer",
        {"text": "-----BEGIN CERTIFICATE-----"},
        ("text",),
    ),
    Form(
        "admin_new_user",
        "POST",
        "/admin/users/new",
        "admin",
        {
            "role": "customer",
            "email": "made.by.admin@example.com",
            "display_name": "Made By Admin",
            "hosting_account_id": "host-0100",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        (
            "role",
            "email",
            "display_name",
            "hosting_account_id",
            "password",
            "password_confirm",
        ),
    ),
    Form(
        "audit_filter",
        "GET",
        "/admin/audit",
        "admin",
        AUDIT_FILTER,
        tuple(AUDIT_FILTER),
    ),
    Form(
        "audit_export",
        "POST",
        "/admin/audit/export",
        "admin",
        AUDIT_FILTER,
        tuple(AUDIT_FILTER),
    ),
    Form(
        "queue_filter",
        "GET",
        "/queue/",
        "agent",
        {"view": "all", "status": "in_review"},
        ("view", "status"),
    ),
    Form("certificate_lookup", "GET", "/certificates", "customer", {}, ("ticket",)),
]


def _send(world, form: Form, values: dict):
    client = world.app.test_client()
    if form.role != "anonymous":
        world.login(client, world.accounts[form.role])
    db.session.rollback()
    version = str(db.session.get(Ticket, world.ticket_id).version)
    data = {
        name: version if value == "{version}" else value
        for name, value in values.items()
    }
    path = form.path.format(ticket_id=world.ticket_id)
    if form.method == "GET":
        return client.get(path, query_string=data)
    return client.post(path, data=data)


def _problems(response, errors, before) -> list[str]:
    problems = []
    if response.status_code >= 500:
        raised = ", ".join(type(error).__name__ for error in errors) or "nothing"
        problems.append(f"status {response.status_code}, raised {raised}")
    try:
        body = response.get_data()
    except Exception as error:  # noqa: BLE001 (a streamed body failing is the bug)
        problems.append(f"reading the body raised {type(error).__name__}")
        body = b""
    if response.mimetype == "text/html":
        text = body.decode("utf-8")
        problems.extend(
            f"unescaped {markup!r} in the page"
            for markup in RAW_MARKUP
            if markup in text
        )
    location = response.headers.get("Location", "")
    if "\r" in location or "\n" in location:
        problems.append(f"CR or LF in Location {location!r}")
    problems.extend(lost_rows(before, snapshot()))
    return problems


CASES = [
    pytest.param(form, payload, id=f"{form.name}-{payload}")
    for form in FORMS
    for payload in TEXT_PAYLOADS
]


@pytest.mark.parametrize(("form", "payload"), CASES)
def test_text_field_payload_is_refused_or_stored_safely(
    world, server_errors, form, payload
):
    before = snapshot()
    failures = []

    for name in form.fields:
        server_errors.clear()
        response = _send(world, form, {**form.values, name: TEXT_PAYLOADS[payload]})
        failures += [
            f"{name}: {problem}"
            for problem in _problems(response, server_errors, before)
        ]
        response.close()

    assert not failures, f"{form.method} {form.path}: " + "; ".join(failures)


def test_raw_markup_markers_come_from_payloads():
    """The page check above looks for markup the payloads really contain."""
    payloads = TEXT_PAYLOADS["script_tag"] + TEXT_PAYLOADS["attribute_break"]

    for markup in RAW_MARKUP:
        assert markup in payloads
