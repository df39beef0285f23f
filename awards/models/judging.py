from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.models._types import Timestamp, enum_column, utcnow
from awards.models.editions import Criterion, Edition
from awards.models.entries import Entry
from awards.models.institutions import Institution
from awards.models.users import User


class Assignment(db.Model):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Indexed: a category's scorecards are reached from its entries (the unique pair below starts
    # with the judge, so it cannot serve a lookup by entry).
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entries.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    judge: Mapped[User] = relationship()
    entry: Mapped[Entry] = relationship()
    scorecard: Mapped[Scorecard | None] = relationship(back_populates="assignment", uselist=False)

    __table_args__ = (sa.UniqueConstraint("judge_id", "entry_id"),)


class ConflictDeclaration(db.Model):
    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id"))
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institutions.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    judge: Mapped[User] = relationship()
    edition: Mapped[Edition] = relationship()
    institution: Mapped[Institution] = relationship()

    __table_args__ = (sa.UniqueConstraint("judge_id", "edition_id", "institution_id"),)


class DeclarationSignature(db.Model):
    """A judge's signed declaration of interests and confidentiality oath for one edition.

    Scoring needs it (domain notes: every judge signs the tamko and the kiapo cha usiri per
    round). Conflicts declared after signing still count: they recuse the judge at once.
    """

    __tablename__ = "declaration_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id"))
    # The name the judge typed as a signature, and the conflicts declared at that moment.
    signed_name: Mapped[str] = mapped_column(sa.String(200))
    declared_institution_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    signed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    judge: Mapped[User] = relationship()
    edition: Mapped[Edition] = relationship()

    __table_args__ = (sa.UniqueConstraint("judge_id", "edition_id"),)


class Scorecard(db.Model):
    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One scorecard per assignment.
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), unique=True)
    status: Mapped[ScorecardStatus] = mapped_column(
        enum_column(ScorecardStatus), default=ScorecardStatus.DRAFT
    )
    # Optimistic locking: a save must name the version it was based on.
    version: Mapped[int] = mapped_column(default=1)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # Set when an organiser sends a submitted scorecard back; the judge is shown the reason.
    reopen_reason: Mapped[str | None] = mapped_column(sa.Text)
    reopened_at: Mapped[datetime | None] = mapped_column(Timestamp)
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    assignment: Mapped[Assignment] = relationship(back_populates="scorecard")
    reopened_by: Mapped[User | None] = relationship()
    scores: Mapped[list[CriterionScore]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("version >= 1", name="version_positive"),)
    # SQLAlchemy adds "WHERE version = <loaded>" to every UPDATE and bumps it, so of two
    # concurrent saves from the same version only one can win.
    __mapper_args__ = {"version_id_col": version}


class CriterionScore(db.Model):
    __tablename__ = "criterion_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecards.id"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"))
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("scorecard_id", "criterion_id"),
        # The rubric's own range is checked by the service; this is the outer bound.
        sa.CheckConstraint("value IS NULL OR (value >= 0 AND value <= 100)", name="value_range"),
    )
