"""A replayed one-time download: the second POST gets "already delivered", no ZIP.

The key is EC P-256 and the KDF rounds are the suite's low setting, so each
delivery takes milliseconds.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from auth.helpers import csrf_token_in

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, IssuedCsr, Ticket, utcnow
from helpdesk.workflow import Status
from hostile.helpers import add_ticket, assert_not_server_error

PASSPHRASE = "plum tractor harbor 58"
ALREADY_DELIVERED = "This key was already delivered"


def _ready_ticket(world) -> int:
    ticket = add_ticket(
        world.accounts["customer"],
        Status.READY,
        assignee_id=world.accounts["agent"].id,
        ready_at=utcnow(),
        key_type="EC",
        key_size=256,
        common_name="example.co.kr",
        problem_domain="example.co.kr",
        organizational_unit="",
        email_address="",
    )
    db.session.commit()
    return ticket.id


def _issued_count(ticket_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(
        sa.select(sa.func.count(IssuedCsr.id)).where(IssuedCsr.ticket_id == ticket_id)
    )


def _assert_refused_without_zip(response, server_errors) -> None:
    assert_not_server_error(response, server_errors, "replayed download")
    assert response.status_code == 409, response.status_code
    assert response.mimetype == "text/html"
    assert not response.get_data().startswith(b"PK"), "a second ZIP was sent"
    assert "Content-Disposition" not in response.headers
    assert ALREADY_DELIVERED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "second_passphrase",
    [PASSPHRASE, "another long passphrase 9", ""],
    ids=["same_passphrase", "other_passphrase", "empty_passphrase"],
)
def test_replayed_download_post_is_already_delivered(
    world, server_errors, second_passphrase
):
    ticket_id = _ready_ticket(world)
    client = world.client("customer")
    url = f"/tickets/{ticket_id}/download"
    form = {"passphrase": PASSPHRASE, "passphrase_confirmation": PASSPHRASE}

    first = client.post(url, data=form)
    assert first.status_code == 200
    assert first.mimetype == "application/zip"
    replay = {
        "passphrase": second_passphrase,
        "passphrase_confirmation": second_passphrase,
    }
    second = client.post(url, data=replay)

    if second_passphrase:
        _assert_refused_without_zip(second, server_errors)
    else:
        assert_not_server_error(second, server_errors, "empty passphrase")
        assert second.status_code == 422
        assert not second.get_data().startswith(b"PK")
    assert _issued_count(ticket_id) == 1
    db.session.rollback()
    assert db.session.get(Ticket, ticket_id).status == Status.DELIVERED


def test_download_replay_with_same_token_sends_no_zip(csrf_world, server_errors):
    world = csrf_world
    ticket_id = _ready_ticket(world)
    client = world.client("customer")
    url = f"/tickets/{ticket_id}/download"
    db.session.rollback()
    token = csrf_token_in(client.get(url).text)
    form = {
        "passphrase": PASSPHRASE,
        "passphrase_confirmation": PASSPHRASE,
        "csrf_token": token,
    }

    first = client.post(url, data=form)
    second = client.post(url, data=form)
    third = client.post(url, data=form)

    assert first.mimetype == "application/zip"
    _assert_refused_without_zip(second, server_errors)
    _assert_refused_without_zip(third, server_errors)
    assert _issued_count(ticket_id) == 1
    refusals = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.ticket_id == ticket_id,
            AuditEvent.action == "ticket.download_refused",
        )
    ).all()
    assert [event.details["reason"] for event in refusals] == [
        "already_delivered",
        "already_delivered",
    ]


def test_download_page_after_delivery_offers_no_form(world, server_errors):
    ticket_id = _ready_ticket(world)
    client = world.client("customer")
    url = f"/tickets/{ticket_id}/download"
    client.post(
        url, data={"passphrase": PASSPHRASE, "passphrase_confirmation": PASSPHRASE}
    )

    page = client.get(url)

    assert_not_server_error(page, server_errors, url)
    assert page.status_code == 200
    assert ALREADY_DELIVERED in page.text
    assert 'name="passphrase"' not in page.text
