"""Column helpers shared by the model modules."""

from datetime import UTC, datetime

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_cls, length: int = 32):
    """Store an enum by its value as VARCHAR with a CHECK constraint (portable, readable)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        create_constraint=True,
        name=enum_cls.__name__.lower(),
    )


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware timestamps, stored in UTC and always read back aware.

    SQLite keeps datetimes as text without an offset, so a deadline given as 23:59+03:00 would
    come back as a naive 23:59 and be taken for UTC. Converting to UTC on the way in and marking
    naive values as UTC on the way out gives the same instant on SQLite and PostgreSQL.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


Timestamp = UTCDateTime()
