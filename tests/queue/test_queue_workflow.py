"""The agent's path through a ticket, and each step refused to the wrong actor."""

from __future__ import annotations

import html
import re

import pytest
from queue_helpers import (
    audit_events,
    correction_data,
    field_changes,
    page_text,
    reload,
)
from support.delivery import open_delivery, subject_alt_names

from helpdesk.extensions import db
from helpdesk.models import Message, Role
from helpdesk.workflow import Status

PASSPHRASE = "blue kettle morning 42"


def claim(client, ticket):
    return client.post(
        f"/queue/tickets/{ticket.id}/claim", data={"version": ticket.version}
    )


def status_action(client, ticket, name: str, version: int | None = None):
    return client.post(
        f"/queue/tickets/{ticket.id}/status/{name}",
        data={"version": ticket.version if version is None else version},
    )


def test_agent_path_from_claim_to_download(
    app, client, customer, agent, make_ticket, login
):
    ticket = make_ticket(
        customer,
        Status.SUBMITTED,
        country="kr",
        key_size=1024,
        common_name="example.com",
    )
    login(client, agent)

    assert claim(client, ticket).status_code == 303
    ticket = reload(ticket)
    assert ticket.status == Status.IN_REVIEW
    assert ticket.assignee_id == agent.id
    assert len(audit_events(ticket.id, "ticket.claimed")) == 1

    refused = status_action(client, ticket, "approve")
    assert refused.status_code == 422
    assert "RSA key of 1024 bits is too weak" in page_text(refused)
    assert reload(ticket).status == Status.IN_REVIEW

    for field, value, suggestion in [
        ("key", "RSA-1024", "RSA-2048"),
        ("country", "kr", "KR"),
    ]:
        response = client.post(
            f"/queue/tickets/{ticket.id}/suggestions",
            data={
                "version": reload(ticket).version,
                "field": field,
                "value": value,
                "suggestion": suggestion,
            },
        )
        assert response.status_code == 303, field

    ticket = reload(ticket)
    response = client.post(
        f"/queue/tickets/{ticket.id}/fields",
        data=correction_data(
            ticket,
            organization="Example Hosting Co., Ltd.",
            add_www_variant="y",
            extra_sans="static.example.com\r\n",
        ),
    )
    assert response.status_code == 303

    ticket = reload(ticket)
    assert (ticket.key_type, ticket.key_size) == ("RSA", 2048)
    assert ticket.country == "KR"
    assert ticket.organization == "Example Hosting Co., Ltd."
    assert ticket.add_www_variant is True
    assert ticket.extra_sans == ["static.example.com"]
    changes = [(c.field, c.old_value, c.new_value) for c in field_changes(ticket.id)]
    assert changes == [
        ("key", "RSA-1024", "RSA-2048"),
        ("country", "kr", "KR"),
        ("organization", "Example Hosting Corp.", "Example Hosting Co., Ltd."),
        ("add_www_variant", "false", "true"),
        ("extra_sans", "", "static.example.com"),
    ]
    audited = audit_events(ticket.id, "ticket.field_changed")
    assert [event.details for event in audited] == [
        {"field": field, "old": old, "new": new} for field, old, new in changes
    ]

    assert status_action(client, ticket, "approve").status_code == 303
    ticket = reload(ticket)
    assert ticket.status == Status.READY
    assert ticket.ready_at is not None
    last = audit_events(ticket.id, "ticket.status_changed")[-1]
    assert last.details == {"from": "in_review", "to": "ready", "action": "approve"}

    customer_client = app.test_client()
    login(customer_client, customer)
    response = customer_client.post(
        f"/tickets/{ticket.id}/download",
        data={"passphrase": PASSPHRASE, "passphrase_confirmation": PASSPHRASE},
    )
    assert response.status_code == 200
    delivery = open_delivery(response.data, PASSPHRASE)
    assert subject_alt_names(delivery.csr) == [
        "example.com",
        "www.example.com",
        "static.example.com",
    ]


