"""Background jobs (scheduling runs): state lives in the database so a restart loses nothing."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.events import Event
    from app.models.scheduling import ScheduleVersion
    from app.models.users import User


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobKind(enum.Enum):
    GENERATE = "generate"  # a new agenda from the requests
    REOPTIMISE = "reoptimise"  # after a late change, moving as few meetings as possible


class SchedulingJob(db.Model):
    __tablename__ = "scheduling_jobs"
    __table_args__ = (
        CheckConstraint("time_limit_s > 0", name="time_limit_positive"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind))
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus), default=JobStatus.QUEUED, index=True
    )
    time_limit_s: Mapped[float] = mapped_column(Float)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str] = mapped_column(String(100), default="")
    message: Mapped[str] = mapped_column(Text, default="")  # failure reason or summary
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()
    version: Mapped[ScheduleVersion | None] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
