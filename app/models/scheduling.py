"""Schedule versions, meetings, workshop seats and bookings.

A *booking* is one participant busy in one slot of one version, because of a meeting or a
workshop. A unique constraint on (version, participant, slot) makes a double booking impossible;
composite foreign keys tie each booking to its meeting's current slot (ON UPDATE CASCADE), so
moving a meeting onto a slot where a participant is busy fails in the database itself.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.events import Event, Location, Slot
    from app.models.participation import MeetingRequest, Participant
    from app.models.users import User
    from app.models.workshops import Workshop


class VersionStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"  # the one agenda participants see
    SUPERSEDED = "superseded"  # an earlier published version, kept for the record
    DISCARDED = "discarded"


class MeetingStatus(enum.Enum):
    SCHEDULED = "scheduled"
    UNSCHEDULED = "unscheduled"  # requested but not placed; `reason` says why
    CANCELLED = "cancelled"


def new_uid() -> str:
    """A stable iCalendar UID, created once per meeting and never derived from slot or table."""
    return f"{uuid.uuid4()}@entremise"


class ScheduleVersion(db.Model):
    __tablename__ = "schedule_versions"
    __table_args__ = (
        UniqueConstraint("event_id", "number"),
        Index(
            "uq_schedule_versions_one_published",
            "event_id",
            unique=True,
            sqlite_where=text("status = 'published'"),
            postgresql_where=text("status = 'published'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(
        enum_column(VersionStatus), default=VersionStatus.DRAFT
    )
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The solver's figures: status, objective levels, bounds, wall time.
    solver_status: Mapped[str | None] = mapped_column(String(20))
    objective: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    bound: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    wall_time_s: Mapped[float | None] = mapped_column(Float)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship()
    based_on: Mapped[ScheduleVersion | None] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )
    workshop_seats: Mapped[list[WorkshopSeat]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("version_id", "uid"),
        # target of the bookings' composite foreign key
        UniqueConstraint("id", "version_id", "slot_id", "status"),
        CheckConstraint(
            "status <> 'scheduled' OR (slot_id IS NOT NULL AND location_id IS NOT NULL)",
            name="scheduled_has_place",
        ),
        CheckConstraint(
            "status <> 'unscheduled' OR (slot_id IS NULL AND location_id IS NULL)",
            name="unscheduled_has_no_place",
        ),
        CheckConstraint("sequence >= 0", name="sequence_nonneg"),
        # Two meetings at one table and slot are impossible.
        Index(
            "uq_meetings_table_slot",
            "version_id",
            "slot_id",
            "location_id",
            unique=True,
            sqlite_where=text("status = 'scheduled'"),
            postgresql_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="SET NULL")
    )
    uid: Mapped[str] = mapped_column(String(255), default=new_uid)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")  # why unscheduled / cancelled

    version: Mapped[ScheduleVersion] = relationship(back_populates="meetings")
    # Selectin-loaded: grids, exports and summaries read every meeting's request and
    # participants; lazy loading would cost queries per meeting (thousands at 300 companies).
    request: Mapped[MeetingRequest | None] = relationship(lazy="selectin")
    slot: Mapped[Slot | None] = relationship(lazy="selectin")
    location: Mapped[Location | None] = relationship(lazy="selectin")
    participant_links: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def participants(self) -> list[Participant]:
        return [link.participant for link in self.participant_links]


class MeetingParticipant(db.Model):
    """Membership of a meeting (whether or not it is scheduled)."""

    __tablename__ = "meeting_participants"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )

    meeting: Mapped[Meeting] = relationship(back_populates="participant_links")
    participant: Mapped[Participant] = relationship(lazy="selectin")


class WorkshopSeat(db.Model):
    """A participant placed in a workshop in one schedule version."""

    __tablename__ = "workshop_seats"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="CASCADE"), primary_key=True
    )
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )

    version: Mapped[ScheduleVersion] = relationship(back_populates="workshop_seats")
    workshop: Mapped[Workshop] = relationship()
    participant: Mapped[Participant] = relationship()


class Booking(db.Model):
    """One participant busy in one slot of one version (a meeting or a workshop).

    The unique constraint is the database's guarantee against double booking. A meeting
    booking copies its meeting's (version, slot, status) through a composite foreign key with
    ON UPDATE CASCADE, and must say 'scheduled': moving a meeting moves its bookings (and fails
    on a clash), and cancelling a meeting that still has bookings fails.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("version_id", "participant_id", "slot_id"),
        CheckConstraint("(meeting_id IS NULL) <> (workshop_id IS NULL)", name="one_activity"),
        CheckConstraint(
            "meeting_id IS NULL OR meeting_status = 'scheduled'", name="meeting_is_scheduled"
        ),
        ForeignKeyConstraint(
            ["meeting_id", "version_id", "slot_id", "meeting_status"],
            ["meetings.id", "meetings.version_id", "meetings.slot_id", "meetings.status"],
            onupdate="CASCADE",
            ondelete="CASCADE",
            name="fk_bookings_meeting",
        ),
        ForeignKeyConstraint(
            ["workshop_id", "slot_id"],
            ["workshop_slots.workshop_id", "workshop_slots.slot_id"],
            ondelete="CASCADE",
            name="fk_bookings_workshop_slot",
        ),
        ForeignKeyConstraint(
            ["version_id", "workshop_id", "participant_id"],
            [
                "workshop_seats.version_id",
                "workshop_seats.workshop_id",
                "workshop_seats.participant_id",
            ],
            ondelete="CASCADE",
            name="fk_bookings_workshop_seat",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"))
    meeting_id: Mapped[int | None] = mapped_column()
    meeting_status: Mapped[str | None] = mapped_column(String(11))
    workshop_id: Mapped[int | None] = mapped_column()
