"""The queue's tabs and status filter."""

from __future__ import annotations

import pytest

from helpdesk.workflow import Status


@pytest.fixture
def tickets(make_ticket, customer, agent, second_agent):
    return {
        "new": make_ticket(customer, Status.SUBMITTED, common_name="new.example.com"),
        "mine": make_ticket(
            customer, Status.IN_REVIEW, assignee_id=agent.id, common_name="mine.example"
        ),
        "mine ready": make_ticket(
            customer, Status.READY, assignee_id=agent.id, common_name="ready.example"
        ),
        "theirs": make_ticket(
            customer,
            Status.IN_REVIEW,
            assignee_id=second_agent.id,
            common_name="theirs.example",
        ),
        "closed": make_ticket(
            customer, Status.CLOSED, assignee_id=agent.id, common_name="closed.example"
        ),
        # A self-service download: delivered, with nobody assigned.
        "self-service": make_ticket(
            customer, Status.DELIVERED, common_name="self.example.com"
        ),
    }


def listed(response, tickets) -> set[str]:
    return {
        name
        for name, ticket in tickets.items()
        if f'href="/queue/tickets/{ticket.id}"' in response.text
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"new"}),
        ("?view=unassigned", {"new"}),
        ("?view=mine", {"mine", "mine ready"}),
        ("?view=mine&status=ready", {"mine ready"}),
        ("?view=mine&status=closed", {"closed"}),
        (
            "?view=all",
            {"new", "mine", "mine ready", "theirs", "closed", "self-service"},
        ),
        ("?view=all&status=delivered", {"self-service"}),
        ("?view=all&status=in_review", {"mine", "theirs"}),
        ("?view=nonsense", {"new"}),
    ],
)
def test_queue_tabs_and_status_filter(client, agent, tickets, login, query, expected):
    login(client, agent)

    response = client.get(f"/queue/{query}")

    assert response.status_code == 200
    assert listed(response, tickets) == expected


def test_queue_offers_claim_for_unassigned_tickets(client, agent, tickets, login):
    login(client, agent)

    page = client.get("/queue/?view=all").text

    assert f'action="/queue/tickets/{tickets["new"].id}/claim"' in page
    assert f'action="/queue/tickets/{tickets["mine"].id}/claim"' not in page
    assert '<label for="status">' in page


def test_queue_hides_claim_for_delivered_self_service(client, agent, tickets, login):
    login(client, agent)

    page = client.get("/queue/?view=all").text

    assert f'href="/queue/tickets/{tickets["self-service"].id}"' in page
    assert f'action="/queue/tickets/{tickets["self-service"].id}/claim"' not in page


def test_queue_marks_active_view(client, agent, tickets, login):
    login(client, agent)

    page = client.get("/queue/?view=mine").text

    assert 'href="/queue/?view=mine" aria-current="page"' in page
    assert 'href="/queue/?view=all" aria-current' not in page
