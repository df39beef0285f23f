from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.enums import InstitutionType
from awards.extensions import db
from awards.models._types import enum_column


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    acronym: Mapped[str] = mapped_column(sa.String(32), unique=True)
    type: Mapped[InstitutionType] = mapped_column(enum_column(InstitutionType))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institutions.id"))

    parent: Mapped[Institution | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Institution]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Institution {self.acronym}>"
