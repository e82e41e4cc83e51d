"""E-mail invitations through the outbox (docs/MAIL.md).

**Enqueue.** `enqueue_publication` runs inside `schedules.publish`, in the publication's
transaction: for every meeting added, moved or removed since the previous published version it
writes one `OutboxMessage` per user account of the meeting's buyer and company — a REQUEST
carrying the meeting's stored SEQUENCE, or a CANCEL (STATUS:CANCELLED) with a SEQUENCE above
the last one published; and one per account of each workshop seat given (REQUEST) or taken
away (CANCEL). The message (subject, body in the recipient's language, `.ics`) is rendered
now and stored, so a retry sends the same bytes. The unique key (UID, SEQUENCE, METHOD,
recipient) means one change is queued once, however often publication code runs.

**Send.** `drain` claims due rows one by one (`UPDATE … WHERE status='pending'`, committed, and
checked by its row count, so two senders never both take a row), hands the MIME message to
the configured backend, then marks it sent. A failure is retried with exponential backoff and
given up as `failed` after `MAIL_MAX_ATTEMPTS`; organisers see it and can queue it again.
Delivery is at least once: see docs/MAIL.md for the one window where a message can go twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import ical
from app.extensions import db
from app.i18n import format_datetime_long, format_time_local
from app.models import (
    Event,
    Location,
    Meeting,
    OutboxKind,
    OutboxMessage,
    OutboxMethod,
    OutboxStatus,
    Participant,
    ParticipantRole,
    ScheduleVersion,
    User,
)
from app.models.base import utcnow
from app.services import audit, calendars, mail

if TYPE_CHECKING:  # schedules.publish calls this module: no import at run time
    from app.services.schedules import Diff

log = logging.getLogger(__name__)

ICS_FILENAME = "invite.ics"
# CPython 3.11's header folder drops the space between two RFC 2047 encoded words when it
# folds a long non-ASCII Subject (« Ouest » — mardi became « Ouest »— mardi). Subjects stay
# far below RFC 5322's hard limit of 998 octets, so headers are written on one line.
HEADER_POLICY = policy.default.clone(max_line_length=998)
# Python's default (78) lets quoted-printable lines reach 78; RFC 2045 allows 76.
BODY_POLICY = policy.default.clone(max_line_length=76)
MAX_ERROR_LENGTH = 2000
MAX_BACKOFF = timedelta(hours=6)
LANGS = ("fr", "en")


# --------------------------------------------------------------------------- enqueue


def _lang(user: User) -> str:
    return user.locale if user.locale in LANGS else "fr"


def recipients(participant: Participant) -> list[User]:
    """The active user accounts of a participant's organisation, in a stable order."""
    stmt = (
        db.select(User)
        .where(User.organisation_id == participant.organisation_id, User.is_active_account)
        .order_by(User.id)
    )
    return list(db.session.execute(stmt).scalars())


def _side(participant: Participant) -> ical.Side:
    return ical.Side.BUYER if participant.role is ParticipantRole.BUYER else ical.Side.COMPANY


def _other_party(meeting: ical.MeetingEvent, side: ical.Side) -> str:
    return meeting.company.name if side is ical.Side.BUYER else meeting.buyer.name


def _place(location: Location | None) -> str:
    if location is None:
        return ""
    return " — ".join(p for p in (location.name, location.room) if p)


def _when(start: datetime, end: datetime, tz: str) -> str:
    """« mardi 16 mars 2027, 14 h 00 – 14 h 20 » in the event's timezone."""
    return f"{format_datetime_long(start, tz)} – {format_time_local(end, tz)}"


