"""Calendars from the published agenda (ORM → the Flask-free `app.ical` builders).

A participant's agenda is a METHOD:PUBLISH file: downloaded from the dashboard ("Ajouter à mon
agenda") or subscribed to as a `webcal://` feed protected by the user's calendar token. UIDs
and SEQUENCE come from the stored meetings (docs/DATA-MODEL.md, docs/ICAL.md).
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from flask import current_app

from app import ical
from app.extensions import db
from app.models import (
    Event,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    User,
    Workshop,
)
from app.services.agenda.schedules import published_version


def organizer_for(event: Event) -> ical.Organizer:
    """The organising mailbox: the event's contact address, else the platform's sender."""
    name = event.organiser_organisation.name if event.organiser_organisation else "Entremise"
    email = event.contact_email or parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    return ical.Organizer(name=name, email=email)


def workshop_uid(event_id: int, workshop_id: int) -> str:
    """Workshops have one stable UID per event and workshop (they are not versioned)."""
    return f"atelier-{workshop_id}-evenement-{event_id}@entremise"


def meeting_event(
    meeting: Meeting,
    event: Event,
    organizer: ical.Organizer,
    *,
    attendees: tuple[ical.Attendee, ...] = (),
    sequence: int | None = None,
    status: ical.Status = ical.Status.CONFIRMED,
) -> ical.MeetingEvent:
    """One placed meeting as the core's `MeetingEvent` (stored UID; stored SEQUENCE unless given).

    `sequence` and `status` let the outbox describe a cancellation: the meeting as it was
    announced (its place), with the SEQUENCE of the cancellation.
    """
    assert meeting.slot is not None, "only a placed meeting has a time"
    sides = {p.role: p for p in meeting.participants}
    buyer = sides.get(ParticipantRole.BUYER)
    company = sides.get(ParticipantRole.COMPANY)
    need = meeting.request.need if meeting.request is not None else None
    return ical.MeetingEvent(
        uid=meeting.uid,
        sequence=meeting.sequence if sequence is None else sequence,
        start=meeting.slot.starts_at,
        end=meeting.slot.ends_at,
        organizer=organizer,
        buyer=ical.Party(buyer.name if buyer else ""),
        company=ical.Party(company.name if company else ""),
        attendees=attendees,
        need_title=need.title if need is not None else None,
        table=meeting.location.name if meeting.location else None,
        room=meeting.location.room or None if meeting.location else None,
        status=status,
        tz=event.timezone,
    )


def participant_events(participant: Participant) -> list[ical.CalendarEvent]:
    """The participant's meetings and workshops in the published agenda."""
    event = participant.event
    version = published_version(event.id)
    if version is None:
        return []
    organizer = organizer_for(event)
    events: list[ical.CalendarEvent] = []
    for meeting in version.meetings:
        if meeting.status is not MeetingStatus.SCHEDULED or meeting.slot is None:
            continue
        if participant.id not in {p.id for p in meeting.participants}:
            continue
        events.append(meeting_event(meeting, event, organizer))
    for seat in version.workshop_seats:
        if seat.participant_id != participant.id:
            continue
        events.append(workshop_event(seat.workshop, event, organizer))
    return events


def workshop_event(
    workshop: Workshop,
    event: Event,
    organizer: ical.Organizer,
    *,
    attendees: tuple[ical.Attendee, ...] = (),
    sequence: int = 0,
    status: ical.Status = ical.Status.CONFIRMED,
) -> ical.WorkshopEvent:
    """A workshop as the core's `WorkshopEvent`: stable UID, from its first to its last slot.

    Workshops have no stored SEQUENCE (0 in agendas and feeds); the outbox numbers the
    invitations and cancellations it mails per recipient (docs/MAIL.md).
    """
    slots = workshop.slots
    return ical.WorkshopEvent(
        uid=workshop_uid(event.id, workshop.id),
        sequence=sequence,
        start=slots[0].starts_at,
        end=slots[-1].ends_at,
        organizer=organizer,
        title=workshop.title,
        attendees=attendees,
        description=workshop.theme or None,
        room=workshop.location.name if workshop.location else None,
        status=status,
        tz=event.timezone,
    )


def participation(user: User, event_id: int) -> Participant | None:
    if user.organisation_id is None:
        return None
    stmt = db.select(Participant).where(
        Participant.event_id == event_id, Participant.organisation_id == user.organisation_id
    )
    return db.session.execute(stmt).scalar_one_or_none()


def agenda_file(participant: Participant, *, now: datetime, lang: str = "fr") -> bytes:
    side = ical.Side.BUYER if participant.role is ParticipantRole.BUYER else ical.Side.COMPANY
    return ical.build_agenda(
        participant_events(participant),
        calendar_name=f"{participant.event.title} — {participant.name}",
        now=now,
        viewer=side,
        lang=lang,
    )


def user_by_calendar_token(token: str) -> User | None:
    stmt = db.select(User).where(User.calendar_token == token)
    user = db.session.execute(stmt).scalar_one_or_none()
    return user if user is not None and user.is_active else None
