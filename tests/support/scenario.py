"""The README scenario driven through Flask's test client, one client per person.

A customer signs up and opens a ticket for shop.example.com with a domain
name as the Email Address. The form shows a message and a "Send it as typed"
box; the customer ticks it and submits again. An agent claims the ticket,
corrects the Email Address and the key size, replies and approves. The
customer then downloads the ZIP once. The steps use the product's real routes
and forms. Only CSRF protection is off, because the test client sends no token.
"""

from __future__ import annotations

import html
import io
import re
from typing import NamedTuple

from flask import Flask
from flask.testing import FlaskClient

from support.images import make_png

PASSWORD = "correct horse battery staple 42"
PASSPHRASE = "examplehosting"
CUSTOMER_EMAIL = "owner@hosting.example.com"
HOSTING_ACCOUNT_ID = "kr-web-0042"
DOMAIN_IN_EMAIL_FIELD = "hosting.example.com"
CORRECTED_EMAIL = "admin@example.com"
# The checkbox that sends a domain name in Email Address for the agent to fix.
SEND_AS_TYPED = "send_as_typed"
REPLY_TEXT = (
    "We changed the Email Address to admin@example.com and the key to RSA 2048 "
    "bits, because public CAs reject RSA 1024."
)

TICKET_FORM = {
    "problem_domain": "shop.example.com",
    "description": "The CSR generator in the control panel says the key is invalid.",
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "Web service Team",
    "common_name": "shop.example.com",
    "email_address": DOMAIN_IN_EMAIL_FIELD,
    "key": "RSA-1024",
}


def page_text(response) -> str:
    """Return the response body as text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def hidden_value(page: str, name: str) -> str:
    """Return the value of the first hidden input named NAME on PAGE."""
    match = re.search(
        rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page
    ) or re.search(rf'<input[^>]*value="([^"]*)"[^>]*name="{re.escape(name)}"', page)
    assert match, f"no input named {name!r} on the page"
    return html.unescape(match.group(1))


def ticket_id_from(location: str) -> int:
    match = re.search(r"/tickets/(\d+)$", location)
    assert match, f"{location!r} is not a ticket page"
    return int(match.group(1))


def sign_up_customer(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/signup",
        data={
            "hosting_account_id": HOSTING_ACCOUNT_ID,
            "email": CUSTOMER_EMAIL,
            "display_name": "Example Hosting",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 302, page_text(response)
    return client


def sign_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, page_text(response)
    return client


def open_ticket(customer: FlaskClient) -> tuple[int, str]:
    """Open the ticket with the domain name left in Email Address.

    The first submit is refused with the message and the "Send it as typed"
    box; the second ticks the box. Returns the ticket id and the text of the
    refused form.
    """
    assert customer.get("/tickets/new").status_code == 200

    refused = customer.post(
        "/tickets/new",
        data={**TICKET_FORM, "screenshot": (io.BytesIO(make_png()), "error.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422, refused.status_code
    refused_text = page_text(refused)

    # A browser does not keep the chosen file, so the screenshot is sent again.
    accepted = customer.post(
        "/tickets/new",
        data={
            **TICKET_FORM,
            SEND_AS_TYPED: "y",
            "screenshot": (io.BytesIO(make_png()), "error.png"),
        },
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 303, page_text(accepted)
    return ticket_id_from(accepted.headers["Location"]), refused_text


def review_page(agent: FlaskClient, ticket_id: int) -> str:
    response = agent.get(f"/queue/tickets/{ticket_id}")
    assert response.status_code == 200
    return page_text(response)


def agent_post(agent: FlaskClient, ticket_id: int, path: str, data: dict) -> str:
    """Post an agent form with the version the review page shows."""
    version = hidden_value(review_page(agent, ticket_id), "version")
    response = agent.post(
        f"/queue/tickets/{ticket_id}{path}", data={"version": version, **data}
    )
    assert response.status_code == 303, page_text(response)
    return page_text(agent.get(response.headers["Location"]))


def work_ticket(agent: FlaskClient, ticket_id: int) -> str:
    """Claim, correct, reply and approve; return the review page before the fix."""
    claimed_page = agent_post(agent, ticket_id, "/claim", {})
    corrected = {
        name: value for name, value in TICKET_FORM.items() if name != "screenshot"
    }
    corrected.update({"email_address": CORRECTED_EMAIL, "key": "RSA-2048"})
    agent_post(agent, ticket_id, "/fields", corrected)
    agent_post(
        agent,
        ticket_id,
        "/reply",
        {"reply-body": REPLY_TEXT, "reply-send": "Send reply"},
    )
    agent_post(agent, ticket_id, "/status/approve", {})
    return claimed_page


def download(customer: FlaskClient, ticket_id: int, passphrase: str = PASSPHRASE):
    return customer.post(
        f"/tickets/{ticket_id}/download",
        data={"passphrase": passphrase, "passphrase_confirmation": passphrase},
    )


class SeenPages(NamedTuple):
    """Pages of the run that later steps change, as they were seen."""

    # The customer's first submit, refused with the Email Address message.
    refused_form: str
    # The agent's review page after the claim, before any correction.
    review_before_fix: str


class ScenarioRun(NamedTuple):
    """A ticket run up to the agent's approval."""

    ticket_id: int
    customer: FlaskClient
    pages: SeenPages


def run_until_ready(app: Flask, agent_email: str) -> ScenarioRun:
    """Sign up, open the ticket and have the agent approve it."""
    customer = sign_up_customer(app)
    ticket_id, refused_form = open_ticket(customer)
    agent = sign_in(app, agent_email)
    review_before_fix = work_ticket(agent, ticket_id)
    return ScenarioRun(ticket_id, customer, SeenPages(refused_form, review_before_fix))
