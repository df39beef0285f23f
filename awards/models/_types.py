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


# Timezone-aware timestamps; SQLite keeps them as ISO text.
Timestamp = sa.DateTime(timezone=True)
