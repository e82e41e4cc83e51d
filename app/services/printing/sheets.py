"""Printable agendas: one sheet per participant, one per table and day, and the whole grid.

The print pages are read on paper at the event (handed to participants, stuck on tables), so
everything they show is computed here once per version, as frozen dataclasses, and the
templates only lay it out. A version's meetings are loaded in a few queries whatever the
number of sheets, because "every participant" is 300 sheets for a large event.

Like every service, nothing here commits; nothing here writes either.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    ApplicationStatus,
    Event,
    LocationKind,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    MeetingStatus,
    Organisation,
    Participant,
    ParticipantRole,
    ScheduleVersion,
    User,
    VersionStatus,
    WorkshopSeat,
)
from app.services.agenda import review, schedules

# Table columns per landscape A4 page of the grid: beyond six, names wrap on three or more lines.
GRID_TABLES_PER_PAGE = 6
# Beyond this many lines a sheet prints in a smaller type, so that a full day (27 slots of
# 20 minutes from 9:00 to 18:00) still fits on its one A4 page.
DENSE_LINES = 12


# --------------------------------------------------------------------------- common header


@dataclass(frozen=True)
class PrintHeader:
    """What every sheet of a version repeats: the event, its dates and venue, who to call."""

    event_id: int
    event_title: str
    venue: str
    timezone: str
    days: tuple[date, ...]
    organiser: str
    contact_email: str
    version_id: int
    version_number: int
    published: bool  # False: a draft or an old version, marked as such on paper


def header(version: ScheduleVersion) -> PrintHeader:
    """The version's event facts shared by all its sheets."""
    event = version.event
    return PrintHeader(
        event_id=event.id,
        event_title=event.title,
        venue=event.venue,
        timezone=event.timezone,
        days=_days(event),
        organiser=event.organiser_organisation.name if event.organiser_organisation else "",
        contact_email=event.contact_email or "",
        version_id=version.id,
        version_number=version.number,
        published=version.status is VersionStatus.PUBLISHED,
    )


def _days(event: Event) -> tuple[date, ...]:
    """The event's local dates: its configured days, else the dates its slots fall on."""
    if event.days:
        return tuple(d.date for d in event.days)
    return tuple(sorted({s.local_start().date() for s in event.slots}))


@dataclass(frozen=True)
class Pause:
    starts_at: datetime
    ends_at: datetime
    label: str


def _pauses(event: Event) -> tuple[Pause, ...]:
    """Breaks of every day as instants (they are stored as local wall-clock times)."""
    tz = ZoneInfo(event.timezone)
    return tuple(
        Pause(
            datetime.combine(day.date, pause.start_time, tzinfo=tz),
            datetime.combine(day.date, pause.end_time, tzinfo=tz),
            pause.label,
        )
        for day in event.days
        for pause in day.pauses
    )


def _local_day(value: datetime, tz: str) -> date:
    return value.astimezone(ZoneInfo(tz)).date()


def _placed(version: ScheduleVersion, participant_ids: set[int] | None = None) -> list[Meeting]:
    """The version's scheduled meetings with everything a sheet names, in a few queries.

    With `participant_ids`, only the meetings of those participants (one sheet of a large
    event does not load the whole day).
    """
    stmt = (
        db.select(Meeting)
        .where(Meeting.version_id == version.id, Meeting.status == MeetingStatus.SCHEDULED)
        .options(
            selectinload(Meeting.participant_links)
            .selectinload(MeetingParticipant.participant)
            .selectinload(Participant.organisation)
            .selectinload(Organisation.parent),
            selectinload(Meeting.request).selectinload(MeetingRequest.need),
            selectinload(Meeting.slot),
            selectinload(Meeting.location),
        )
        .order_by(Meeting.id)
    )
    if participant_ids is not None:
        stmt = stmt.where(
            Meeting.id.in_(
                db.select(MeetingParticipant.meeting_id).where(
                    MeetingParticipant.participant_id.in_(participant_ids)
                )
            )
        )
    return [m for m in db.session.execute(stmt).scalars() if m.slot is not None]


def _need(meeting: Meeting) -> str:
    request = meeting.request
    return request.need.title if request is not None and request.need is not None else ""


# --------------------------------------------------------------------------- participants


@dataclass(frozen=True)
class SheetItem:
    """One line of a participant's day: a meeting, a workshop or a pause."""

    starts_at: datetime
    ends_at: datetime
    kind: str  # meeting, workshop, pause
    title: str = ""  # the other party, the workshop's title or the pause's label
    need: str = ""  # the buyer's need the meeting is about
    place: str = ""  # table or room
    room: str = ""  # the hall holding the table


