"""Workshops: themed group sessions (e.g. a brainstorming on LED road marking)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column

if TYPE_CHECKING:
    from app.models.events import Event, Location, Slot
    from app.models.participation import Participant


class InterestKind(enum.Enum):
    MEMBER = "member"  # always attends (the buyer running it, invited experts)
    CANDIDATE = "candidate"  # may be placed by the scheduler


class Workshop(db.Model):
    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint("min_size >= 0", name="min_size_nonneg"),
        CheckConstraint("max_size IS NULL OR max_size >= min_size", name="size_bounds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    min_size: Mapped[int] = mapped_column(Integer, default=0)
    max_size: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="workshops")
    location: Mapped[Location | None] = relationship()
    slot_links: Mapped[list[WorkshopSlot]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan"
    )
    interests: Mapped[list[WorkshopInterest]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan"
    )

    @property
    def slots(self) -> list[Slot]:
        return sorted((link.slot for link in self.slot_links), key=lambda s: s.starts_at)


class WorkshopSlot(db.Model):
    __tablename__ = "workshop_slots"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True
    )

    workshop: Mapped[Workshop] = relationship(back_populates="slot_links")
    slot: Mapped[Slot] = relationship()


class WorkshopInterest(db.Model):
    """A member of a workshop, or a candidate with the weight of placing them."""

    __tablename__ = "workshop_interests"
    __table_args__ = (CheckConstraint("weight >= 1", name="weight_positive"),)

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[InterestKind] = mapped_column(enum_column(InterestKind))
    weight: Mapped[int] = mapped_column(Integer, default=1)

    workshop: Mapped[Workshop] = relationship(back_populates="interests")
    participant: Mapped[Participant] = relationship()
