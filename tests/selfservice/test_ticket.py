"""One click opens a ticket with the self-service values and the problems found."""

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.workflow import Status

from .helpers import fields


def _only_ticket() -> Ticket:
    db.session.rollback()
    return db.session.scalars(sa.select(Ticket)).one()


def test_ticket_carries_fields_and_errors(customer_client, customer):
    from .helpers import audit_events

    response = customer_client.post(
        "/selfservice/ticket",
        data=fields(country="Korea", key="RSA-1024", state="서울", reason="rules"),
    )

    ticket = _only_ticket()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}")
    assert ticket.customer_id == customer.id
    assert ticket.status == Status.SUBMITTED
    assert ticket.hosting_account_id == customer.hosting_account_id
    assert ticket.country == "Korea"
    assert ticket.state == "서울"
    assert ticket.locality == "Gangnam-gu"
    assert ticket.organization == "Example Co., Ltd."
    assert ticket.common_name == "example.co.kr"
    assert ticket.problem_domain == "example.co.kr"
    assert (ticket.key_type, ticket.key_size) == ("RSA", 1024)
    assert ticket.add_www_variant is True
    assert "the CSR rules found problems" in ticket.description
    assert (
        "“Korea” is not a two-letter ISO 3166-1 code in upper case. "
        "Enter “KR” (Korea, Republic of). Did you mean KR?"
    ) in ticket.description
    assert "An RSA key of 1024 bits is too weak" in ticket.description
    assert "“서울” contains Korean text." in ticket.description

    opened = audit_events("selfservice.ticket_opened")
    assert [event.ticket_id for event in opened] == [ticket.id]
    assert opened[0].details["reason"] == "rules"
    assert [e.ticket_id for e in audit_events("ticket.created")] == [ticket.id]


def test_ticket_page_shows_description(customer_client):
    response = customer_client.post(
        "/selfservice/ticket", data=fields(country="Korea"), follow_redirects=True
    )

    assert response.status_code == 200
    assert "“Korea” is not a two-letter ISO 3166-1 code" in response.text


def test_ticket_after_generation_failure_says_so(customer_client):
    customer_client.post("/selfservice/ticket", data=fields(reason="generation_failed"))

    ticket = _only_ticket()
    assert "generating the key and CSR failed" in ticket.description
    assert "Nothing was downloaded." in ticket.description


def test_ticket_ignores_unknown_reason(customer_client):
    customer_client.post("/selfservice/ticket", data=fields(reason="anything"))

    assert "the CSR rules found problems" in _only_ticket().description


def test_ticket_without_www_toggle_keeps_it_off(customer_client):
    customer_client.post(
        "/selfservice/ticket", data=fields(add_www_variant=None, country="kr")
    )

    ticket = _only_ticket()
    assert ticket.add_www_variant is False
    assert ticket.country == "kr"


def test_ticket_is_not_opened_for_invalid_form(customer_client):
    response = customer_client.post("/selfservice/ticket", data=fields(key="RSA-512"))

    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id))) == 0
