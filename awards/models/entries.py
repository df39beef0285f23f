from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.enums import EntryStatus
from awards.extensions import db
from awards.models._types import Timestamp, enum_column, utcnow
from awards.models.editions import Category, Criterion, Edition
from awards.models.institutions import Institution


class Entry(db.Model):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    innovation_name: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[EntryStatus] = mapped_column(enum_column(EntryStatus), default=EntryStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(Timestamp)

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category] = relationship()
    institution: Mapped[Institution] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(back_populates="entry", order_by="Evidence.id")
    narratives: Mapped[list[Narrative]] = relationship(back_populates="entry", order_by="Narrative.criterion_id")

    # One entry per institution per category (domain notes, section 5).
    __table_args__ = (sa.UniqueConstraint("category_id", "institution_id"),)


class Evidence(db.Model):
    """A file (content-addressed by sha256), a link, or a text, optionally for one criterion."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entries.id"))
    criterion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criteria.id"))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    original_name: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    text: Mapped[str | None] = mapped_column(sa.Text)
    uploader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="evidence")
    criterion: Mapped[Criterion | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "sha256 IS NOT NULL OR url IS NOT NULL OR text IS NOT NULL", name="has_content"
        ),
    )


class Narrative(db.Model):
    """What the institution writes for one criterion of its entry (with a word limit)."""

    __tablename__ = "narratives"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entries.id"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="narratives")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (sa.UniqueConstraint("entry_id", "criterion_id"),)
