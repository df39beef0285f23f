from __future__ import annotations

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.enums import Role
from awards.extensions import db
from awards.models._types import enum_column
from awards.models.institutions import Institution


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    # Institution staff belong to it; for a judge it is the home institution (a conflict of interest).
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institutions.id"))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(default=True)
    # A judge's specialities: category codes (e.g. "innovation") that automatic assignment prefers.
    specialities: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Bumped on logout or disable: sessions carrying an older number are refused.
    session_version: Mapped[int] = mapped_column(default=1)

    institution: Mapped[Institution | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "role != 'institution' OR institution_id IS NOT NULL", name="institution_staff_have_institution"
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        # The session version is part of the id, so bumping it ends every session.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
