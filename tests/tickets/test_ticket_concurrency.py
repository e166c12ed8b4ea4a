"""Simultaneous downloads of one ticket: exactly one request gets the ZIP.

Each thread has its own test client with the same signed-in customer, and
all of them post at once against a real database file (SQLite) or server
(PostgreSQL, when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from support.delivery import open_delivery
from ticket_helpers import PASSPHRASE, audit_events, download

from helpdesk.extensions import db
from helpdesk.models import IssuedCsr, Ticket
from helpdesk.workflow import Status

CLIENTS = 5


def test_concurrent_downloads_deliver_exactly_once(app, customer, ready_ticket, login):
    ticket_id = ready_ticket().id
    clients = [app.test_client() for _ in range(CLIENTS)]
    for client in clients:
        login(client, customer)
    # Reading the fixtures opened a transaction, which on SQLite holds the
    # write lock (BEGIN IMMEDIATE); end it so the threads can run.
    db.session.rollback()
    start = threading.Barrier(CLIENTS)
    responses = [None] * CLIENTS
    errors = []

    def post(index: int) -> None:
        try:
            start.wait(timeout=30)
            responses[index] = download(clients[index], ticket_id)
        except Exception as error:  # reported below with the thread's index
            errors.append((index, error))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert all(response is not None for response in responses)
    zips = [r for r in responses if r.mimetype == "application/zip"]
    refused = [r for r in responses if r.mimetype != "application/zip"]
    assert len(zips) == 1
    assert zips[0].status_code == 200
    assert open_delivery(zips[0].data, PASSPHRASE).csr.is_signature_valid
    assert len(refused) == CLIENTS - 1
    for response in refused:
        assert response.status_code == 409
        assert "already delivered" in response.text

    db.session.expire_all()
    count = sa.select(sa.func.count()).where(IssuedCsr.ticket_id == ticket_id)
    assert db.session.scalar(count) == 1
    assert db.session.get(Ticket, ticket_id).status == Status.DELIVERED
    assert len(audit_events(ticket_id, "ticket.downloaded")) == 1
    assert len(audit_events(ticket_id, "ticket.download_refused")) == CLIENTS - 1