def test_approval_refused_at_key_size_1024(client, agent, claimed_ticket, login):
    ticket = claimed_ticket(key_size=1024)
    login(client, agent)

    response = status_action(client, ticket, "approve")

    assert response.status_code == 422
    text = page_text(response)
    assert "Approval refused" in text
    assert "Key type and size: An RSA key of 1024 bits is too weak" in text
    assert reload(ticket).status == Status.IN_REVIEW
    assert audit_events(ticket.id, "ticket.status_changed") == []


def form_values(page: str) -> dict:
    """Return the correction form's values as a browser would submit them."""
    form = re.search(r'action="/queue/tickets/\d+/fields".*?</form>', page, re.S)
    values = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>', form.group(0), re.S
    ):
        values[name] = html.unescape(text)
    selected = re.search(r'<option selected value="([^"]+)"', form.group(0))
    values["key"] = selected.group(1)
    return values


def test_version_conflict_between_two_agents(
    app, client, agent, second_agent, claimed_ticket, login
):
    ticket = claimed_ticket()
    second_client = app.test_client()
    login(client, agent)
    login(second_client, second_agent)
    first_page = client.get(f"/queue/tickets/{ticket.id}").text
    second_page = second_client.get(f"/queue/tickets/{ticket.id}").text

    first = form_values(first_page)
    first["organization"] = "Example Hosting Co., Ltd."
    saved = client.post(f"/queue/tickets/{ticket.id}/fields", data=first)
    second = form_values(second_page)
    second["locality"] = "Gangnam-gu"
    stale = second_client.post(f"/queue/tickets/{ticket.id}/fields", data=second)

    assert saved.status_code == 303
    assert stale.status_code == 409
    text = page_text(stale)
    assert "Another agent changed this ticket after you opened it" in text
    assert "“Example Hosting Corp.” → “Example Hosting Co., Ltd.”" in text
    assert "agent@example.com" in text
    ticket = reload(ticket)
    assert ticket.organization == "Example Hosting Co., Ltd."
    assert ticket.locality == "Dongjak-gu"
    assert len(field_changes(ticket.id)) == 1

    # The form comes back with the other agent's change and this agent's edit.
    merged = form_values(stale.text)
    assert merged["organization"] == "Example Hosting Co., Ltd."
    assert merged["locality"] == "Gangnam-gu"
    assert merged["version"] == str(ticket.version)
    again = second_client.post(f"/queue/tickets/{ticket.id}/fields", data=merged)

    assert again.status_code == 303
    ticket = reload(ticket)
    assert ticket.organization == "Example Hosting Co., Ltd."
    assert ticket.locality == "Gangnam-gu"
    assert [c.field for c in field_changes(ticket.id)] == ["organization", "locality"]


def test_stale_approval_is_refused(client, agent, second_agent, claimed_ticket, login):
    ticket = claimed_ticket()
    opened_version = ticket.version
    ticket.organization = "Example Hosting Co., Ltd."
    db.session.commit()
    login(client, agent)

    response = status_action(client, ticket, "approve", version=opened_version)

    assert response.status_code == 409
    assert "Another agent changed this ticket" in page_text(response)
    assert reload(ticket).status == Status.IN_REVIEW


def test_posted_status_and_assignee_are_ignored(
    client, agent, second_agent, customer, other_customer, claimed_ticket, login
):
    ticket = claimed_ticket()
    login(client, agent)

    response = client.post(
        f"/queue/tickets/{ticket.id}/fields",
        data=correction_data(
            ticket,
            state="Gyeonggi-do",
            status="ready",
            assignee_id=str(second_agent.id),
            customer_id=str(other_customer.id),
            delivered_at="2026-01-01T00:00:00",
        ),
    )

    assert response.status_code == 303
    ticket = reload(ticket)
    assert ticket.state == "Gyeonggi-do"
    assert ticket.status == Status.IN_REVIEW
    assert ticket.assignee_id == agent.id
    assert ticket.customer_id == customer.id
    assert ticket.delivered_at is None
    assert [c.field for c in field_changes(ticket.id)] == ["state"]


