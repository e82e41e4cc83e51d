"""Sending the outbox (docs/MAIL.md).

`drain` claims due rows one by one (`UPDATE … WHERE status='pending'`, committed, and checked by
its row count, so two senders never both take a row), hands the MIME message to the configured
backend (`app.services.mail.transport`), then marks it sent. A failure is retried with
exponential backoff and given up as `failed` after `MAIL_MAX_ATTEMPTS`; organisers see it and
can queue it again. Delivery is at least once: see docs/MAIL.md for the one window where a
message can go twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from app.extensions import db
from app.models import (
    Event,
    OutboxMessage,
    OutboxMethod,
    OutboxStatus,
)
from app.models.base import utcnow
from app.services import audit
from app.services.mail import transport
from app.services.mail.invitations import build_email

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 2000


MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class SendReport:
    """What one pass of the sender did."""

    sent: int = 0
    retrying: int = 0  # failed this time, queued again with a delay
    failed: int = 0  # given up
    superseded: int = 0  # a later change replaced them before they left
    recovered: int = 0  # stuck in `sending` after a sender died, queued again


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failed ones: base × 2^(attempts − 1)."""
    base = timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _permanent(error: Exception) -> bool:
    """A refusal that retrying will not change: the server said 5xx for the recipient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def claim(row_id: int, *, now: datetime) -> bool:
    """Atomically move a due pending row to `sending` and commit; False if another took it."""
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _superseded(row: OutboxMessage) -> bool:
    """A later change of this meeting is queued for this recipient: it says everything."""
    newer = db.session.execute(
        db.select(OutboxMessage.id)
        .where(
            OutboxMessage.meeting_uid == row.meeting_uid,
            OutboxMessage.recipient == row.recipient,
            OutboxMessage.sequence > row.sequence,
        )
        .limit(1)
    ).first()
    return newer is not None


def send_one(
    row_id: int, *, now: datetime | None = None, session: transport.Session | None = None
) -> OutboxStatus | None:
    """Claim and send one row; returns its new status, or None if it was not claimable.

    `session` carries the SMTP connection of a whole pass (see `drain`); without it the
    message gets a connection of its own.
    """
    now = now or utcnow()
    if not claim(row_id, now=now):
        return None
    row = db.session.get(OutboxMessage, row_id)
    assert row is not None
    if _superseded(row):
        row.status = OutboxStatus.SUPERSEDED
        row.attempts -= 1  # nothing was attempted
        db.session.commit()
        return row.status
    message = build_email(row, now=now)
    try:
        if session is None:
            transport.deliver(message)
        else:
            session.deliver(message)
    except Exception as error:  # any failure: the row must not stay in `sending`
        db.session.rollback()
        row = db.session.get(OutboxMessage, row_id)
        assert row is not None
        row.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
        if _permanent(error) or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            row.status = OutboxStatus.FAILED
        else:
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = now + backoff(row.attempts)
        row.claimed_at = None
        db.session.commit()
        log.warning("outbox %s to %s: %s", row_id, row.recipient, row.last_error)
        return row.status
    # The server has accepted the message: record it at once (see docs/MAIL.md).
    row.status = OutboxStatus.SENT
    row.sent_at = utcnow()
    row.claimed_at = None
    db.session.commit()
    return row.status


def recover_stuck(*, now: datetime | None = None) -> int:
    """Queue again rows left in `sending` by a sender that died (or fail them at the limit)."""
    now = now or utcnow()
    timeout = timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT"])
    stuck = db.session.execute(
        db.select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_at < now - timeout,
        )
    ).scalars()
    count = 0
    for row in stuck:
        count += 1
        row.last_error = "the sender stopped while sending (it may have been delivered)"
        row.claimed_at = None
        if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            row.status = OutboxStatus.FAILED
        else:
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = now
    db.session.commit()
    return count


def due(*, now: datetime, limit: int = 100) -> list[int]:
    """Ids of pending rows whose time has come, oldest first (a meeting's changes in order)."""
    stmt = (
        db.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())


def drain(*, now: datetime | None = None, limit: int = 100) -> SendReport:
    """One pass of the sender: recover stuck rows, then send every due row (up to `limit`)."""
    now = now or utcnow()
    recovered = recover_stuck(now=now)
    outcome: Counter[OutboxStatus] = Counter()
    retrying = 0
    with transport.Session() as session:  # one SMTP connection for the pass (reopened on error)
        for row_id in due(now=now, limit=limit):
            status = send_one(row_id, now=now, session=session)
            if status is OutboxStatus.PENDING:
                retrying += 1
            elif status is not None:
                outcome[status] += 1
    return SendReport(
        sent=outcome[OutboxStatus.SENT],
        retrying=retrying,
        failed=outcome[OutboxStatus.FAILED],
        superseded=outcome[OutboxStatus.SUPERSEDED],
        recovered=recovered,
    )


@dataclass(frozen=True)
class FailedLine:
    id: int
    recipient: str
    subject: str
    method: OutboxMethod
    attempts: int
    last_error: str
    created_at: datetime


@dataclass(frozen=True)
class MailingProgress:
    """The mailing of one event, for the organiser's page."""

    counts: dict[OutboxStatus, int]
    failed: tuple[FailedLine, ...]
    next_attempt_at: datetime | None  # earliest retry waiting

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: OutboxStatus) -> int:
        return self.counts.get(status, 0)


def progress(event_id: int) -> MailingProgress:
    rows = db.session.execute(
        db.select(OutboxMessage.status, db.func.count(OutboxMessage.id))
        .where(OutboxMessage.event_id == event_id)
        .group_by(OutboxMessage.status)
    ).tuples()
    counts = dict(rows.all())
    failed = db.session.execute(
        db.select(OutboxMessage)
        .where(OutboxMessage.event_id == event_id, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id)
    ).scalars()
    next_at = db.session.execute(
        db.select(db.func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.event_id == event_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts > 0,
        )
    ).scalar_one_or_none()
    return MailingProgress(
        counts=counts,
        failed=tuple(
            FailedLine(
                r.id, r.recipient, r.subject, r.method, r.attempts, r.last_error, r.created_at
            )
            for r in failed
        ),
        next_attempt_at=next_at,
    )


def retry_failed(event_id: int, *, actor_id: int | None, now: datetime | None = None) -> int:
    """Queue the event's failed e-mails again (attempts start over); audited. Returns the count."""
    now = now or utcnow()
    result = db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.event_id == event_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        event = db.session.get(Event, event_id)
        audit.record("mail.retry", actor_id=actor_id, event_id=event_id, target=event, count=count)
    db.session.flush()
    return count
