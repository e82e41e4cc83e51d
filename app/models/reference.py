"""Reference data: the Common Procurement Vocabulary (CPV 2008)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class CpvCode(db.Model):
    """One CPV code (8 digits, stored without its check digit) with its labels."""

    __tablename__ = "cpv_codes"
    __table_args__ = (CheckConstraint("length(code) = 8", name="code_length"),)

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    check_digit: Mapped[str | None] = mapped_column(String(1))
    label_fr: Mapped[str] = mapped_column(String(400))
    label_en: Mapped[str] = mapped_column(String(400))

    def label(self, locale: str = "fr") -> str:
        return self.label_en if locale == "en" else self.label_fr

    def __repr__(self) -> str:
        return f"<CpvCode {self.code}>"
