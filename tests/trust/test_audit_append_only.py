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
