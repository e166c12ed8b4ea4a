"""The "Send it as typed" box: a domain name in Email Address, left to the agent.

The first submit shows the message next to the field and the box below it.
Ticking the box stores the ticket as typed, and the agent's review page
shows the finding. The box never lets any other error through.
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from support.images import make_png
from ticket_helpers import (
    TICKET_FORM,
    field_errors,
    input_value,
    post_ticket,
    ticket_count,
)

from helpdesk import csr
from helpdesk.extensions import db
from helpdesk.models import FieldChange, Ticket
from helpdesk.tickets.fields import can_send_as_typed
from helpdesk.workflow import Status

DOMAIN = "hosting.example.com"
BOX = "send_as_typed"
# What the customer typed: complete and valid except for the Email Address.
TYPED = dict(TICKET_FORM, organizational_unit="Web service Team", email_address=DOMAIN)


def checkbox_tag(page: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{BOX}"[^>]*>', page)
    return tag.group(0) if tag else None


def stored_ticket() -> Ticket:
    return db.session.scalar(sa.select(Ticket))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hosting.example.com", True),
        ("Hosting.Example.COM.", True),
        (" example.co.kr ", True),
        ("admin at example", False),
        ("admin@@example.com", False),
        ("관리자.example.kr", False),
        ("   ", False),
        ("admin@example.com", False),
    ],
)
def test_can_send_as_typed_email_findings(value, expected):
    findings = csr.check_field("email_address", value)

    assert any(can_send_as_typed(finding) for finding in findings) is expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "Korea"),
        ("common_name", "hosting.example"),
        ("common_name", "192.0.2.10"),
        ("problem_domain", "shop_example"),
    ],
)
def test_can_send_as_typed_rejects_other_fields(field, value):
    findings = csr.check_field(field, value)

    assert findings
    assert not any(can_send_as_typed(finding) for finding in findings)


def test_domain_email_shows_message_and_box(client, customer, login):
    login(client, customer)

    response = post_ticket(client, **TYPED)

    assert response.status_code == 422
    assert ticket_count() == 0
    errors = field_errors(response.text, "email_address")
    assert f"“{DOMAIN}” is a domain name, not an email address" in errors
    assert f"admin@{DOMAIN}" in errors
    assert "leave the field empty" in errors
    tag = checkbox_tag(response.text)
    assert tag is not None
    assert 'type="checkbox"' in tag
    assert "checked" not in tag
    assert "email_address-errors" in tag
    assert f'<label for="{BOX}">' in response.text
    assert "Send it as typed; the agent will correct it" in response.text


def test_domain_email_keeps_every_typed_value(client, customer, login):
    login(client, customer)

    response = post_ticket(client, **TYPED)

    for name, typed_value in TYPED.items():
        if name in ("description", "key"):
            continue
        assert input_value(response.text, name) == typed_value, name
    assert f">\r\n{TYPED['description']}</textarea>" in response.text
    assert f'<option selected value="{TYPED["key"]}">' in response.text


def test_box_is_absent_without_domain_email(client, customer, login):
    login(client, customer)

    blank = client.get("/tickets/new")
    hard_error = post_ticket(client, **dict(TICKET_FORM, country="Korea"))

    assert checkbox_tag(blank.text) is None
    assert hard_error.status_code == 422
    assert checkbox_tag(hard_error.text) is None


def test_send_as_typed_stores_domain_email(client, customer, login):
    login(client, customer)
    screenshot = (io.BytesIO(make_png()), "error.png")

    response = post_ticket(
        client, **dict(TYPED, key="RSA-1024"), screenshot=screenshot, **{BOX: "y"}
    )

    assert response.status_code == 303
    ticket = stored_ticket()
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert ticket.status == Status.SUBMITTED
    assert ticket.email_address == DOMAIN
    assert (ticket.key_type, ticket.key_size) == ("RSA", 1024)
    assert ticket.organizational_unit == "Web service Team"
    assert len(ticket.attachments) == 1


def test_send_as_typed_with_valid_email_changes_nothing(client, customer, login):
    login(client, customer)

    response = post_ticket(client, **TICKET_FORM, **{BOX: "y"})

    assert response.status_code == 303
    assert stored_ticket().email_address == TICKET_FORM["email_address"]


HARD_ERRORS = [
    # (field, typed value, text its message must contain)
    ("country", "Korea", "KR"),
    ("country", "", "Country Name is required"),
    ("common_name", "192.0.2.10", "192.0.2.10"),
    ("common_name", "intranet.local", "intranet.local"),
    ("state", "", "State or Province Name is required"),
    ("problem_domain", "shop_example", "shop_example"),
    ("description", "", "Description is required"),
    ("key", "RSA-512", "RSA-512"),
]


@pytest.mark.parametrize(("field", "value", "expected"), HARD_ERRORS)
def test_box_never_passes_hard_error(client, customer, login, field, value, expected):
    login(client, customer)
    typed = dict(TYPED)
    typed[field] = value

    response = post_ticket(client, **typed, **{BOX: "y"})

    assert response.status_code == 422
    assert ticket_count() == 0
    assert expected in field_errors(response.text, field)
    assert DOMAIN in field_errors(response.text, "email_address")
    tag = checkbox_tag(response.text)
    assert tag is not None
    assert "checked" in tag


@pytest.mark.parametrize("value", ["admin at example", "관리자@example.com"])
def test_box_never_passes_invalid_email(client, customer, login, value):
    login(client, customer)

    response = post_ticket(client, **dict(TYPED, email_address=value), **{BOX: "y"})

    assert response.status_code == 422
    assert ticket_count() == 0
    assert value in field_errors(response.text, "email_address")
    assert checkbox_tag(response.text) is None


def test_box_never_passes_bad_screenshot(client, customer, login):
    login(client, customer)
    fake = (io.BytesIO(b"%PDF-1.7 not an image"), "error.png")

    response = post_ticket(client, **TYPED, screenshot=fake, **{BOX: "y"})

    assert response.status_code == 422
    assert ticket_count() == 0
    assert "error.png" in field_errors(response.text, "screenshot")


def test_review_page_shows_domain_email_finding(client, customer, agent, login):
    login(client, customer)
    post_ticket(client, **TYPED, **{BOX: "y"})
    ticket = stored_ticket()
    login(client, agent)

    page = client.get(f"/queue/tickets/{ticket.id}").text
    row = re.search(r'<tr id="field-email_address">(.*?)</tr>', page, re.DOTALL)

    assert row is not None
    assert DOMAIN in row.group(1)
    assert "is a domain name, not an email address" in row.group(1)


def test_agent_correction_records_typed_email(client, customer, agent, login):
    login(client, customer)
    post_ticket(client, **TYPED, **{BOX: "y"})
    ticket = stored_ticket()
    login(client, agent)
    claim = client.post(
        f"/queue/tickets/{ticket.id}/claim", data={"version": ticket.version}
    )
    db.session.refresh(ticket)
    correction = dict(TYPED, email_address="admin@example.com")
    del correction["description"]

    response = client.post(
        f"/queue/tickets/{ticket.id}/fields",
        data={**correction, "version": ticket.version},
    )

    assert claim.status_code == 303
    assert response.status_code == 303
    changes = db.session.scalars(
        sa.select(FieldChange).where(FieldChange.ticket_id == ticket.id)
    ).all()
    recorded = [
        (change.field, change.old_value, change.new_value) for change in changes
    ]
    assert recorded == [("email_address", DOMAIN, "admin@example.com")]