def compose(
    item: ical.CalendarEvent,
    *,
    kind: OutboxKind,
    side: ical.Side,
    lang: str,
    event_title: str,
    before: tuple[datetime, datetime, str] | None = None,
) -> tuple[str, str]:
    """Subject and plain-text body of one invitation e-mail, in `lang` (French by default).

    `item` is a meeting or a workshop; `before` is the previous (start, end, place) of a moved
    meeting, shown for comparison.
    """
    with force_locale(lang):
        when = _when(item.start, item.end, item.tz)
        lines = [_("Bonjour,"), ""]
        if isinstance(item, ical.MeetingEvent):
            party = _other_party(item, side)
            if kind is OutboxKind.NEW:
                subject = _("Nouveau rendez-vous avec %(party)s", party=party)
                intro = _("Un rendez-vous vous est attribué pour « %(event)s ».", event=event_title)
            elif kind is OutboxKind.MOVED:
                subject = _("Rendez-vous déplacé avec %(party)s", party=party)
                intro = _("Votre rendez-vous pour « %(event)s » a changé.", event=event_title)
            else:
                subject = _("Rendez-vous annulé avec %(party)s", party=party)
                intro = _("Votre rendez-vous pour « %(event)s » est annulé.", event=event_title)
            lines += [intro, "", _("Avec : %(party)s", party=party)]
        else:
            if kind is OutboxKind.CANCELLED:
                subject = _("Atelier annulé : « %(title)s »", title=item.title)
                intro = _(
                    "Votre participation à l'atelier « %(title)s » de « %(event)s » est annulée.",
                    title=item.title,
                    event=event_title,
                )
            else:
                subject = _("Inscription à l'atelier « %(title)s »", title=item.title)
                intro = _(
                    "Vous participez à l'atelier « %(title)s » de « %(event)s ».",
                    title=item.title,
                    event=event_title,
                )
            lines += [intro, ""]
        lines.append(_("Quand : %(when)s (heure de %(tz)s)", when=when, tz=item.tz))
        place = ical.location_text(item)
        if place:
            lines.append(_("Où : %(place)s", place=place))
        if isinstance(item, ical.MeetingEvent) and item.need_title:
            lines.append(_("Besoin : %(need)s", need=item.need_title))
        if isinstance(item, ical.WorkshopEvent) and item.description:
            lines.append(_("Thème : %(theme)s", theme=item.description))
        if before is not None:
            old_when = _when(before[0], before[1], item.tz)
            old = f"{old_when}, {before[2]}" if before[2] else old_when
            lines.append(_("Auparavant : %(before)s", before=old))
        lines.append("")
        if kind is OutboxKind.CANCELLED:
            lines.append(
                _(
                    "L'annulation jointe (%(file)s) retire ce rendez-vous de votre agenda.",
                    file=ICS_FILENAME,
                )
            )
        else:
            lines.append(
                _(
                    "L'invitation jointe (%(file)s) ajoute ce rendez-vous à votre agenda ou le "
                    "met à jour.",
                    file=ICS_FILENAME,
                )
            )
        organizer = item.organizer
        lines.append(
            _("Contact : %(name)s <%(email)s>", name=organizer.name, email=organizer.email)
        )
        subject = f"{subject} — {when}"
    return subject[:300], "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Planned:
    """One meeting change to mail: the meeting as the calendar shows it, and how it changed."""

    source: Meeting  # the placed meeting (the new one; for a cancellation, the old one)
    kind: OutboxKind
    method: OutboxMethod
    sequence: int
    last_sent_sequence: int
    before: tuple[datetime, datetime, str] | None = None


def _planned(
    version: ScheduleVersion, previous: ScheduleVersion | None, changes: Diff
) -> list[_Planned]:
    new = {m.request_id: m for m in version.meetings if m.request_id is not None}
    old = (
        {m.request_id: m for m in previous.meetings if m.request_id is not None}
        if previous is not None
        else {}
    )
    plans: list[_Planned] = []
    for change in changes.changes:
        if change.kind in ("added", "moved"):
            meeting = new[change.request_id]
            before = None
            if change.kind == "moved":
                was = old[change.request_id]
                if was.slot is not None:
                    before = (was.slot.starts_at, was.slot.ends_at, _place(was.location))
            plans.append(
                _Planned(
                    meeting,
                    OutboxKind.NEW if change.kind == "added" else OutboxKind.MOVED,
                    OutboxMethod.REQUEST,
                    meeting.sequence,
                    meeting.sequence,
                    before,
                )
            )
        else:  # removed: no longer placed (unscheduled, cancelled or gone)
            was = old[change.request_id]
            now_row = new.get(change.request_id)
            # publish() bumped the SEQUENCE of a meeting still in the version; a meeting gone
            # from it has no row left, so its cancellation takes the next number.
            sequence = (
                now_row.sequence
                if now_row is not None
                and now_row.uid == was.uid
                and now_row.sequence > was.sequence
                else was.sequence + 1
            )
            plans.append(
                _Planned(
                    was, OutboxKind.CANCELLED, OutboxMethod.CANCEL, sequence, was.sequence, None
                )
            )
    return plans


