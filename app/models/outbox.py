"""The e-mail outbox: one row per invitation (REQUEST) or cancellation (CANCEL) to send.

Rows are written in the same transaction as the publication that causes them, so a published
change is never without its e-mails, and a rolled-back publication leaves none. The unique
constraint on (meeting UID, SEQUENCE, METHOD, recipient) is the idempotency key: one change is
queued, hence sent, at most once per recipient (see docs/MAIL.md).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.events import Event
    from app.models.users import User


class OutboxStatus(enum.Enum):
    PENDING = "pending"  # waiting for a sender (possibly until next_attempt_at)
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"  # accepted by the SMTP server
    FAILED = "failed"  # given up after MAIL_MAX_ATTEMPTS (or a permanent refusal); retryable
    SUPERSEDED = "superseded"  # a later change for the same meeting and recipient replaces it


class OutboxMethod(enum.Enum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class OutboxKind(enum.Enum):
    NEW = "new"
    MOVED = "moved"
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint(
            "meeting_uid", "sequence", "method", "recipient", name="uq_outbox_idempotency"
        ),
        CheckConstraint("attempts >= 0", name="attempts_nonneg"),
        CheckConstraint("sequence >= 0", name="sequence_nonneg"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # The publication that queued it (kept for the record; NULL if that version is deleted).
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_versions.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    meeting_uid: Mapped[str] = mapped_column(String(255))  # indexed by the unique key
    sequence: Mapped[int] = mapped_column(Integer)
    method: Mapped[OutboxMethod] = mapped_column(enum_column(OutboxMethod))
    kind: Mapped[OutboxKind] = mapped_column(enum_column(OutboxKind))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    # The message as published: a retry sends exactly the same bytes.
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<OutboxMessage {self.id} {self.method.value} {self.meeting_uid}"
            f"#{self.sequence} → {self.recipient} {self.status.value}>"
        )
