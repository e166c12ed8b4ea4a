"""Who can see what on the customer's side: own tickets only, never internal notes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from support.images import make_png
from ticket_helpers import PASSPHRASE, audit_actions

from helpdesk.extensions import db
from helpdesk.models import Attachment, IssuedCsr, Message, Role
from helpdesk.workflow import Status

INTERNAL_NOTE = "Internal: customer seems unsure about the legal name"


def add_screenshot(ticket, uploader) -> Attachment:
    attachment = Attachment(
        public_id=f"shot-{ticket.id}-public-id",
        ticket_id=ticket.id,
        uploader_id=uploader.id,
        original_filename="error.png",
        content_type="image/png",
        width=320,
        height=200,
        size_bytes=0,
        data=make_png(),
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


def add_message(ticket, author, body: str, is_internal: bool = False) -> Message:
    message = Message(
        ticket_id=ticket.id, author_id=author.id, body=body, is_internal=is_internal
    )
    db.session.add(message)
    db.session.commit()
    return message


def test_ticket_list_shows_only_own_tickets(
    client, customer, other_customer, make_ticket, login
):
    own = make_ticket(customer, Status.WAITING_ON_CUSTOMER, common_name="mine.example")
    foreign = make_ticket(other_customer, common_name="theirs.example.com")
    login(client, customer)

    page = client.get("/tickets").text

    assert f"/tickets/{own.id}" in page
    assert "mine.example" in page
    assert "Read the latest reply and answer it." in page
    assert f"/tickets/{foreign.id}" not in page
    assert "theirs.example.com" not in page


FOREIGN_REQUESTS = [
    ("GET", "/tickets/{id}"),
    ("POST", "/tickets/{id}/reply"),
    ("GET", "/tickets/{id}/screenshots/{public_id}"),
    ("GET", "/tickets/{id}/download"),
    ("HEAD", "/tickets/{id}/download"),
    ("POST", "/tickets/{id}/download"),
    ("POST", "/tickets/{id}/new-key"),
]


@pytest.mark.parametrize(("method", "path"), FOREIGN_REQUESTS)
def test_customer_cannot_reach_foreign_ticket(
    client, customer, other_customer, make_ticket, login, method, path
):
    foreign = make_ticket(other_customer, Status.READY)
    attachment = add_screenshot(foreign, other_customer)
    login(client, customer)
    url = path.format(id=foreign.id, public_id=attachment.public_id)
    data = {
        "body": "let me in",
        "passphrase": PASSPHRASE,
        "passphrase_confirmation": PASSPHRASE,
    }

    response = client.open(url, method=method, data=data)

    assert response.status_code == 404
    if method != "HEAD":
        assert b"not found" in response.data
        assert foreign.common_name.encode() not in response.data
    db.session.refresh(foreign)
    assert foreign.status == Status.READY
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IssuedCsr)) == 0


def test_unknown_ticket_is_not_found(client, customer, login):
    login(client, customer)

    assert client.get("/tickets/999999").status_code == 404
    assert client.get("/tickets/999999/download").status_code == 404


def test_screenshot_of_own_ticket_is_served_safely(
    client, customer, make_ticket, login
):
    ticket = make_ticket(customer)
    attachment = add_screenshot(ticket, customer)
    login(client, customer)

    page = client.get(f"/tickets/{ticket.id}").text
    url = f"/tickets/{ticket.id}/screenshots/{attachment.public_id}"
    response = client.get(url)

    assert f'src="{url}"' in page
    assert response.status_code == 200
    assert response.data == attachment.data
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    assert "no-store" in response.headers["Cache-Control"]


def test_screenshot_id_of_another_ticket_is_not_found(
    client, customer, make_ticket, login
):
    own = make_ticket(customer)
    other_own = make_ticket(customer)
    attachment = add_screenshot(other_own, customer)
    login(client, customer)

    url = f"/tickets/{own.id}/screenshots/{attachment.public_id}"

    assert client.get(url).status_code == 404


def test_agent_can_view_screenshot(client, customer, agent, make_ticket, login):
    ticket = make_ticket(customer)
    attachment = add_screenshot(ticket, customer)
    login(client, agent)

    url = f"/tickets/{ticket.id}/screenshots/{attachment.public_id}"

    assert client.get(url).status_code == 200


def test_admin_cannot_view_screenshot(client, customer, admin, make_ticket, login):
    # Admins manage accounts and the audit log. Like every ticket page, the
    # screenshot is only for the ticket's customer and the agents.
    ticket = make_ticket(customer)
    attachment = add_screenshot(ticket, customer)
    login(client, admin)

    screenshot = client.get(f"/tickets/{ticket.id}/screenshots/{attachment.public_id}")
    ticket_page = client.get(f"/tickets/{ticket.id}")
    review_page = client.get(f"/queue/tickets/{ticket.id}")

    assert screenshot.status_code == 403
    assert attachment.data not in screenshot.data
    assert ticket_page.status_code == 403
    assert review_page.status_code == 403


def test_internal_notes_never_reach_the_customer(
    client, customer, agent, make_ticket, login
):
    ticket = make_ticket(customer, Status.WAITING_ON_CUSTOMER, assignee_id=agent.id)
    add_message(ticket, agent, "Please confirm the company name.")
    add_message(ticket, agent, INTERNAL_NOTE, is_internal=True)
    login(client, customer)

    pages = [
        client.get("/tickets"),
        client.get(f"/tickets/{ticket.id}"),
        client.post(f"/tickets/{ticket.id}/reply", data={"body": ""}),
        client.get(f"/tickets/{ticket.id}/download"),
    ]

    assert "Please confirm the company name." in pages[1].text
    assert pages[2].status_code == 422
    for response in pages:
        assert INTERNAL_NOTE not in response.text
        assert "Internal note" not in response.text


def test_customer_reply_moves_waiting_ticket_to_review(
    client, customer, agent, make_ticket, login
):
    ticket = make_ticket(customer, Status.WAITING_ON_CUSTOMER, assignee_id=agent.id)
    login(client, customer)

    response = client.post(
        f"/tickets/{ticket.id}/reply", data={"body": "It is Example Hosting Corp."}
    )

    assert response.status_code == 303
    db.session.refresh(ticket)
    assert ticket.status == Status.IN_REVIEW
    message = db.session.scalar(sa.select(Message))
    assert message.body == "It is Example Hosting Corp."
    assert message.is_internal is False
    assert audit_actions(ticket.id) == ["ticket.replied", "ticket.status_changed"]


def test_customer_reply_with_private_key_is_refused(
    client, customer, make_ticket, login, caplog
):
    ticket = make_ticket(customer, Status.IN_REVIEW)
    login(client, customer)
    key_text = (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecret\n"
        "-----END RSA PRIVATE KEY-----"
    )

    response = client.post(f"/tickets/{ticket.id}/reply", data={"body": key_text})

    assert response.status_code == 422
    assert "private key" in response.text
    assert "MIIEowIBAAKCAQEAsecretsecretsecret" not in response.text
    assert "MIIEowIBAAKCAQEAsecretsecretsecret" not in caplog.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert audit_actions(ticket.id) == []


def test_customer_cannot_reply_to_closed_ticket(client, customer, make_ticket, login):
    ticket = make_ticket(customer, Status.CLOSED)
    login(client, customer)

    response = client.post(f"/tickets/{ticket.id}/reply", data={"body": "Hello?"})

    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_staff_cannot_use_customer_ticket_routes(
    client, customer, make_ticket, make_user, login, role
):
    ticket = make_ticket(customer, Status.READY)
    login(client, make_user(role))

    assert client.get("/tickets").status_code == 403
    assert client.get(f"/tickets/{ticket.id}").status_code == 403
    assert client.post(f"/tickets/{ticket.id}/download").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, customer, make_ticket):
    ticket = make_ticket(customer)

    response = client.get(f"/tickets/{ticket.id}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
