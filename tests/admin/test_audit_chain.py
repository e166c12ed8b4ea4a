"""Tampering with the audit log: the hash chain and the database triggers."""

import threading
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from auth.helpers import audit_events

from helpdesk import audit
from helpdesk.extensions import db
from helpdesk.models import AuditEvent


def _dialect() -> str:
    return db.session.get_bind().dialect.name


@contextmanager
def tampering():
    """Drop the append-only triggers inside a transaction that is rolled back.

    Both SQLite and PostgreSQL roll back DROP TRIGGER, so the triggers are
    back when the block ends, even on the shared PostgreSQL test database.
    """
    db.session.commit()
    if _dialect() == "postgresql":
        db.session.execute(
            sa.text("DROP TRIGGER audit_events_append_only ON audit_events")
        )
    else:
        db.session.execute(sa.text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(sa.text("DROP TRIGGER audit_events_no_delete"))
    try:
        yield
    finally:
        db.session.rollback()


def _verify_fresh() -> audit.ChainReport:
    # Raw SQL bypasses the session's identity map; reload what it changed.
    db.session.expire_all()
    return audit.verify()


def _record(count: int) -> list[AuditEvent]:
    events = [audit.record("test.event", details={"n": n}) for n in range(count)]
    db.session.commit()
    return events


def test_chain_of_untouched_events_is_intact(app):
    events = _record(3)

    report = audit.verify()

    assert report.is_intact
    assert report.checked == 3
    assert report.head_id == events[-1].id
    assert report.head_hash == events[-1].event_hash


def test_chain_detects_changed_event(app):
    events = _record(4)

    with tampering():
        db.session.execute(
            sa.text("UPDATE audit_events SET details = :details WHERE id = :id"),
            {"details": '{"n": 99}', "id": events[1].id},
        )
        report = _verify_fresh()

    assert not report.is_intact
    assert report.broken_id == events[1].id
    assert report.broken_part == audit.BROKEN_CONTENT
    assert report.checked == 1


def test_chain_detects_changed_event_even_with_rehash(app):
    events = _record(4)
    forged = AuditEvent(
        created_at=events[1].created_at,
        actor_id=None,
        actor_role="",
        actor_email="",
        action="test.event",
        ticket_id=None,
        target_user_id=None,
        ip_address="",
        details={"n": 99},
        prev_hash=events[1].prev_hash,
    )
    new_hash = audit.compute_hash(forged)

    with tampering():
        db.session.execute(
            sa.text(
                "UPDATE audit_events SET details = :details, event_hash = :hash "
                "WHERE id = :id"
            ),
            {"details": '{"n": 99}', "hash": new_hash, "id": events[1].id},
        )
        report = _verify_fresh()

    assert not report.is_intact
    assert report.broken_id == events[2].id
    assert report.broken_part == audit.BROKEN_LINK


def test_chain_detects_removed_event(app):
    events = _record(4)

    with tampering():
        db.session.execute(
            sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": events[1].id}
        )
        report = _verify_fresh()

    assert not report.is_intact
    assert report.broken_id == events[2].id
    assert report.broken_part == audit.BROKEN_LINK
    assert report.head_id == events[0].id


def test_chain_detects_inserted_event(app):
    _record(3)

    with tampering():
        # Spread the ids out (the chain does not hash ids) to make room.
        db.session.execute(sa.text("UPDATE audit_events SET id = id * 10"))
        assert _verify_fresh().is_intact
        first, second = db.session.scalars(
            sa.select(AuditEvent).order_by(AuditEvent.id).limit(2)
        ).all()
        forged = AuditEvent(
            id=first.id + 5,
            created_at=first.created_at,
            actor_id=None,
            actor_role="",
            actor_email="",
            action="test.forged",
            ticket_id=None,
            target_user_id=None,
            ip_address="",
            details={},
            prev_hash=first.event_hash,
        )
        forged.event_hash = audit.compute_hash(forged)
        # The next event must point at the forgery, or prev_hash's unique
        # constraint rejects the insert.
        db.session.execute(
            sa.text("UPDATE audit_events SET prev_hash = :hash WHERE id = :id"),
            {"hash": forged.event_hash, "id": second.id},
        )
        db.session.add(forged)
        db.session.flush()
        report = _verify_fresh()
        second_id = second.id

    assert not report.is_intact
    assert report.broken_id == second_id
    assert report.broken_part == audit.BROKEN_CONTENT


def test_chain_rejects_second_event_after_same_predecessor(app):
    events = _record(2)
    fork = AuditEvent(
        created_at=events[1].created_at,
        actor_role="",
        actor_email="",
        action="test.fork",
        ip_address="",
        details={},
        prev_hash=events[0].event_hash,
        event_hash="f" * 64,
    )
    db.session.add(fork)

    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'auth.nothing'",
        "UPDATE audit_events SET details = '{}' WHERE id = 1",
        "DELETE FROM audit_events",
    ],
)
def test_database_rejects_audit_update_and_delete(app, statement):
    _record(2)

    with pytest.raises(sa.exc.DBAPIError) as raised:
        db.session.execute(sa.text(statement))
    db.session.rollback()

    assert "append-only" in str(raised.value.orig)
    assert len(audit_events()) == 2
    assert audit.verify().is_intact


def test_concurrent_writers_never_fork_the_chain(app):
    db.session.commit()
    db.session.remove()
    writers, events_each = 4, 10
    errors = []
    start = threading.Barrier(writers)

    def write(number: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for count in range(events_each):
                    audit.record(
                        "test.concurrent", details={"writer": number, "n": count}
                    )
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported by the main thread)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = audit.verify()
    assert report.is_intact
    assert report.checked == writers * events_each
    links = db.session.scalars(sa.select(AuditEvent.prev_hash)).all()
    assert len(set(links)) == len(links)


def test_verify_page_shows_head_of_intact_chain(client, admin, login):
    login(client, admin)
    report = audit.verify()

    page = client.get("/admin/audit/verify").text

    assert f"The chain is intact up to event {report.head_id}." in page
    assert report.head_hash in page


def test_verify_page_shows_first_broken_event(client, admin, login):
    login(client, admin)
    events = _record(3)

    with tampering():
        db.session.execute(
            sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": events[1].id}
        )
        page = client.get("/admin/audit/verify").text

    assert f"The chain is broken at event {events[2].id}" in page
    assert "removed or inserted" in page


def test_verify_command_reports_intact_chain(app, runner):
    events = _record(2)

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0
    assert f"head hash {events[-1].event_hash}" in result.output
