"""Who takes part in an event: participants, applications, meeting requests, unavailability."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.events import Event, Location, Slot
    from app.models.needs import Need
    from app.models.organisations import Organisation
    from app.models.users import User


class ParticipantRole(enum.Enum):
    BUYER = "buyer"
    COMPANY = "company"


class ApplicationStatus(enum.Enum):
    SUBMITTED = "submitted"
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Priority(enum.Enum):
    MUST = "must"
    WANT = "want"
    MAYBE = "maybe"


class Answer(enum.Enum):
    PENDING = "pending"
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class RequestOrigin(enum.Enum):
    COMPANY = "company"  # the company asked
    BUYER = "buyer"  # the buyer invited the company
    ORGANISER = "organiser"


class Participant(db.Model):
    """An organisation taking part in one event, with its scheduling attributes."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id"),
        CheckConstraint("max_meetings IS NULL OR max_meetings >= 0", name="max_nonneg"),
        CheckConstraint("min_meetings >= 0", name="min_nonneg"),
        CheckConstraint("attendees >= 1", name="attendees_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))  # kept table
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    min_meetings: Mapped[int] = mapped_column(Integer, default=0)
    attendees: Mapped[int] = mapped_column(Integer, default=1)
    is_first_time: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="participants")
    # Selectin-loaded: nearly every page lists participants by name; lazy loading would
    # issue one query per participant (hundreds on a 300-company event).
    organisation: Mapped[Organisation] = relationship(lazy="selectin")
    location: Mapped[Location | None] = relationship()
    application: Mapped[Application | None] = relationship(
        back_populates="participant", cascade="all, delete-orphan", lazy="selectin"
    )
    unavailabilities: Mapped[list[Unavailability]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return self.organisation.display_name

    def __repr__(self) -> str:
        return f"<Participant {self.id} {self.role.value} org={self.organisation_id}>"


class Application(db.Model):
    """A company's application to an event; selection decisions are audited."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.SUBMITTED
    )
    pitch: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    participant: Mapped[Participant] = relationship(back_populates="application")
    decided_by: Mapped[User | None] = relationship()


class MeetingRequest(db.Model):
    """A wish to meet: a company and a buyer (optionally about one need)."""

    __tablename__ = "meeting_requests"
    __table_args__ = (
        UniqueConstraint("company_id", "buyer_id", "need_id"),
        CheckConstraint("company_id <> buyer_id", name="distinct_sides"),
        CheckConstraint("weight IS NULL OR weight >= 1", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))
    origin: Mapped[RequestOrigin] = mapped_column(
        enum_column(RequestOrigin), default=RequestOrigin.COMPANY
    )
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.WANT)
    pitch: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[Answer] = mapped_column(enum_column(Answer), default=Answer.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by selection: what the scheduler receives.
    weight: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)  # meet after the event
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    # Selectin-loaded (one query per batch of requests, not one per request): request lists
    # and exports always show both parties.
    company: Mapped[Participant] = relationship(foreign_keys=[company_id], lazy="selectin")
    buyer: Mapped[Participant] = relationship(foreign_keys=[buyer_id], lazy="selectin")
    need: Mapped[Need | None] = relationship()

    @property
    def is_mutual(self) -> bool:
        return self.answer is Answer.YES


class Unavailability(db.Model):
    """A slot where a participant can hold no meeting (late arrival, early departure…)."""

    __tablename__ = "unavailabilities"
    __table_args__ = (UniqueConstraint("participant_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200), default="")

    participant: Mapped[Participant] = relationship(back_populates="unavailabilities")
    slot: Mapped[Slot] = relationship()
