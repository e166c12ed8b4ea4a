"""Markup typed into a form and stored is shown escaped on every page that shows it.

Each case stores a payload through the real route, as the person who would
type it, then opens every page that shows the value: the customer's ticket
page, the agent's queue and review page, the admin's user list and audit
log. Each page must contain the value escaped (so the check can fail) and
never the raw markup.

The CSV export is an attachment (text/csv, nosniff), not a page, and must
keep the value exactly as typed, because an audit record that was rewritten
is worthless; its test checks the value survives unchanged and cannot run as
a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from markupsafe import escape
from support.images import make_png

from helpdesk.extensions import db
from helpdesk.models import Message, Ticket, User
from hostile.helpers import (
    MULTIPART_TYPE,
    PASSWORD,
    assert_no_raw_markup,
    assert_not_server_error,
    assert_nothing_lost,
    form_parts,
    multipart_body,
    snapshot,
)

MARKUP_PAYLOADS = {
    "script_tag": "<script>alert(1)</script>",
    "attribute_break": '"><img src=x onerror=alert(1)>',
}
CUSTOMER_PAGE = ("customer", "/tickets/{ticket_id}")
REVIEW_PAGE = ("agent", "/queue/tickets/{ticket_id}")
QUEUE_PAGE = ("agent", "/queue/?view=all")
USERS_PAGE = ("admin", "/admin/users")
AUDIT_PAGE = ("admin", "/admin/audit")

TICKET_FORM = {
    "problem_domain": "shop.example.com",
    "description": "The control panel rejects the CSR.",
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "",
    "common_name": "shop.example.com",
    "email_address": "",
    "key": "RSA-2048",
}


def _newest_ticket_id() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.max(Ticket.id)))


def _open_ticket(world, payload: str, field: str) -> tuple[int, list]:
    response = world.client("customer").post(
        "/tickets/new", data={**TICKET_FORM, field: payload}
    )
    assert response.status_code == 303, f"{field} was refused: {response.status_code}"
    return _newest_ticket_id(), [CUSTOMER_PAGE, REVIEW_PAGE]


def store_description(world, payload):
    return _open_ticket(world, payload, "description")


def store_organization(world, payload):
    return _open_ticket(world, payload, "organization")


def store_organizational_unit(world, payload):
    return _open_ticket(world, payload, "organizational_unit")


def store_customer_reply(world, payload):
    path = f"/tickets/{world.ticket_id}/reply"
    response = world.client("customer").post(path, data={"body": payload})
    assert response.status_code == 303, response.status_code
    return world.ticket_id, [CUSTOMER_PAGE, REVIEW_PAGE]


def store_agent_reply(world, payload):
    path = f"/queue/tickets/{world.ticket_id}/reply"
    response = world.client("agent").post(
        path, data={"reply-body": payload, "reply-send": "Send reply"}
    )
    assert response.status_code == 303, response.status_code
    return world.ticket_id, [CUSTOMER_PAGE, REVIEW_PAGE]


def store_internal_note(world, payload):
    path = f"/queue/tickets/{world.ticket_id}/notes"
    response = world.client("agent").post(
        path, data={"note-body": payload, "note-add": "Add"}
    )
    assert response.status_code == 303, response.status_code
    return world.ticket_id, [REVIEW_PAGE]


def store_agent_correction(world, payload):
    path = f"/queue/tickets/{world.ticket_id}/fields"
    response = world.client("agent").post(
        path,
        data={"version": str(world.ticket.version), "locality": payload},
    )
    assert response.status_code == 303, response.status_code
    return world.ticket_id, [CUSTOMER_PAGE, REVIEW_PAGE, AUDIT_PAGE]


def store_signup_name(world, payload):
    client = world.app.test_client()
    response = client.post(
        "/signup",
        data={
            "hosting_account_id": "host-0099",
            "email": "markup.name@example.com",
            "display_name": payload,
            "password": "plum tractor harbor 58",
            "password_confirm": "plum tractor harbor 58",
        },
    )
    assert response.status_code == 302, response.status_code
    # The signed-up customer sees the name in the page header.
    world.clients["signed_up"] = client
    return world.ticket_id, [USERS_PAGE, ("signed_up", "/tickets")]


def store_agent_name(world, payload):
    response = world.client("admin").post(
        "/admin/users/new",
        data={
            "role": "agent",
            "email": "markup.agent@example.com",
            "display_name": payload,
            "password": "plum tractor harbor 58",
            "password_confirm": "plum tractor harbor 58",
        },
    )
    assert response.status_code == 302, response.status_code
    # The new agent claims a ticket and replies: the customer and the other
    # agents see the name.
    agent = db.session.scalar(
        sa.select(User).where(User.email == "markup.agent@example.com")
    )
    ticket = world.ticket
    ticket.assignee_id = agent.id
    db.session.add(Message(ticket_id=ticket.id, author_id=agent.id, body="Hello."))
    db.session.commit()
    return world.ticket_id, [USERS_PAGE, CUSTOMER_PAGE, REVIEW_PAGE, QUEUE_PAGE]


def store_failed_sign_in_email(world, payload):
    email = payload.replace(" ", "") + "@example.com"
    response = world.app.test_client().post(
        "/login", data={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.status_code
    return world.ticket_id, [AUDIT_PAGE]


def store_selfservice_ticket(world, payload):
    response = world.client("customer").post(
        "/selfservice/ticket",
        data={**TICKET_FORM, "organization": payload, "key": "EC-256"},
    )
    assert response.status_code == 303, response.status_code
    return _newest_ticket_id(), [CUSTOMER_PAGE, REVIEW_PAGE]


SOURCES: dict[str, Callable] = {
    "ticket_description": store_description,
    "ticket_organization": store_organization,
    "ticket_organizational_unit": store_organizational_unit,
    "customer_reply": store_customer_reply,
    "agent_reply": store_agent_reply,
    "internal_note": store_internal_note,
    "agent_correction": store_agent_correction,
    "signup_display_name": store_signup_name,
    "admin_made_agent_name": store_agent_name,
    "failed_sign_in_email": store_failed_sign_in_email,
    "selfservice_ticket": store_selfservice_ticket,
}


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
@pytest.mark.parametrize("source", SOURCES)
def test_stored_markup_is_escaped_on_every_page(world, server_errors, source, payload):
    value = MARKUP_PAYLOADS[payload]
    if source == "failed_sign_in_email" and payload == "attribute_break":
        # An email with a quote and spaces is not recorded, so use the
        # angle brackets alone.
        value = "<img/src=x/onerror=alert(1)>"
    before = snapshot()
    ticket_id, pages = SOURCES[source](world, value)
    assert_nothing_lost(before, source)

    for role, path in pages:
        url = path.format(ticket_id=ticket_id)
        response = world.client(role).get(url)
        text = response.get_data(as_text=True)

        assert_not_server_error(response, server_errors, url)
        assert response.status_code == 200, f"{url} as {role}"
        assert_no_raw_markup(text, f"{url} as {role}")
        assert "<img/src=x/onerror" not in text, f"{url} as {role}"
        assert str(escape(value)) in text, f"{url} as {role} does not show the value"


def test_internal_note_markup_never_reaches_customer(world):
    path = f"/queue/tickets/{world.ticket_id}/notes"
    world.client("agent").post(
        path, data={"note-body": MARKUP_PAYLOADS["script_tag"], "note-add": "Add"}
    )

    page = world.client("customer").get(f"/tickets/{world.ticket_id}").text

    assert "alert(1)" not in page


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_screenshot_file_name_markup_is_escaped(world, server_errors, payload):
    file_name = MARKUP_PAYLOADS[payload].replace("/", "") + ".png"
    # The quote is escaped with a backslash, as the multipart rules allow;
    # browsers send it as %22 instead.
    quoted = file_name.replace("\\", "\\\\").replace('"', '\\"')
    body = multipart_body(
        [
            *form_parts(TICKET_FORM),
            (f'name="screenshot"; filename="{quoted}"', make_png(40, 30)),
        ]
    )
    response = world.client("customer").post(
        "/tickets/new", data=body, content_type=MULTIPART_TYPE
    )
    assert response.status_code == 303, response.status_code
    ticket_id = _newest_ticket_id()

    for role, path in (CUSTOMER_PAGE, REVIEW_PAGE):
        url = path.format(ticket_id=ticket_id)
        page = world.client(role).get(url)
        text = page.get_data(as_text=True)

        assert_not_server_error(page, server_errors, url)
        assert "<img src=x" not in text, url
        assert "<script>" not in text, url
        assert str(escape(file_name)) in text, f"{url} does not show the file name"


def _export(world) -> tuple[object, list[dict[str, str]]]:
    response = world.client("admin").post("/admin/audit/export", data={})
    body = response.get_data(as_text=True).removeprefix("\ufeff")
    return response, list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_csv_export_keeps_markup_as_inert_text(world, payload):
    value = MARKUP_PAYLOADS[payload]
    store_agent_correction(world, value)

    response, rows = _export(world)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    changes = [row for row in rows if row["action"] == "ticket.field_changed"]
    assert len(changes) == 1
    assert value in changes[0]["details"]


def test_csv_export_neutralizes_formula_in_email(world):
    formula_email = "=2+5@example.com"
    created = world.client("admin").post(
        "/admin/users/new",
        data={
            "role": "agent",
            "email": formula_email,
            "display_name": "Formula",
            "password": "plum tractor harbor 58",
            "password_confirm": "plum tractor harbor 58",
        },
    )
    assert created.status_code == 302, created.status_code
    signed_in = world.app.test_client().post(
        "/login", data={"email": formula_email, "password": "plum tractor harbor 58"}
    )
    assert signed_in.status_code == 302, signed_in.status_code

    response, rows = _export(world)

    assert response.status_code == 200
    logins = [row for row in rows if row["action"] == "auth.login"]
    assert [row["actor_email"] for row in logins] == ["'" + formula_email]
    for row in rows:
        for column, cell in row.items():
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), (
                f"{column} of event {row['id']} starts a formula: {cell!r}"
            )
