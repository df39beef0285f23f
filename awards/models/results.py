from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.enums import CertificateKind
from awards.extensions import db
from awards.models._types import Timestamp, enum_column, utcnow
from awards.models.editions import Category, Edition
from awards.models.entries import Entry
from awards.models.institutions import Institution
from awards.models.users import User


class ResultSnapshot(db.Model):
    """Frozen, published standings of one category. Never edited: a correction supersedes it."""

    __tablename__ = "result_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    # Canonical JSON text (sorted keys), so sha256 can be recomputed from the stored bytes.
    standings: Mapped[str] = mapped_column(sa.Text)
    method: Mapped[dict] = mapped_column(sa.JSON)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    published_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("result_snapshots.id"))
    superseded: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category] = relationship()
    published_by: Mapped[User] = relationship()


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(64), unique=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entries.id"))
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("result_snapshots.id"))
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind))
    place: Mapped[int | None]
    issued_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    institution: Mapped[Institution] = relationship()
    entry: Mapped[Entry] = relationship()
    snapshot: Mapped[ResultSnapshot] = relationship()

    # One current certificate per entry and kind in a publication; a revoked one may sit beside
    # the certificate reissued in its place (a partial unique index, on SQLite and PostgreSQL).
    __table_args__ = (
        sa.Index("uq_certificates_current", "snapshot_id", "entry_id", "kind", unique=True,
                 sqlite_where=sa.text("revoked_at IS NULL"), postgresql_where=sa.text("revoked_at IS NULL")),
    )
