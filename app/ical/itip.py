"""A checker of RFC 5546 (iTIP) rules per METHOD, for the files this core writes.

It is the specification the builders are tested against (together with libical's
``restriction_check`` where installed) and a safety net the web layer can run before it sends
a message. Only VEVENT-based PUBLISH, REQUEST and CANCEL are covered, the three methods the
platform sends (RFC 5546 §3.2.1, §3.2.2, §3.2.5).
"""

from __future__ import annotations

from typing import Final

import icalendar

_MANY: Final = 10**9

# property -> (min, max) occurrences in each VEVENT, per METHOD (RFC 5546 §3.2).
_VEVENT_RULES: Final[dict[str, dict[str, tuple[int, int]]]] = {
    "PUBLISH": {
        "DTSTAMP": (1, 1),
        "DTSTART": (1, 1),
        "ORGANIZER": (1, 1),
        "SUMMARY": (1, 1),
        "UID": (1, 1),
        "SEQUENCE": (0, 1),
        "ATTENDEE": (0, 0),
        "DTEND": (0, 1),
        "DURATION": (0, 1),
        "DESCRIPTION": (0, 1),
        "LOCATION": (0, 1),
        "STATUS": (0, 1),
        "URL": (0, 1),
        "REQUEST-STATUS": (0, 0),
    },
    "REQUEST": {
        "ATTENDEE": (1, _MANY),
        "DTSTAMP": (1, 1),
        "DTSTART": (1, 1),
        "ORGANIZER": (1, 1),
        "SEQUENCE": (0, 1),
        "SUMMARY": (1, 1),
        "UID": (1, 1),
        "DTEND": (0, 1),
        "DURATION": (0, 1),
        "DESCRIPTION": (0, 1),
        "LOCATION": (0, 1),
        "STATUS": (0, 1),
        "URL": (0, 1),
        "REQUEST-STATUS": (0, 0),
    },
    "CANCEL": {
        # "MUST include some or all Attendees if the entire event is cancelled" (§3.2.5)
        "ATTENDEE": (1, _MANY),
        "DTSTAMP": (1, 1),
        "ORGANIZER": (1, 1),
        "SEQUENCE": (1, 1),
        "UID": (1, 1),
        "DTSTART": (0, 1),
        "DTEND": (0, 1),
        "DURATION": (0, 1),
        "SUMMARY": (0, 1),
        "DESCRIPTION": (0, 1),
        "LOCATION": (0, 1),
        "STATUS": (0, 1),
        "URL": (0, 1),
        "REQUEST-STATUS": (0, 0),
    },
}
_STATUS_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "PUBLISH": frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"}),
    "REQUEST": frozenset({"TENTATIVE", "CONFIRMED"}),
    "CANCEL": frozenset({"CANCELLED"}),
}
_DATE_PROPS: Final = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


def _count(component: icalendar.cal.component.Component, name: str) -> int:
    value = component.get(name)
    if value is None:
        return 0
    return len(value) if isinstance(value, list) else 1


def _mailbox(address: object) -> str:
    return str(address).lower().removeprefix("mailto:")


def itip_violations(data: bytes) -> tuple[str, ...]:
    """Every RFC 5546 rule that the calendar file ``data`` breaks, as readable sentences.

    An empty tuple means the file is a valid PUBLISH, REQUEST or CANCEL as far as these rules
    go: VCALENDAR has METHOD, PRODID and VERSION:2.0; each VEVENT has the properties its
    METHOD requires and none it forbids; a REQUEST or CANCEL describes one UID; SEQUENCE is
    present when above zero; a CANCEL has no VALARM and only STATUS:CANCELLED; the organiser
    is not an attendee; and every TZID used has its VTIMEZONE.
    """
    problems: list[str] = []
    cal = icalendar.Calendar.from_ical(data)
    if cal.name != "VCALENDAR":
        return (f"top component is {cal.name}, not VCALENDAR",)
    method = str(cal.get("METHOD", ""))
    for name in ("METHOD", "PRODID", "VERSION"):
        if _count(cal, name) != 1:
            problems.append(f"VCALENDAR needs exactly one {name}")
    if str(cal.get("VERSION", "")) != "2.0":
        problems.append("VERSION must be 2.0")
    rules = _VEVENT_RULES.get(method)
    if rules is None:
        problems.append(f"METHOD {method!r} is not PUBLISH, REQUEST or CANCEL")
        return tuple(problems)
    vevents = [c for c in cal.subcomponents if c.name == "VEVENT"]
    if method != "PUBLISH" and len({str(v.get("UID")) for v in vevents}) != 1:
        problems.append(f"a {method} must describe exactly one UID")
    if not vevents and method != "PUBLISH":
        problems.append(f"a {method} needs a VEVENT")
    zones = {str(c.get("TZID")) for c in cal.subcomponents if c.name == "VTIMEZONE"}
    for vevent in vevents:
        uid = str(vevent.get("UID", "?"))
        for name, (low, high) in rules.items():
            count = _count(vevent, name)
            if not low <= count <= high:
                problems.append(
                    f"{method} VEVENT {uid}: {name} occurs {count} time(s), allowed {low}..."
                    f"{'n' if high == _MANY else high}"
                )
        if _count(vevent, "DTEND") and _count(vevent, "DURATION"):
            problems.append(f"{method} VEVENT {uid}: both DTEND and DURATION")
        sequence = vevent.get("SEQUENCE")
        if sequence is not None and int(sequence) < 0:
            problems.append(f"{method} VEVENT {uid}: negative SEQUENCE")
        status = vevent.get("STATUS")
        if status is not None and str(status).upper() not in _STATUS_ALLOWED[method]:
            problems.append(f"{method} VEVENT {uid}: STATUS {status} not allowed")
        if method == "CANCEL" and any(c.name == "VALARM" for c in vevent.subcomponents):
            problems.append(f"CANCEL VEVENT {uid}: VALARM not allowed")
        organizer = vevent.get("ORGANIZER")
        attendees = vevent.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        if organizer is not None and _mailbox(organizer) in {_mailbox(a) for a in attendees}:
            problems.append(f"{method} VEVENT {uid}: the organiser is also an attendee")
        for name in _DATE_PROPS:
            values = vevent.get(name)
            for value in values if isinstance(values, list) else [values]:
                tzid = getattr(value, "params", {}).get("TZID") if value is not None else None
                if tzid and str(tzid) not in zones:
                    problems.append(f"{method} VEVENT {uid}: TZID {tzid} has no VTIMEZONE")
    return tuple(problems)