@dataclass(frozen=True)
class SheetDay:
    day: date
    items: tuple[SheetItem, ...]


@dataclass(frozen=True)
class ParticipantSheet:
    """One participant's printed agenda."""

    participant_id: int
    name: str  # the organisation's own name
    organisation: str  # the body a buyer direction belongs to ("" for companies)
    role: ParticipantRole
    people: tuple[str, ...]  # the organisation's account holders, by name
    table: str  # the table a buyer keeps all day, if any
    days: tuple[SheetDay, ...]
    meetings: int

    @property
    def busy(self) -> bool:
        """Whether the participant has a meeting or a workshop (pauses alone say nothing)."""
        return any(item.kind != "pause" for day in self.days for item in day.items)

    @property
    def dense(self) -> bool:
        return sum(len(day.items) for day in self.days) > DENSE_LINES

    @property
    def show_need(self) -> bool:
        """Whether any meeting is about a need (else the column is left out)."""
        return any(item.need for day in self.days for item in day.items)

    @property
    def show_place(self) -> bool:
        """False when every meeting is at the buyer's own table, given once in the header."""
        return not self.table or any(
            item.kind == "meeting" and item.place != self.table
            for day in self.days
            for item in day.items
        )


def participant_sheets(
    version: ScheduleVersion, participant_ids: tuple[int, ...] | None = None
) -> tuple[ParticipantSheet, ...]:
    """Sheets of the given participants (default: every buyer, then every scheduled company).

    Participants who do not belong to the version's event are left out, so asking for one
    unknown participant returns no sheet.
    """
    event = version.event
    if participant_ids is None:
        participant_ids = _everyone(event.id)
    wanted = set(participant_ids)
    people = {
        p.id: p
        for p in db.session.execute(
            db.select(Participant)
            .where(Participant.event_id == event.id, Participant.id.in_(wanted))
            .options(
                selectinload(Participant.organisation).selectinload(Organisation.parent),
                selectinload(Participant.location),
            )
        ).scalars()
    }
    items: dict[int, list[SheetItem]] = defaultdict(list)
    for meeting in _placed(version, wanted):
        assert meeting.slot is not None  # _placed keeps placed meetings only
        links = [link.participant for link in meeting.participant_links]
        for participant in links:
            if participant.id not in people:
                continue
            others = [p.name for p in links if p.id != participant.id]
            items[participant.id].append(
                SheetItem(
                    starts_at=meeting.slot.starts_at,
                    ends_at=meeting.slot.ends_at,
                    kind="meeting",
                    title=", ".join(others),
                    need=_need(meeting),
                    place=meeting.location.name if meeting.location else "",
                    room=meeting.location.room if meeting.location else "",
                )
            )
    seats = db.session.execute(
        db.select(WorkshopSeat).where(
            WorkshopSeat.version_id == version.id, WorkshopSeat.participant_id.in_(wanted)
        )
    ).scalars()
    for seat in seats:
        workshop = seat.workshop
        for starts_at, ends_at in _spans([(s.starts_at, s.ends_at) for s in workshop.slots]):
            items[seat.participant_id].append(
                SheetItem(
                    starts_at=starts_at,
                    ends_at=ends_at,
                    kind="workshop",
                    title=workshop.title,
                    place=workshop.location.name if workshop.location else "",
                    room=workshop.location.room if workshop.location else "",
                )
            )
    pauses = [SheetItem(p.starts_at, p.ends_at, "pause", title=p.label) for p in _pauses(event)]
    names = _account_names(
        {p.organisation_id for p in people.values()},
    )
    sheets = []
    for pid in participant_ids:
        participant = people.get(pid)
        if participant is None:
            continue
        own = items.get(pid, [])
        org = participant.organisation
        sheets.append(
            ParticipantSheet(
                participant_id=pid,
                name=org.name,
                organisation=org.parent.name if org.parent is not None else "",
                role=participant.role,
                people=names.get(participant.organisation_id, ()),
                table=participant.location.name if participant.location else "",
                days=_by_day([*own, *pauses], event.timezone),
                meetings=sum(1 for item in own if item.kind == "meeting"),
            )
        )
    return tuple(sheets)