def _queue(
    item: ical.CalendarEvent,
    *,
    user: User,
    participant: Participant,
    version: ScheduleVersion,
    kind: OutboxKind,
    method: OutboxMethod,
    last_sent_sequence: int,
    now: datetime,
    before: tuple[datetime, datetime, str] | None = None,
) -> None:
    """Render one e-mail (file, subject, body in the recipient's language) into the outbox."""
    side, lang = _side(participant), _lang(user)
    if method is OutboxMethod.REQUEST:
        data = ical.build_request(item, now=now, viewer=side, lang=lang)
    else:
        data = ical.build_cancel(
            item, last_sent_sequence=last_sent_sequence, now=now, viewer=side, lang=lang
        )
    subject, body = compose(
        item, kind=kind, side=side, lang=lang, event_title=version.event.title, before=before
    )
    db.session.add(
        OutboxMessage(
            event_id=version.event_id,
            version_id=version.id,
            user_id=user.id,
            recipient=user.email,
            meeting_uid=item.uid,
            sequence=item.sequence,
            method=method,
            kind=kind,
            status=OutboxStatus.PENDING,
            subject=subject,
            body=body,
            ics=data.decode("utf-8"),
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def _meetings(
    version: ScheduleVersion,
    previous: ScheduleVersion | None,
    changes: Diff,
    organizer: ical.Organizer,
    now: datetime,
) -> int:
    plans = _planned(version, previous, changes)
    uids = {plan.source.uid for plan in plans}
    existing = (
        set(
            db.session.execute(
                db.select(
                    OutboxMessage.meeting_uid,
                    OutboxMessage.sequence,
                    OutboxMessage.method,
                    OutboxMessage.recipient,
                ).where(OutboxMessage.meeting_uid.in_(uids))
            ).tuples()
        )
        if uids
        else set()
    )
    added = 0
    for plan in plans:
        people = [
            (user, participant)
            for participant in plan.source.participants
            for user in recipients(participant)
            # RFC 5546: the organising mailbox is never an attendee (and gets no invitation).
            if user.email.lower() != organizer.email.lower()
        ]
        if not people:
            continue
        attendees = tuple(
            ical.Attendee(name=user.full_name or user.email, email=user.email)
            for user, _participant in people
        )
        status = (
            ical.Status.CANCELLED if plan.method is OutboxMethod.CANCEL else ical.Status.CONFIRMED
        )
        meeting = calendars.meeting_event(
            plan.source,
            version.event,
            organizer,
            attendees=attendees,
            sequence=plan.sequence,
            status=status,
        )
        for user, participant in people:
            key = (meeting.uid, plan.sequence, plan.method, user.email)
            if key in existing:
                continue
            existing.add(key)
            _queue(
                meeting,
                user=user,
                participant=participant,
                version=version,
                kind=plan.kind,
                method=plan.method,
                last_sent_sequence=plan.last_sent_sequence,
                now=now,
                before=plan.before,
            )
            added += 1
    return added


def _last_queued(uid: str, recipient: str) -> OutboxMessage | None:
    """The latest e-mail queued about `uid` for `recipient` (highest SEQUENCE), if any."""
    stmt = (
        db.select(OutboxMessage)
        .where(OutboxMessage.meeting_uid == uid, OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.sequence.desc())
        .limit(1)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _workshops(
    version: ScheduleVersion,
    previous: ScheduleVersion | None,
    organizer: ical.Organizer,
    now: datetime,
) -> int:
    """One REQUEST per new workshop seat and account, one CANCEL per seat taken away.

    Workshops have no stored SEQUENCE, so each recipient's line of e-mails is numbered from
    the outbox: 0 for the first invitation, then the last queued SEQUENCE + 1. A seat given
    to someone who already holds the invitation (or whose cancellation is the last word)
    queues nothing.
    """
    new = {(s.workshop_id, s.participant_id): s for s in version.workshop_seats}
    old = (
        {(s.workshop_id, s.participant_id): s for s in previous.workshop_seats}
        if previous is not None
        else {}
    )
    added = 0
    for keys, seats, method in (
        (sorted(new.keys() - old.keys()), new, OutboxMethod.REQUEST),
        (sorted(old.keys() - new.keys()), old, OutboxMethod.CANCEL),
    ):
        for key in keys:
            seat = seats[key]
            for user in recipients(seat.participant):
                if user.email.lower() == organizer.email.lower():
                    continue
                uid = calendars.workshop_uid(version.event_id, seat.workshop_id)
                last = _last_queued(uid, user.email)
                if method is OutboxMethod.REQUEST:
                    if last is not None and last.method is OutboxMethod.REQUEST:
                        continue  # already invited
                    sequence = 0 if last is None else last.sequence + 1
                elif last is None or last.method is OutboxMethod.CANCEL:
                    continue  # never invited by e-mail, or already cancelled
                else:
                    sequence = last.sequence + 1
                item = calendars.workshop_event(
                    seat.workshop,
                    version.event,
                    organizer,
                    attendees=(ical.Attendee(name=user.full_name or user.email, email=user.email),),
                    sequence=sequence,
                    status=ical.Status.CANCELLED
                    if method is OutboxMethod.CANCEL
                    else ical.Status.CONFIRMED,
                )
                _queue(
                    item,
                    user=user,
                    participant=seat.participant,
                    version=version,
                    kind=OutboxKind.NEW if method is OutboxMethod.REQUEST else OutboxKind.CANCELLED,
                    method=method,
                    last_sent_sequence=sequence - 1,
                    now=now,
                )
                db.session.flush()  # the next seat's `_last_queued` must see this row
                added += 1
    return added


def enqueue_publication(
    version: ScheduleVersion,
    previous: ScheduleVersion | None,
    changes: Diff,
    *,
    now: datetime | None = None,
) -> int:
    """Queue the e-mails of a publication (`changes` is its `schedules.Diff`); returns the count.

    Called by `schedules.publish` before it returns, so the rows commit or roll back with the
    publication. Meetings: one e-mail per account of both parties for each meeting added,
    moved or removed. Workshops: one per account of each seat given or taken away. Rows
    already queued for the same (UID, SEQUENCE, METHOD, recipient) are not queued again.
    """
    now = now or utcnow()
    organizer = calendars.organizer_for(version.event)
    added = _meetings(version, previous, changes, organizer, now)
    added += _workshops(version, previous, organizer, now)
    db.session.flush()
    return added


# --------------------------------------------------------------------------- the message


def build_email(row: OutboxMessage, *, now: datetime | None = None) -> EmailMessage:
    """The MIME message of one outbox row (RFC 6047 iMIP).

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8                      the body, for people
        text/calendar; charset=utf-8; method=REQUEST   the iTIP message, for calendar clients
      application/ics; name=invite.ics (attachment)    the same file, for clients that only
                                                       import attachments
    RFC 6047 §2.4 requires the `method` parameter to equal the file's METHOD. Outlook and Gmail
    act on the text/calendar alternative; the attachment is `application/ics` (as Google
    Calendar sends it) so that no client sees two iTIP parts and processes the change twice.
    The Message-ID is derived from the row: a rare second delivery (see docs/MAIL.md) carries
    the same one, which lets mail systems drop the duplicate.
    """
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "entremise.localhost"
    message = EmailMessage(policy=BODY_POLICY)
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = f"<outbox-{row.id}-{row.method.value.lower()}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(row.body)
    # Bytes, not str: the file keeps its CRLF line ends (RFC 5545) inside the base64.
    data = row.ics.encode("utf-8")
    message.add_alternative(
        data,
        maintype="text",
        subtype="calendar",
        params={"charset": "utf-8", "method": row.method.value},
    )
    message.add_attachment(
        data,
        maintype="application",
        subtype="ics",
        filename=ICS_FILENAME,
    )
    # Parts are encoded above, their lines cut at 76 characters; headers are folded when the
    # message is written, with the header policy.
    message.policy = HEADER_POLICY
    return message


# --------------------------------------------------------------------------- sending


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
    row_id: int, *, now: datetime | None = None, session: mail.Session | None = None
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
            mail.deliver(message)
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
    with mail.Session() as session:  # one SMTP connection for the pass (reopened on error)
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


# --------------------------------------------------------------------------- organisers


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
