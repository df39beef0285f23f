"""The audit trail: every write records who did what to which object, before and after.

Each event's hash covers the previous event's hash and its own fields, so editing or
deleting history breaks the chain (verify_chain shows where). Never updates or deletes rows.
"""

import hashlib
import json
from datetime import UTC
from decimal import Decimal

from awards.extensions import db
from awards.models import AuditEvent
from awards.models._types import utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 0x7475_7A6F_6175_6474  # "tuzoaudt": the advisory lock key of the audit chain


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _plain(data):
    """JSON-safe copy: Decimals and dates as strings, so they hash and store the same everywhere."""
    if data is None:
        return None
    return json.loads(json.dumps(data, default=lambda v: str(v) if isinstance(v, Decimal) else v.isoformat()))


def _utc_text(moment) -> str:
    # SQLite hands timestamps back naive and PostgreSQL in the session's zone: hash UTC text.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = {
        "actor": event.actor_id,
        "action": event.action,
        "object": [event.object_type, event.object_id],
        "before": event.before,
        "after": event.after,
        "at": _utc_text(event.created_at),
    }
    return hashlib.sha256((prev_hash + _canonical(body)).encode()).hexdigest()


def record(action: str, obj, *, actor=None, before=None, after=None, object_type: str | None = None) -> AuditEvent:
    """Append an event for ``obj`` (a model instance, flushed so it has an id). For an event about
    no stored object (a failed login with an unknown email), pass obj=None and name the object_type."""
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        # One writer at a time extends the chain: without this, two transactions could both read the
        # same last hash and fork it. Held until commit. (SQLite writers already hold the write lock.)
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = db.session.execute(
        db.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=str(obj.id) if getattr(obj, "id", None) is not None else None,
        before=_plain(before),
        after=_plain(after),
        created_at=utcnow().replace(microsecond=0),
        prev_hash=last or GENESIS,
    )
    event.hash = _digest(event.prev_hash, event)
    db.session.add(event)
    db.session.flush()
    return event


def verify_chain() -> int | None:
    """Return the id of the first event whose hash does not match, or None if the chain holds."""
    prev = GENESIS
    for event in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event.id
        prev = event.hash
    return None


def search(*, action: str = "", actor_email: str = "", object_type: str = "", since=None, until=None,
           oldest_first: bool = False):
    """A query for events (newest first unless asked): action prefix, actor's email, object type,
    and a time range [since, until) in UTC. Used by the audit page and the audit export."""
    from awards.models import User

    order = AuditEvent.id if oldest_first else AuditEvent.id.desc()
    query = db.select(AuditEvent).options(db.joinedload(AuditEvent.actor)).order_by(order)
    if action:
        query = query.filter(AuditEvent.action.startswith(action, autoescape=True))
    if actor_email:
        query = query.join(User, User.id == AuditEvent.actor_id).filter(
            db.func.lower(User.email) == actor_email.strip().lower())
    if object_type:
        query = query.filter(AuditEvent.object_type == object_type)
    if since is not None:
        query = query.filter(AuditEvent.created_at >= since)
    if until is not None:
        query = query.filter(AuditEvent.created_at < until)
    return query
