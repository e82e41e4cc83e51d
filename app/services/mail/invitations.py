"""E-mail invitations: what a publication changed becomes messages in the outbox (docs/MAIL.md).

`enqueue_publication` consumes the `version_published` signal that
`app.services.agenda.schedules.publish` sends inside the publication's transaction: for every
meeting added, moved or removed since the previous published version it writes one
`OutboxMessage` per user account of the meeting's buyer and company — a REQUEST carrying the
meeting's stored SEQUENCE, or a CANCEL (STATUS:CANCELLED) with a SEQUENCE above the last one
published; and one per account of each workshop seat given (REQUEST) or taken away (CANCEL).
The message (subject, body in the recipient's language, `.ics`) is rendered now and stored, so a
retry sends the same bytes. The unique key (UID, SEQUENCE, METHOD, recipient) means one change
is queued once, however often publication code runs. Sending is `app.services.mail.delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import ical
from app.extensions import db
from app.i18n import format_datetime_long, format_time_local
from app.models import (
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
from app.services.agenda import schedules
from app.services.agenda.schedules import Diff
from app.services.calendars import feeds

ICS_FILENAME = "invite.ics"


# CPython 3.11's header folder drops the space between two RFC 2047 encoded words when it
# folds a long non-ASCII Subject (« Ouest » — mardi became « Ouest »— mardi). Subjects stay
# far below RFC 5322's hard limit of 998 octets, so headers are written on one line.
HEADER_POLICY = policy.default.clone(max_line_length=998)


# Python's default (78) lets quoted-printable lines reach 78; RFC 2045 allows 76.
BODY_POLICY = policy.default.clone(max_line_length=76)


LANGS = ("fr", "en")


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
        meeting = feeds.meeting_event(
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
                uid = feeds.workshop_uid(version.event_id, seat.workshop_id)
                last = _last_queued(uid, user.email)
                if method is OutboxMethod.REQUEST:
                    if last is not None and last.method is OutboxMethod.REQUEST:
                        continue  # already invited
                    sequence = 0 if last is None else last.sequence + 1
                elif last is None or last.method is OutboxMethod.CANCEL:
                    continue  # never invited by e-mail, or already cancelled
                else:
                    sequence = last.sequence + 1
                item = feeds.workshop_event(
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

    Connected to `schedules.version_published` (below), which `schedules.publish` sends before
    it returns, so the rows commit or roll back with the publication. Meetings: one e-mail per
    account of both parties for each meeting added, moved or removed. Workshops: one per
    account of each seat given or taken away. Rows already queued for the same (UID, SEQUENCE,
    METHOD, recipient) are not queued again.
    """
    now = now or utcnow()
    organizer = feeds.organizer_for(version.event)
    added = _meetings(version, previous, changes, organizer, now)
    added += _workshops(version, previous, organizer, now)
    db.session.flush()
    return added


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


@schedules.version_published.connect
def _on_published(
    version: ScheduleVersion, *, previous: ScheduleVersion | None, changes: Diff
) -> int:
    """The invitations of a publication, queued as `schedules.publish` sends its signal."""
    return enqueue_publication(version, previous, changes)
