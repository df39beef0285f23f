from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.enums import Stage
from awards.extensions import db
from awards.models._types import Timestamp, enum_column


class Edition(db.Model):
    """One year's competition, with its scoring settings (validated by services.editions)."""

    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    year: Mapped[int]
    name_sw: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.SETUP)
    submissions_deadline: Mapped[datetime | None] = mapped_column(Timestamp)
    judging_deadline: Mapped[datetime | None] = mapped_column(Timestamp)
    announcement_date: Mapped[date | None]
    # Scoring settings: keys of the awards.scoring registries.
    aggregation: Mapped[str] = mapped_column(sa.String(32), default="mean")
    trim: Mapped[int] = mapped_column(default=0)
    auto_trim_from: Mapped[int | None] = mapped_column(default=4)
    quorum: Mapped[int] = mapped_column(default=1)
    # Per-judge z-score normalisation within a category before aggregating (harsh/lenient judges).
    normalise: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    tie_breaks: Mapped[list] = mapped_column(sa.JSON, default=list)
    excellence_threshold: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(75))
    # Certificates: "sw", "en" or "both"; signatories as [{"name", "title_sw", "title_en"}].
    certificate_languages: Mapped[str] = mapped_column(sa.String(8), default="both")
    signatories: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Public places of the published rankings: None = every place; 3 = the podium only (the
    # other entries are listed without place or score). Institutions always see their own place.
    public_places: Mapped[int | None]

    categories: Mapped[list[Category]] = relationship(
        back_populates="edition", order_by="Category.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("quorum >= 1", name="quorum_positive"),
        sa.CheckConstraint("trim >= 0", name="trim_not_negative"),
        sa.CheckConstraint("certificate_languages IN ('sw', 'en', 'both')", name="certificate_languages"),
    )


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id"))
    code: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    name_sw: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    award_sw: Mapped[str] = mapped_column(sa.String(200), default="")
    award_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_sw: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    eligible_types: Mapped[list] = mapped_column(sa.JSON, default=list)
    scored_on_site: Mapped[bool] = mapped_column(default=False)
    privacy_notice: Mapped[bool] = mapped_column(default=False)
    # An innovation entry names its innovation (domain notes, category 5).
    names_innovation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    edition: Mapped[Edition] = relationship(back_populates="categories")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="category", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("edition_id", "code"),)


class Criterion(db.Model):
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    code: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    name_sw: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    guidance_sw: Mapped[str] = mapped_column(sa.Text, default="")
    guidance_en: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_sw: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_en: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    scale_min: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(0))
    scale_max: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(5))
    scale_step: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(1))
    # {"0": {"sw": ..., "en": ...}, ...}: what each level on the scale looks like.
    levels: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    in_total: Mapped[bool] = mapped_column(default=True)
    # Most words an entry's narrative for this criterion may have (None: the configured default).
    word_limit: Mapped[int | None]
    tie_break_rank: Mapped[int | None]

    category: Mapped[Category] = relationship(back_populates="criteria")

    __table_args__ = (
        sa.UniqueConstraint("category_id", "code"),
        sa.CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),
        sa.CheckConstraint("scale_min < scale_max", name="scale_order"),
        sa.CheckConstraint("scale_step > 0", name="scale_step_positive"),
    )