def test_request_info_and_customer_reply_return_to_review(
    app, client, customer, agent, claimed_ticket, login
):
    ticket = claimed_ticket()
    login(client, agent)

    response = client.post(
        f"/queue/tickets/{ticket.id}/reply",
        data={
            "reply-body": "Is the English company name right?",
            "reply-ask": "y",
        },
    )

    assert response.status_code == 303
    assert reload(ticket).status == Status.WAITING_ON_CUSTOMER
    assert len(audit_events(ticket.id, "ticket.replied")) == 1

    customer_client = app.test_client()
    login(customer_client, customer)
    page = customer_client.get(f"/tickets/{ticket.id}").text
    assert "Is the English company name right?" in page
    customer_client.post(f"/tickets/{ticket.id}/reply", data={"body": "Yes."})

    assert reload(ticket).status == Status.IN_REVIEW
    changes = [e.details for e in audit_events(ticket.id, "ticket.status_changed")]
    assert changes == [
        {"from": "in_review", "to": "waiting_on_customer", "action": "request_info"},
        {
            "from": "waiting_on_customer",
            "to": "in_review",
            "action": "customer_replied",
        },
    ]


def test_plain_reply_keeps_status(client, agent, claimed_ticket, login):
    ticket = claimed_ticket()
    login(client, agent)

    response = client.post(
        f"/queue/tickets/{ticket.id}/reply",
        data={"reply-body": "We are checking the name.", "reply-send": "y"},
    )

    assert response.status_code == 303
    assert reload(ticket).status == Status.IN_REVIEW
    message = db.session.scalar(db.select(Message))
    assert message.is_internal is False


def test_withdraw_close_and_reopen(
    client, agent, second_agent, claimed_ticket, make_ticket, login, app
):
    ticket = claimed_ticket(Status.READY)
    login(client, agent)

    assert status_action(client, ticket, "return_to_review").status_code == 303
    assert reload(ticket).status == Status.IN_REVIEW
    assert status_action(client, reload(ticket), "close").status_code == 303
    ticket = reload(ticket)
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None

    other_client = app.test_client()
    login(other_client, second_agent)
    assert status_action(other_client, ticket, "reopen").status_code == 303
    ticket = reload(ticket)
    assert ticket.status == Status.IN_REVIEW
    assert ticket.closed_at is None
    actions = [
        e.details["action"] for e in audit_events(ticket.id, "ticket.status_changed")
    ]
    assert actions == ["return_to_review", "close", "reopen"]


def test_internal_note_is_shown_to_agents_only(
    app, client, customer, agent, claimed_ticket, login
):
    ticket = claimed_ticket()
    login(client, agent)

    response = client.post(
        f"/queue/tickets/{ticket.id}/notes",
        data={"note-body": "Registry lists the company as Example Hosting Co."},
    )

    assert response.status_code == 303
    message = db.session.scalar(db.select(Message))
    assert message.is_internal is True
    [event] = audit_events(ticket.id, "ticket.internal_note")
    assert event.details["message_id"] == message.id
    assert (
        "Registry lists the company" in client.get(f"/queue/tickets/{ticket.id}").text
    )
    customer_client = app.test_client()
    login(customer_client, customer)
    assert (
        "Registry lists the company"
        not in customer_client.get(f"/tickets/{ticket.id}").text
    )


@pytest.mark.parametrize("form_prefix", ["reply", "note"])
def test_agent_text_with_private_key_is_refused(
    client, agent, claimed_ticket, login, caplog, form_prefix
):
    ticket = claimed_ticket()
    login(client, agent)
    secret_line = "MHcCAQEEIBkgSecretSecretSecretSecret"
    body = (
        f"-----BEGIN EC PRIVATE KEY-----\n{secret_line}\n-----END EC PRIVATE KEY-----"
    )
    path = "reply" if form_prefix == "reply" else "notes"

    response = client.post(
        f"/queue/tickets/{ticket.id}/{path}", data={f"{form_prefix}-body": body}
    )

    assert response.status_code == 422
    assert "contains a private key" in page_text(response)
    assert secret_line not in response.text
    assert secret_line not in caplog.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0


