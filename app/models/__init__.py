"""Typed SQLAlchemy 2 models, one module per aggregate. Importing this package registers all."""

from app.models.audit import AuditEntry
from app.models.events import Event, EventDay, EventStatus, Location, LocationKind, Pause, Slot
from app.models.jobs import JobKind, JobStatus, SchedulingJob
from app.models.needs import AmountBand, Need, need_cpv
from app.models.organisations import CompanySize, Organisation, OrganisationKind, organisation_cpv
from app.models.outbox import OutboxKind, OutboxMessage, OutboxMethod, OutboxStatus
from app.models.participation import (
    Answer,
    Application,
    ApplicationStatus,
    MeetingRequest,
    Participant,
    ParticipantRole,
    Priority,
    RequestOrigin,
    Unavailability,
)
from app.models.reference import CpvCode
from app.models.scheduling import (
    Booking,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    ScheduleVersion,
    VersionStatus,
    WorkshopSeat,
)
from app.models.users import Role, User
from app.models.workshops import InterestKind, Workshop, WorkshopInterest, WorkshopSlot

__all__ = [
    "AmountBand",
    "Answer",
    "Application",
    "ApplicationStatus",
    "AuditEntry",
    "Booking",
    "CompanySize",
    "CpvCode",
    "Event",
    "EventDay",
    "EventStatus",
    "InterestKind",
    "JobKind",
    "JobStatus",
    "Location",
    "LocationKind",
    "Meeting",
    "MeetingParticipant",
    "MeetingRequest",
    "MeetingStatus",
    "Need",
    "Organisation",
    "OrganisationKind",
    "OutboxKind",
    "OutboxMessage",
    "OutboxMethod",
    "OutboxStatus",
    "Participant",
    "ParticipantRole",
    "Pause",
    "Priority",
    "RequestOrigin",
    "Role",
    "ScheduleVersion",
    "SchedulingJob",
    "Slot",
    "Unavailability",
    "User",
    "VersionStatus",
    "Workshop",
    "WorkshopInterest",
    "WorkshopSeat",
    "WorkshopSlot",
    "need_cpv",
    "organisation_cpv",
]
