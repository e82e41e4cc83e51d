"""Organisations: public buyer bodies and their directions, and companies."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.reference import CpvCode
    from app.models.users import User


class OrganisationKind(enum.Enum):
    BUYER_BODY = "buyer_body"  # a metropolis, a region, a hospital group…
    BUYER_DIRECTION = "buyer_direction"  # one of its purchasing directions
    COMPANY = "company"


class CompanySize(enum.Enum):
    """INSEE categories (décret 2008-1354): micro, PME, ETI, grande entreprise."""

    MICRO = "micro"
    PME = "pme"
    ETI = "eti"
    GE = "ge"


organisation_cpv = Table(
    "organisation_cpv",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("cpv_code", ForeignKey("cpv_codes.code"), primary_key=True),
)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind = 'company' OR (siret IS NULL AND size IS NULL)",
            name="company_fields_only_for_companies",
        ),
        CheckConstraint(
            "kind = 'buyer_direction' OR parent_id IS NULL", name="only_directions_have_parent"
        ),
        CheckConstraint("siret IS NULL OR length(siret) = 14", name="siret_length"),
        CheckConstraint("departement IS NULL OR length(departement) IN (2, 3)", name="dept_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # Company fields
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    size: Mapped[CompanySize | None] = mapped_column(enum_column(CompanySize))
    is_ess: Mapped[bool] = mapped_column(Boolean, default=False)  # économie sociale et solidaire
    is_siae: Mapped[bool] = mapped_column(Boolean, default=False)  # insertion par l'activité éco.
    is_ea_esat: Mapped[bool] = mapped_column(Boolean, default=False)  # entreprise adaptée / ESAT
    is_mission_company: Mapped[bool] = mapped_column(Boolean, default=False)  # société à mission
    departement: Mapped[str | None] = mapped_column(String(3))
    offer_description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent")
    cpv_codes: Mapped[list[CpvCode]] = relationship(
        secondary=organisation_cpv, order_by="CpvCode.code"
    )
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def is_company(self) -> bool:
        return self.kind is OrganisationKind.COMPANY

    @property
    def is_small(self) -> bool:
        """Micro-enterprises and PME count as small firms for SPASER priorities."""
        return self.size in (CompanySize.MICRO, CompanySize.PME)

    @property
    def display_name(self) -> str:
        if self.parent is not None:
            return f"{self.parent.name} — {self.name}"
        return self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"