def test_forged_suggestion_is_refused(client, agent, claimed_ticket, login):
    ticket = claimed_ticket(country="kr")
    login(client, agent)

    response = client.post(
        f"/queue/tickets/{ticket.id}/suggestions",
        data={
            "version": ticket.version,
            "field": "country",
            "value": "kr",
            "suggestion": "US",
        },
    )

    assert response.status_code == 409
    assert reload(ticket).country == "kr"
    assert field_changes(ticket.id) == []


def test_review_page_shows_findings_and_history(client, agent, claimed_ticket, login):
    ticket = claimed_ticket(organization="예제 주식회사", key_size=1024)
    login(client, agent)
    client.post(
        f"/queue/tickets/{ticket.id}/fields",
        data=correction_data(ticket, state="Gyeonggi-do"),
    )

    response = client.get(f"/queue/tickets/{ticket.id}")

    text = page_text(response)
    assert "contains Korean text" in text
    assert "Apply suggestion: RSA-2048" in text
    assert "Seoul Gyeonggi-do" in text
    assert "agent@example.com" in text
    for name in ("organization", "key", "extra_sans", "add_www_variant"):
        assert f'<label for="{name}">' in response.text, name
    assert '<label for="reply-body">' in response.text
    assert '<label for="note-body">' in response.text


REFUSED_ACTIONS = [
    # (who acts, ticket status, assigned to the agent, attempt, why it is refused)
    ("second", Status.IN_REVIEW, False, ("status", "approve"), "not the assignee"),
    ("agent", Status.SUBMITTED, None, ("status", "approve"), "not claimed yet"),
    ("second", Status.IN_REVIEW, False, ("claim", None), "already claimed"),
    ("agent", Status.CLOSED, True, ("status", "close"), "already closed"),
    ("agent", Status.IN_REVIEW, True, ("status", "reopen"), "not closed"),
    ("agent", Status.READY, True, ("fields", None), "not editable when ready"),
    ("agent", Status.DELIVERED, True, ("status", "approve"), "already delivered"),
    ("second", Status.IN_REVIEW, False, ("ask", None), "only the assignee asks"),
    ("agent", Status.CLOSED, True, ("reply", None), "closed ticket"),
]


@pytest.mark.parametrize(
    ("actor", "status", "assigned", "attempt", "why"),
    REFUSED_ACTIONS,
    ids=[row[-1] for row in REFUSED_ACTIONS],
)
def test_transition_refused_for_wrong_actor_or_state(
    client,
    agent,
    second_agent,
    customer,
    make_ticket,
    login,
    actor,
    status,
    assigned,
    attempt,
    why,
):
    assignee = None if assigned is None else agent.id
    ticket = make_ticket(customer, status, assignee_id=assignee)
    login(client, second_agent if actor == "second" else agent)
    kind, name = attempt

    if kind == "status":
        response = status_action(client, ticket, name)
    elif kind == "claim":
        response = claim(client, ticket)
    elif kind == "fields":
        response = client.post(
            f"/queue/tickets/{ticket.id}/fields",
            data=correction_data(ticket, state="Busan"),
        )
    else:
        response = client.post(
            f"/queue/tickets/{ticket.id}/reply",
            data={"reply-body": "Hello", f"reply-{kind}": "y"},
        )

    assert response.status_code == 409, why
    after = reload(ticket)
    assert after.status == status
    assert after.assignee_id == assignee
    assert after.state == "Seoul"
    assert audit_events(ticket.id, "ticket.status_changed") == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.ADMIN])
def test_queue_routes_refuse_other_roles(
    client, customer, make_user, claimed_ticket, login, role
):
    ticket = claimed_ticket()
    user = customer if role == Role.CUSTOMER else make_user(role)
    login(client, user)

    assert client.get("/queue/").status_code == 403
    assert client.get(f"/queue/tickets/{ticket.id}").status_code == 403
    assert status_action(client, ticket, "approve").status_code == 403
    assert reload(ticket).status == Status.IN_REVIEW


def test_unknown_status_action_is_not_found(client, agent, claimed_ticket, login):
    ticket = claimed_ticket()
    login(client, agent)

    assert status_action(client, ticket, "deliver").status_code == 404
    assert reload(ticket).status == Status.IN_REVIEW
