import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from auth.helpers import audit_events, submit_login

from helpdesk import audit
from helpdesk.admin.audit_log import neutralize_cell
from helpdesk.extensions import db
from helpdesk.models import AuditEvent


def _add_event(action, created_at, actor=None, ticket_id=None, details=None):
    """Append an event with a chosen time, chained like audit.record() does."""
    head = db.session.scalar(
        sa.select(AuditEvent.event_hash).order_by(AuditEvent.id.desc()).limit(1)
    )
    event = AuditEvent(
        created_at=created_at,
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "",
        actor_email=actor.email if actor else "",
        action=action,
        ticket_id=ticket_id,
        target_user_id=None,
        ip_address="203.0.113.7",
        details=details or {},
        prev_hash=head or audit.GENESIS_HASH,
    )
    event.event_hash = audit.compute_hash(event)
    db.session.add(event)
    db.session.commit()
    return event


def _rows(page: str) -> list[str]:
    return [
        row for row in page.split("<tr>")[2:] if "<td>" in row and "colspan" not in row
    ]


@pytest.fixture
def events(admin, agent, customer, make_ticket):
    ticket = make_ticket(customer)
    return {
        "old": _add_event(
            "ticket.created", datetime(2026, 1, 10, 9, tzinfo=UTC), customer, ticket.id
        ),
        "mid": _add_event(
            "ticket.claimed", datetime(2026, 2, 1, 23, 59, tzinfo=UTC), agent, ticket.id
        ),
        "new": _add_event("auth.login", datetime(2026, 3, 5, 0, 0, tzinfo=UTC), admin),
    }


def test_audit_page_shows_columns(client, admin, events, login):
    login(client, admin)

    page = client.get("/admin/audit").text

    assert "2026-01-10 09:00:00" in page
    assert "customer@example.com" in page
    assert "203.0.113.7" in page
    assert "ticket.claimed" in page
    assert "Ticket #" in page
    assert "User #" in page


def test_audit_page_labels_actions_and_roles(client, admin, events, login):
    login(client, admin)

    page = client.get("/admin/audit").text

    assert "Ticket claimed" in page
    assert '<code class="raw">ticket.claimed</code>' in page
    assert '<span class="role" title="agent">Agent</span>' in page
    assert '<option value="ticket.claimed">Ticket claimed (ticket.claimed)' in page


def test_audit_page_shows_details_as_escaped_list(client, admin, login):
    _add_event(
        "test.event",
        datetime(2026, 1, 1, tzinfo=UTC),
        details={"note": "<b>bold</b>", "count": 3},
    )
    login(client, admin)

    page = client.get("/admin/audit").text

    assert "<dt>count</dt><dd>3</dd>" in page
    assert "<dt>note</dt><dd>&lt;b&gt;bold&lt;/b&gt;</dd>" in page
    assert "<b>bold</b>" not in page


def test_audit_page_names_command_line_actor(client, admin, login, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    login(client, admin)

    page = client.get("/admin/audit", query_string={"action": "user.created"}).text

    assert "System (command line)" in page
    assert "(not signed in)" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "AGENT@"}, {"ticket.claimed"}),
        ({"action": "auth.login"}, {"auth.login"}),
        ({"date_from": "2026-02-01", "date_to": "2026-02-01"}, {"ticket.claimed"}),
        ({"date_from": "2026-02-02"}, {"auth.login"}),
        ({"date_to": "2026-01-31"}, {"ticket.created"}),
    ],
)
def test_audit_filter_selects_matching_events(
    client, admin, events, login, query, expected
):
    login(client, admin)

    page = client.get("/admin/audit", query_string=query).text

    shown = {
        action
        for action in ("ticket.created", "ticket.claimed", "auth.login")
        if f'<code class="raw">{action}</code>' in page
    }
    assert shown == expected


def test_audit_filter_by_ticket(client, admin, events, login):
    login(client, admin)
    ticket_id = events["old"].ticket_id

    page = client.get("/admin/audit", query_string={"ticket_id": ticket_id}).text

    assert len(_rows(page)) == 2


def test_audit_filter_actor_treats_wildcards_literally(client, admin, events, login):
    login(client, admin)

    page = client.get("/admin/audit", query_string={"actor": "%"}).text

    assert "No audit events match this filter." in page


def test_audit_filter_rejects_reversed_dates(client, admin, login):
    login(client, admin)

    response = client.get(
        "/admin/audit",
        query_string={"date_from": "2026-03-01", "date_to": "2026-02-01"},
    )

    assert response.status_code == 400
    assert (
        "The end date 2026-02-01 is before the start date 2026-03-01." in response.text
    )


def test_audit_filter_rejects_bad_ticket_number(client, admin, login):
    login(client, admin)

    response = client.get("/admin/audit", query_string={"ticket_id": "12a"})

    assert "“12a” is not a ticket number." in response.text


def test_audit_page_paginates(client, admin, login):
    for number in range(55):
        _add_event(
            "test.event", datetime(2026, 1, 1, tzinfo=UTC), details={"n": number}
        )
    login(client, admin)

    first = client.get("/admin/audit", query_string={"action": "test.event"}).text
    second = client.get(
        "/admin/audit", query_string={"action": "test.event", "page": 2}
    ).text

    assert len(_rows(first)) == 50
    assert len(_rows(second)) == 5
    assert "page=2" in first
    assert "action=test.event" in first


def _export(client, **filters):
    return client.post("/admin/audit/export", data=filters)


def _csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_audit_export_returns_filtered_csv(client, admin, events, login):
    login(client, admin)

    response = _export(client, action="ticket.claimed")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[:5] == ["id", "created_at_utc", "actor_email", "actor_role", "action"]
    assert [row[4] for row in rows] == ["ticket.claimed"]
    assert rows[0][9] == events["mid"].prev_hash
    assert rows[0][10] == events["mid"].event_hash


def test_audit_export_is_audited(client, admin, login):
    login(client, admin)

    _export(client, action="auth.login", date_from="2026-01-01")

    [event] = audit_events("audit.exported")
    assert event.actor_id == admin.id
    assert event.details == {
        "filter": {"action": "auth.login", "date_from": "2026-01-01"}
    }


def test_audit_export_spans_several_batches(client, admin, login, monkeypatch):
    monkeypatch.setattr("helpdesk.admin.audit_log.EXPORT_BATCH_SIZE", 3)
    for number in range(8):
        _add_event(
            "test.event", datetime(2026, 1, 1, tzinfo=UTC), details={"n": number}
        )
    login(client, admin)

    _, *rows = _csv(_export(client, action="test.event"))

    assert [row[8] for row in rows] == [f'{{"n": {n}}}' for n in range(8)]


def test_export_neutralizes_formula_emails(app, client, admin, login):
    attacker = app.test_client()
    submit_login(attacker, '=HYPERLINK("http://evil.test")@example.com', "x" * 12)
    submit_login(attacker, "+1+cmd@example.com", "x" * 12)
    login(client, admin)

    _, *rows = _csv(_export(client, action="auth.login_failed"))

    details = [row[8] for row in rows]
    assert len(details) == 2
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_formula_injection_in_actor_email_is_neutralized(
    client, admin, make_user, login
):
    formula_user = make_user(email="=cmd|'/c calc'!a0@example.com")
    _add_event("auth.login", datetime(2026, 1, 1, tzinfo=UTC), formula_user)
    login(client, admin)

    _, *rows = _csv(_export(client, action="auth.login"))

    [row] = [row for row in rows if "cmd" in row[2]]
    assert row[2] == "'=cmd|'/c calc'!a0@example.com"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49", "'+49"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected
