"""Buyers' needs: the upcoming procurements they present at an event."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.events import Event
    from app.models.organisations import Organisation
    from app.models.reference import CpvCode


class AmountBand(enum.Enum):
    """Estimated amount, in bands matching French procurement thresholds (HT)."""

    UNDER_40K = "under_40k"  # no advertising required
    FROM_40K_TO_90K = "40k_90k"
    FROM_90K_TO_EU = "90k_eu"  # up to the EU threshold for supplies and services
    EU_TO_5M = "eu_5m"
    OVER_5M = "over_5m"


need_cpv = Table(
    "need_cpv",
    db.metadata,
    Column("need_id", ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True),
    Column("cpv_code", ForeignKey("cpv_codes.code"), primary_key=True),
)


class Need(db.Model):
    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    buyer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    expected_date: Mapped[date | None] = mapped_column(Date)  # expected tender publication
    amount_band: Mapped[AmountBand | None] = mapped_column(enum_column(AmountBand))
    # SPASER tags (schéma de promotion des achats socialement et écologiquement responsables)
    has_insertion_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    is_reserved_market: Mapped[bool] = mapped_column(Boolean, default=False)
    has_environmental_criterion: Mapped[bool] = mapped_column(Boolean, default=False)
    has_sme_lots: Mapped[bool] = mapped_column(Boolean, default=False)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="needs")
    buyer: Mapped[Organisation] = relationship()
    cpv_codes: Mapped[list[CpvCode]] = relationship(secondary=need_cpv, order_by="CpvCode.code")

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.title!r}>"
