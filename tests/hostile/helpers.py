"""The world the hostile-input tests attack, and the checks every case ends with.

A World holds one account of each role and a ticket under review with a
customer reply, an agent reply, an internal note and a screenshot. Every
case checks two things at the end: the status is not 500 (and the
exception, if one was raised, is named in the failure), and every row stored
before the request is still there, with messages, screenshots, field changes
and issued CSRs unchanged.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from support.images import make_png

from helpdesk.auth.passwords import hash_password
from helpdesk.extensions import db
from helpdesk.models import Attachment, Message, Role, Ticket, User
from helpdesk.workflow import Status

PASSWORD = "correct horse battery staple 42"
ROLES = ("anonymous", "customer", "other_customer", "agent", "admin")

# Text values each text field is attacked with.
TEXT_PAYLOADS = {
    "10k_chars": "A" * 10_000,
    "1m_chars": "B" * 1_000_000,
    "nul_byte": "before\x00after",
    "control_chars": "bell\x07 escape\x1b[31m delete\x7f next-line\x85 end",
    "crlf": "first line\r\nX-Injected: yes\r\n",
    "script_tag": "<script>alert(1)</script>",
    "attribute_break": '"><img src=x onerror=alert(1)>',
}
# Markup that must never reach a page unescaped.
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")

# Tables whose rows a request may add to but never change or remove.
APPEND_ONLY_TABLES = ("messages", "attachments", "field_changes", "issued_csrs")

TICKET_SUBJECT = {
    "country": "KR",
    "state": "Seoul",
    "locality": "Dongjak-gu",
    "organization": "Example Hosting Corp.",
    "organizational_unit": "Web service Team",
    "common_name": "shop.example.com",
    "email_address": "admin@example.com",
}
CUSTOMER_MESSAGE = "The control panel says the CSR is invalid."
AGENT_MESSAGE = "Which Organization Name is on your business registration?"
INTERNAL_NOTE = "Checked the registry: the name is Example Hosting Corp."


@cache
def password_hash() -> str:
    """Return one Argon2 hash of PASSWORD, shared by every account made here."""
    return hash_password(PASSWORD)


def add_account(role: str, email: str, **fields) -> User:
    user = User(
        email=email,
        display_name=fields.pop("display_name", email.split("@")[0]),
        password_hash=password_hash(),
        role=role,
        hosting_account_id="host-0001" if role == Role.CUSTOMER else None,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_ticket(customer: User, status: str = Status.IN_REVIEW, **fields) -> Ticket:
    values = {
        **TICKET_SUBJECT,
        "problem_domain": "shop.example.com",
        "description": "The CSR generator in the control panel shows an error.",
        "key_type": "RSA",
        "key_size": 2048,
        **fields,
    }
    ticket = Ticket(
        customer_id=customer.id,
        hosting_account_id=customer.hosting_account_id or "",
        status=status,
        **values,
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket


@dataclass
class World:
    """Accounts of every role and one ticket with a conversation and a screenshot."""

    app: Flask
    login: object
    accounts: dict[str, User]
    ticket: Ticket
    attachment: Attachment
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    @property
    def ticket_id(self) -> int:
        return self.ticket.id

    def client(self, role: str) -> FlaskClient:
        """Return a client signed in (freshly) as ROLE; one per role."""
        if role not in self.clients:
            self.clients[role] = self.new_client(role)
        return self.clients[role]

    def new_client(self, role: str) -> FlaskClient:
        """Return a new client signed in (freshly) as ROLE, with no other state."""
        client = self.app.test_client()
        if role != "anonymous":
            account = self.accounts[role]
            # A sign-out raises the session version; sign in with the current one.
            db.session.refresh(account)
            self.login(client, account)
        return client

    def url_values(self) -> dict[str, object]:
        """Return a value for every URL variable a route of the app can have."""
        return {
            "ticket_id": self.ticket.id,
            "public_id": self.attachment.public_id,
            "user_id": self.accounts["target"].id,
            "action_name": "close",
            "filename": "desk.css",
        }


def build_world(app: Flask, login) -> World:
    accounts = {
        "customer": add_account(Role.CUSTOMER, "customer@example.com"),
        "other_customer": add_account(Role.CUSTOMER, "other@example.com"),
        "agent": add_account(Role.AGENT, "agent@example.com"),
        "admin": add_account(Role.ADMIN, "admin@example.com"),
        # Deactivated and reactivated by the admin routes, so the accounts
        # the other requests use stay as they are.
        "target": add_account(Role.CUSTOMER, "target@example.com"),
    }
    ticket = add_ticket(accounts["customer"], assignee_id=accounts["agent"].id)
    for author, body, is_internal in (
        ("customer", CUSTOMER_MESSAGE, False),
        ("agent", AGENT_MESSAGE, False),
        ("agent", INTERNAL_NOTE, True),
    ):
        db.session.add(
            Message(
                ticket_id=ticket.id,
                author_id=accounts[author].id,
                body=body,
                is_internal=is_internal,
            )
        )
    screenshot = make_png(40, 30)
    attachment = Attachment(
        public_id=secrets.token_urlsafe(32),
        ticket_id=ticket.id,
        uploader_id=accounts["customer"].id,
        original_filename="error.png",
        content_type="image/png",
        width=40,
        height=30,
        size_bytes=len(screenshot),
        data=screenshot,
    )
    db.session.add(attachment)
    db.session.commit()
    return World(app, login, accounts, ticket, attachment)


MULTIPART_BOUNDARY = "hostile-boundary-7f3a"
MULTIPART_TYPE = f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"


def multipart_body(parts: list[tuple[str, bytes]], close: bool = True) -> bytes:
    """Join PARTS, each (Content-Disposition parameters, content), as multipart.

    The parameters are written as given, so a test can send file names and
    field names that Werkzeug's test client would encode differently.
    """
    chunks = []
    for parameters, content in parts:
        head = (
            f"--{MULTIPART_BOUNDARY}\r\n"
            f"Content-Disposition: form-data; {parameters}\r\n\r\n"
        )
        chunks.append(head.encode("utf-8") + content + b"\r\n")
    if close:
        chunks.append(f"--{MULTIPART_BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


def form_parts(values: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(f'name="{name}"', value.encode("utf-8")) for name, value in values.items()]


def snapshot(include_audit: bool = False) -> dict[str, dict[tuple, tuple]]:
    """Return every stored row, read fresh, keyed by table and primary key."""
    db.session.rollback()
    db.session.expire_all()
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name == "audit_events" and not include_audit:
            continue
        key_columns = list(table.primary_key.columns)
        result = db.session.execute(sa.select(table).order_by(*key_columns))
        rows[table.name] = {
            tuple(row._mapping[column] for column in key_columns): tuple(row)
            for row in result
        }
    db.session.rollback()
    return rows


def lost_rows(before: dict, after: dict) -> list[str]:
    """Describe each row of BEFORE that AFTER lacks, or changed if append-only."""
    lost = []
    for table, rows in before.items():
        for key, row in rows.items():
            if key not in after[table]:
                lost.append(f"{table} {key} was deleted")
            elif table in APPEND_ONLY_TABLES and after[table][key] != row:
                lost.append(f"{table} {key} was changed")
    return lost


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])


def assert_not_server_error(
    response, errors: list[BaseException], description: str
) -> None:
    """Fail when RESPONSE is a 5xx, naming the exception the view raised."""
    raised = ", ".join(f"{type(e).__name__}: {e}"[:300] for e in errors)
    assert response.status_code < 500, (
        f"{description}: status {response.status_code}; raised {raised or 'nothing'}"
    )


def assert_nothing_lost(before: dict, description: str) -> None:
    lost = lost_rows(before, snapshot())
    assert not lost, f"{description}: " + "; ".join(lost)


def assert_unchanged(
    before: dict, description: str, include_audit: bool = False
) -> None:
    after = snapshot(include_audit)
    assert after == before, f"{description} changed {changed_tables(before, after)}"


def assert_no_raw_markup(text: str, description: str) -> None:
    for markup in RAW_MARKUP:
        assert markup not in text, f"{description} contains unescaped {markup!r}"


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def input_value(page: str, name: str) -> str | None:
    """Return what the input or textarea named NAME shows, unescaped, or None."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            match = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(match.group(1)) if match else ""
    textarea = re.search(
        rf'<textarea\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</textarea>',
        page,
        re.S,
    )
    if textarea:
        # Browsers drop one newline right after the opening tag.
        return html.unescape(textarea.group(1).removeprefix("\r\n").removeprefix("\n"))
    return None


def field_messages(page: str, field_id: str) -> str:
    """Return the text of the errors and findings shown under the field FIELD_ID."""
    texts = []
    for suffix in ("errors", "findings"):
        start = page.find(f'id="{field_id}-{suffix}"')
        if start == -1:
            continue
        end = page.find('<div class="field', start)
        block = page[start : end if end != -1 else len(page)]
        texts.append(html.unescape(re.sub(r"<[^>]+>", " ", block.split(">", 1)[1])))
    return " ".join(" ".join(texts).split())