def _everyone(event_id: int) -> tuple[int, ...]:
    """Ids of `review.scheduled_participants` (buyers, then companies the scheduler serves, by
    name), read with their organisations and applications in three queries: the agenda's
    version loads them one by one, seconds for a 300-company event."""
    stmt = (
        db.select(Participant)
        .where(Participant.event_id == event_id)
        .options(
            selectinload(Participant.organisation).selectinload(Organisation.parent),
            selectinload(Participant.application),
        )
    )
    people = [
        p
        for p in db.session.execute(stmt).scalars()
        if p.role is ParticipantRole.BUYER
        or p.application is None
        or p.application.status is ApplicationStatus.SELECTED
    ]
    people.sort(key=lambda p: (p.role is ParticipantRole.COMPANY, p.name))
    return tuple(p.id for p in people)


def participant_sheet(version: ScheduleVersion, participant_id: int) -> ParticipantSheet | None:
    """One participant's sheet; None if they do not take part in the version's event."""
    sheets = participant_sheets(version, (participant_id,))
    return sheets[0] if sheets else None


def _spans(slots: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Back-to-back slots merged: a two-slot workshop is one line from its start to its end."""
    spans: list[tuple[datetime, datetime]] = []
    for start, end in sorted(slots):
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _by_day(items: list[SheetItem], tz: str) -> tuple[SheetDay, ...]:
    """Items in time order, grouped by local date (meetings before a pause at the same time)."""
    order = {"meeting": 0, "workshop": 1, "pause": 2}
    grouped: dict[date, list[SheetItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.starts_at, order[i.kind])):
        grouped[_local_day(item.starts_at, tz)].append(item)
    return tuple(SheetDay(day, tuple(lines)) for day, lines in sorted(grouped.items()))


def _account_names(organisation_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """Full names of each organisation's active participant accounts (not organisers)."""
    names: dict[int, list[str]] = defaultdict(list)
    stmt = (
        db.select(User)
        .where(User.organisation_id.in_(organisation_ids), User.is_active_account.is_(True))
        .order_by(User.full_name)
    )
    for user in db.session.execute(stmt).scalars():
        if user.full_name and not user.is_organiser and user.organisation_id is not None:
            names[user.organisation_id].append(user.full_name)
    return {org: tuple(people) for org, people in names.items()}


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class TableLine:
    starts_at: datetime
    ends_at: datetime
    kind: str  # meeting, free, pause
    company: str = ""
    buyer: str = ""
    need: str = ""
    label: str = ""  # the pause's label


@dataclass(frozen=True)
class TableSheet:
    """One table's day, to stick on the table."""

    location_id: int
    name: str
    room: str
    day: date
    host: str  # the buyer who keeps this table all day, if any
    lines: tuple[TableLine, ...]
    meetings: int
    show_buyer: bool  # False when every meeting here is with the host, named in the header

    @property
    def dense(self) -> bool:
        return len(self.lines) > DENSE_LINES

    @property
    def show_need(self) -> bool:
        return any(line.need for line in self.lines)


def table_sheets(version: ScheduleVersion) -> tuple[TableSheet, ...]:
    """One sheet per table and day, tables in the event's order, every slot of the day listed."""
    event = version.event
    tz = event.timezone
    tables = [loc for loc in event.locations if loc.kind is LocationKind.TABLE]
    hosts: dict[int, list[Participant]] = defaultdict(list)
    for p in event.participants:
        if p.role is ParticipantRole.BUYER and p.location_id is not None:
            hosts[p.location_id].append(p)
    held: dict[tuple[int, int], Meeting] = {}
    for meeting in _placed(version):
        if meeting.location_id is not None and meeting.slot_id is not None:
            held[(meeting.slot_id, meeting.location_id)] = meeting
    days: dict[date, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for slot in event.slots:
        days[_local_day(slot.starts_at, tz)].append((slot.starts_at, slot.ends_at, slot.id))
    pauses: dict[date, list[Pause]] = defaultdict(list)
    for pause in _pauses(event):
        pauses[_local_day(pause.starts_at, tz)].append(pause)

    sheets = []
    for day in sorted(days):
        for table in tables:
            lines = [TableLine(p.starts_at, p.ends_at, "pause", label=p.label) for p in pauses[day]]
            host_ids = {p.id for p in hosts.get(table.id, ())}
            guests = False  # a buyer other than the host meets here
            for starts_at, ends_at, slot_id in days[day]:
                meeting = held.get((slot_id, table.id))
                if meeting is None:
                    lines.append(TableLine(starts_at, ends_at, "free"))
                    continue
                guests = guests or any(
                    link.participant.role is ParticipantRole.BUYER
                    and link.participant_id not in host_ids
                    for link in meeting.participant_links
                )
                company, buyer = _sides(meeting)
                lines.append(
                    TableLine(starts_at, ends_at, "meeting", company, buyer, need=_need(meeting))
                )
            lines.sort(key=lambda line: (line.starts_at, line.kind == "pause"))
            sheets.append(
                TableSheet(
                    location_id=table.id,
                    name=table.name,
                    room=table.room,
                    day=day,
                    host=", ".join(p.name for p in hosts.get(table.id, ())),
                    lines=tuple(lines),
                    meetings=sum(1 for line in lines if line.kind == "meeting"),
                    show_buyer=guests or not host_ids,
                )
            )
    return tuple(sheets)


def _sides(meeting: Meeting) -> tuple[str, str]:
    """(company, buyer) of a meeting by their organisations' own names.

    A direction without its parent body ("Direction de la voirie", not "Métropole — Direction
    de la voirie"): the body is the same on every line, and shorter lines keep a long day on
    one page.
    """
    company = buyer = ""
    for link in meeting.participant_links:
        if link.participant.role is ParticipantRole.COMPANY:
            company = link.participant.organisation.name
        else:
            buyer = link.participant.organisation.name
    return company, buyer


# --------------------------------------------------------------------------- whole grid


@dataclass(frozen=True)
class GridLine:
    starts_at: datetime
    ends_at: datetime
    kind: str  # slot, pause
    label: str  # the pause's label
    cells: tuple[tuple[str, str] | None, ...]  # (company, buyer) per column of the page
    workshops: tuple[str, ...]


@dataclass(frozen=True)
class GridPage:
    """Part of the grid that fits one landscape A4 page: one day, a run of tables."""

    day: date
    columns: tuple[str, ...]
    lines: tuple[GridLine, ...]
    number: int  # of this page among the day's pages, from 1
    of: int
    show_workshops: bool


def split_columns(count: int, per_page: int = GRID_TABLES_PER_PAGE) -> list[range]:
    """Column ranges of at most `per_page`, as even as possible (8 tables → 4 + 4, not 6 + 2)."""
    if count <= 0:
        return []
    pages = math.ceil(count / per_page)
    size, extra = divmod(count, pages)
    ranges, start = [], 0
    for n in range(pages):
        width = size + (1 if n < extra else 0)
        ranges.append(range(start, start + width))
        start += width
    return ranges


def grid_pages(
    version: ScheduleVersion, per_page: int = GRID_TABLES_PER_PAGE
) -> tuple[GridPage, ...]:
    """The whole grid (slots × tables) cut into pages of at most `per_page` tables per day."""
    event = version.event
    tz = event.timezone
    # The print shows where people sit, not what changed: skip the comparison.
    grid = review.build_grid(version, review.Comparison(None, None, 0, 0, 0, ()))
    show_workshops = bool(event.workshops)
    rows_by_day: dict[date, list[review.Row]] = defaultdict(list)
    for row in grid.rows:
        rows_by_day[row.day].append(row)
    pauses: dict[date, list[Pause]] = defaultdict(list)
    for pause in _pauses(event):
        pauses[_local_day(pause.starts_at, tz)].append(pause)
    ranges = split_columns(len(grid.columns), per_page)
    pages = []
    for day in sorted(rows_by_day):
        for number, columns in enumerate(ranges, start=1):
            lines = [
                GridLine(
                    row.starts_at,
                    row.ends_at,
                    "slot",
                    "",
                    tuple(
                        (cell.company, cell.buyer) if cell is not None else None
                        for cell in (row.cells[i] for i in columns)
                    ),
                    tuple(w.title for w in row.workshops),
                )
                for row in rows_by_day[day]
            ]
            lines += [
                GridLine(p.starts_at, p.ends_at, "pause", p.label, (), ()) for p in pauses[day]
            ]
            lines.sort(key=lambda line: (line.starts_at, line.kind == "pause"))
            pages.append(
                GridPage(
                    day=day,
                    columns=tuple(grid.columns[i].name for i in columns),
                    lines=tuple(lines),
                    number=number,
                    of=len(ranges),
                    show_workshops=show_workshops,
                )
            )
    return tuple(pages)


# --------------------------------------------------------------------------- participants' own


def published_version(event_id: int) -> ScheduleVersion | None:
    """The only version participants may print: the published one."""
    return schedules.published_version(event_id)
