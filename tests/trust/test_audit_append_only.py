"""The audit trail is append-only in the database itself: UPDATE and DELETE are refused by
triggers (SQLite and PostgreSQL), whoever sends them, and the rows stay as they were."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from awards.extensions import db
from awards.models import AuditEvent
from awards.services import audit
from tests.conftest import PG_URL


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'forged' WHERE id = :i",
    "UPDATE audit_events SET hash = 'x'",
    "DELETE FROM audit_events WHERE id = :i",
    "DELETE FROM audit_events",
    *(["TRUNCATE audit_events"] if PG_URL else []),  # SQLite has no TRUNCATE
])
def test_the_database_refuses_to_change_audit_events(app, demo, statement):
    events = db.session.execute(db.select(AuditEvent.id, AuditEvent.action, AuditEvent.hash)
                                .order_by(AuditEvent.id)).all()
    assert len(events) > 100  # the demo leaves a real trail
    db.session.rollback()  # end this session's read, so TRUNCATE on PostgreSQL does not wait for its lock
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement), {"i": events[0].id})
    db.session.expire_all()
    assert db.session.execute(db.select(AuditEvent.id, AuditEvent.action, AuditEvent.hash)
                              .order_by(AuditEvent.id)).all() == events
    assert audit.verify_chain() is None


def test_inserting_still_works(app, demo):
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    audit.record("test.append", demo)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before + 1
    assert audit.verify_chain() is None


def test_concurrent_writers_never_fork_the_chain(app, demo):
    """Eight requests record events at once: each links to the one before, on SQLite and PostgreSQL."""
    import threading

    from awards.models import Edition

    db.session.commit()
    edition_id, errors, start = demo.id, [], threading.Barrier(8)

    def worker(n):
        try:
            with app.test_request_context(method="POST"):  # a write request, as in production
                start.wait()
                for i in range(5):
                    audit.record("test.concurrent", db.session.get(Edition, edition_id), after={"n": n, "i": i})
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .filter_by(action="test.concurrent")) == 40
    assert audit.verify_chain() is None
