"""The inquiry template: what it accepts as typed, and the errors it shows."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from support.images import make_png
from ticket_helpers import (
    TICKET_FORM,
    audit_events,
    field_errors,
    input_value,
    post_ticket,
    ticket_count,
)
from werkzeug.test import EnvironBuilder

from helpdesk.extensions import db
from helpdesk.models import Attachment, Role, Ticket
from helpdesk.workflow import Status

PRIVATE_KEY_TEXT = (
    "Here is my key:\n-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
    "-----END PRIVATE KEY-----\n"
)


def test_new_ticket_form_shows_account_id_read_only(client, customer, login):
    login(client, customer)

    page = client.get("/tickets/new").text

    assert '<label for="hosting_account_id">' in page
    tag = re.search(r'<input[^>]*id="hosting_account_id"[^>]*>', page).group(0)
    assert "readonly" in tag
    assert "name=" not in tag
    assert customer.hosting_account_id in tag
    for name in TICKET_FORM:
        assert f'<label for="{name}">' in page, name


def test_open_ticket_stores_values_as_typed(client, customer, login):
    login(client, customer)
    screenshot = (io.BytesIO(make_png()), "error.png")

    response = post_ticket(
        client,
        country="kr",
        organization="예제호스팅 주식회사",
        key="RSA-1024",
        email_address=" admin@example.com",
        screenshot=screenshot,
    )

    assert response.status_code == 303
    ticket = db.session.scalar(sa.select(Ticket))
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert ticket.status == Status.SUBMITTED
    assert ticket.customer_id == customer.id
    assert ticket.hosting_account_id == customer.hosting_account_id
    assert ticket.country == "kr"
    assert ticket.organization == "예제호스팅 주식회사"
    assert ticket.email_address == " admin@example.com"
    assert (ticket.key_type, ticket.key_size) == ("RSA", 1024)
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.ticket_id == ticket.id
    assert attachment.content_type == "image/png"
    created = audit_events(ticket.id, "ticket.created")
    assert len(created) == 1
    assert created[0].details["has_screenshot"] is True


BAD_INPUTS = [
    # (field, typed value, texts the message must contain)
    ("country", "Korea", ["Korea", "KR"]),
    ("country", "한국", ["한국", "KR"]),
    ("country", "ZZ", ["ZZ", "two-letter"]),
    ("country", "", ["Country Name is required"]),
    (
        "email_address",
        "hosting.example.com",
        ["hosting.example.com", "admin@hosting.example.com"],
    ),
    ("email_address", "admin at example", ["admin at example", "admin@example.com"]),
    ("common_name", "https://shop.example.com/", ["https://shop.example.com/"]),
    ("common_name", "192.0.2.10", ["192.0.2.10", "domain name"]),
    ("common_name", "intranet.local", ["intranet.local", "public domain name"]),
    ("common_name", "", ["Common Name is required"]),
    ("key", "RSA-512", ["RSA-512", "Choose a key type"]),
    ("state", "  ", ["State or Province Name is required"]),
    ("locality", "", ["Locality Name is required"]),
    ("organization", "", ["Organization Name is required"]),
    ("problem_domain", "", ["Problem domain is required"]),
    ("problem_domain", "shop_example", ["shop_example"]),
    ("description", "", ["Description is required"]),
]


@pytest.mark.parametrize(("field", "value", "expected"), BAD_INPUTS)
def test_bad_input_names_value_and_keeps_form(
    client, customer, login, field, value, expected
):
    login(client, customer)
    typed = dict(TICKET_FORM, organizational_unit="Web Team")
    typed[field] = value

    response = post_ticket(client, **typed)

    assert response.status_code == 422
    assert ticket_count() == 0
    errors = field_errors(response.text, field)
    for text in expected:
        assert text in errors, f"{text!r} missing from {errors!r}"
    for name, typed_value in typed.items():
        if name in ("description", "key"):
            continue
        assert input_value(response.text, name) == typed_value, name
    if field != "description":
        description = html.escape(typed["description"], quote=False)
        assert f">\r\n{description}</textarea>" in response.text
    if field != "key":
        assert f'<option selected value="{typed["key"]}">' in response.text


def test_invalid_field_is_marked_for_styling(client, customer, login):
    login(client, customer)

    response = post_ticket(client, **dict(TICKET_FORM, country="Korea"))

    assert response.status_code == 422
    country = re.search(r'<div class="([^"]*)">\s*<label for="country">', response.text)
    assert country is not None
    assert "has-error" in country.group(1).split()
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="country"', response.text)
    state = re.search(r'<div class="([^"]*)">\s*<label for="state">', response.text)
    assert state is not None
    assert "has-error" not in state.group(1).split()


def test_customer_form_accepts_what_agent_corrects(client, customer, login):
    # RSA 1024, Korean text, lower-case country and a Common Name in upper
    # case are left to the agent, who applies the suggestions.
    login(client, customer)

    response = post_ticket(
        client,
        key="RSA-1024",
        state="서울특별시",
        organization="예제 주식회사",
        country="kr",
        common_name="Shop.Example.COM",
    )

    assert response.status_code == 303
    assert ticket_count() == 1


def test_screenshot_that_is_not_an_image_is_refused(client, customer, login):
    login(client, customer)
    fake = (io.BytesIO(b"%PDF-1.7 not really a picture"), "error.png")

    response = post_ticket(client, screenshot=fake)

    assert response.status_code == 422
    assert ticket_count() == 0
    errors = field_errors(response.text, "screenshot")
    assert "error.png" in errors
    assert "PNG" in errors
    assert input_value(response.text, "common_name") == TICKET_FORM["common_name"]


def test_screenshot_over_5_mb_is_refused(client, customer, login):
    login(client, customer)
    too_big = (io.BytesIO(b"\x89PNG" + b"\0" * (5 * 1024 * 1024)), "huge.png")
    # Werkzeug's test client spools a large body to a temporary file that it
    # never closes, so the request is built and closed here.
    builder = EnvironBuilder(
        path="/tickets/new", method="POST", data=dict(TICKET_FORM, screenshot=too_big)
    )
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()

    assert response.status_code == 422
    assert ticket_count() == 0
    errors = field_errors(response.text, "screenshot")
    assert "huge.png" in errors
    assert "5 MB" in errors


def test_description_with_private_key_is_refused(client, customer, login, caplog):
    login(client, customer)

    response = post_ticket(client, description=PRIVATE_KEY_TEXT)

    assert response.status_code == 422
    assert ticket_count() == 0
    assert "private key" in field_errors(response.text, "description")
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" not in response.text
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" not in caplog.text


def test_posted_status_and_owner_are_ignored(
    client, customer, other_customer, agent, login
):
    login(client, customer)

    response = post_ticket(
        client,
        status="ready",
        customer_id=str(other_customer.id),
        assignee_id=str(agent.id),
        hosting_account_id="someone-else",
    )

    assert response.status_code == 303
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.status == Status.SUBMITTED
    assert ticket.customer_id == customer.id
    assert ticket.assignee_id is None
    assert ticket.hosting_account_id == customer.hosting_account_id


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_staff_cannot_open_customer_tickets(client, make_user, login, role):
    login(client, make_user(role))

    assert client.get("/tickets/new").status_code == 403
    assert post_ticket(client).status_code == 403
    assert ticket_count() == 0
