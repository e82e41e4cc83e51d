"""Events and their structure: days, slot grids, pauses, slots and locations."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.needs import Need
    from app.models.organisations import Organisation
    from app.models.participation import Participant
    from app.models.workshops import Workshop


class EventStatus(enum.Enum):
    """Life cycle: draft → open → selection → scheduling → published → closed."""

    DRAFT = "draft"
    OPEN = "open"  # companies apply
    SELECTION = "selection"  # organisers select
    SCHEDULING = "scheduling"  # agenda being built
    PUBLISHED = "published"  # agenda visible to participants
    CLOSED = "closed"


EVENT_STATUS_ORDER = list(EventStatus)


class LocationKind(enum.Enum):
    TABLE = "table"
    ROOM = "room"


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    application_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.DRAFT)
    organiser_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organiser_organisation: Mapped[Organisation | None] = relationship()
    days: Mapped[list[EventDay]] = relationship(
        back_populates="event", order_by="EventDay.date", cascade="all, delete-orphan"
    )
    slots: Mapped[list[Slot]] = relationship(
        back_populates="event", order_by="Slot.starts_at", cascade="all, delete-orphan"
    )
    locations: Mapped[list[Location]] = relationship(
        back_populates="event", order_by="Location.position", cascade="all, delete-orphan"
    )
    needs: Mapped[list[Need]] = relationship(back_populates="event", cascade="all, delete-orphan")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_open_for_applications(self) -> bool:
        if self.status is not EventStatus.OPEN:
            return False
        return self.application_deadline is None or utcnow() <= self.application_deadline

    @property
    def first_day(self) -> date | None:
        return self.days[0].date if self.days else None

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class EventDay(db.Model):
    """One day of an event with its slot grid (local wall-clock times in the event's timezone)."""

    __tablename__ = "event_days"
    __table_args__ = (
        UniqueConstraint("event_id", "date"),
        CheckConstraint("end_time > start_time", name="grid_order"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer)

    event: Mapped[Event] = relationship(back_populates="days")
    pauses: Mapped[list[Pause]] = relationship(
        back_populates="day", order_by="Pause.start_time", cascade="all, delete-orphan"
    )
    slots: Mapped[list[Slot]] = relationship(back_populates="day", order_by="Slot.starts_at")


class Pause(db.Model):
    """A break in a day's grid (lunch, coffee): no slot overlaps it."""

    __tablename__ = "pauses"
    __table_args__ = (CheckConstraint("end_time > start_time", name="pause_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("event_days.id", ondelete="CASCADE"))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    label: Mapped[str] = mapped_column(String(100), default="")

    day: Mapped[EventDay] = relationship(back_populates="pauses")


class Slot(db.Model):
    """A time slot of the grid, stored as UTC instants."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("event_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="slot_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("event_days.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    session: Mapped[str] = mapped_column(String(20), default="")  # "am" / "pm" label

    event: Mapped[Event] = relationship(back_populates="slots")
    day: Mapped[EventDay] = relationship(back_populates="slots")

    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.event.timezone))

    def local_end(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.event.timezone))

    def __repr__(self) -> str:
        return f"<Slot {self.id} {self.starts_at.isoformat()}>"


class Location(db.Model):
    """A table for one-to-one meetings or a room for workshops."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[LocationKind] = mapped_column(
        enum_column(LocationKind), default=LocationKind.TABLE
    )
    room: Mapped[str] = mapped_column(String(100), default="")  # hall or room holding the table
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="locations")

    def __repr__(self) -> str:
        return f"<Location {self.id} {self.name!r}>"
