"""Test helper run by Debian's /usr/bin/python3: libical (ICalGLib) reads files of app/ical.

Debian's python3-gi and gir1.2-ical-3.0 serve the system interpreter, not the project's venv,
so the tests run this script as a subprocess. Same request/answer JSON as js/read_ics.mjs,
plus libical's RFC 5546 restriction check (``restriction_errors``) for each file. Times are
resolved with the VTIMEZONE of the file itself (``zone_from_file``: the zone libical found
has no location, which only zones of its built-in database carry).
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

Kind = ICalGLib.ComponentKind
Prop = ICalGLib.PropertyKind


def _properties(component, kind):
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


def _components(component, kind):
    sub = component.get_first_component(kind)
    while sub is not None:
        yield sub
        sub = component.get_next_component(kind)


def _errors(component):
    found = [p.get_xlicerror() for p in _properties(component, Prop.XLICERROR_PROPERTY)]
    for sub in _components(component, Kind.ANY_COMPONENT):
        found.extend(_errors(sub))
    return found


def _address(prop):
    params = {}
    param = prop.get_first_parameter(ICalGLib.ParameterKind.ANY_PARAMETER)
    while param is not None:
        name, _, value = param.as_ical_string().partition("=")
        params[name.lower()] = value.strip('"')
        param = prop.get_next_parameter(ICalGLib.ParameterKind.ANY_PARAMETER)
    return {"value": prop.get_value_as_string(), "params": params}


def _unix(time):
    zone = time.get_timezone()
    return time.as_timet_with_zone(zone) if zone is not None else time.as_timet()


def read_file(text):
    vcalendar = ICalGLib.Component.new_from_string(text)
    parse_errors = _errors(vcalendar)
    restriction_ok = bool(ICalGLib.restriction_check(vcalendar))
    restriction_errors = [e for e in _errors(vcalendar) if e not in parse_errors]
    events = []
    for vevent in _components(vcalendar, Kind.VEVENT_COMPONENT):
        start, end = vevent.get_dtstart(), vevent.get_dtend()
        zone = start.get_timezone()
        organizer = vevent.get_first_property(Prop.ORGANIZER_PROPERTY)
        status = vevent.get_first_property(Prop.STATUS_PROPERTY)
        events.append(
            {
                "uid": vevent.get_uid(),
                "sequence": vevent.get_sequence(),
                "status": status.get_value_as_string() if status else None,
                "summary": vevent.get_summary(),
                "description": vevent.get_description(),
                "location": vevent.get_location(),
                "start": _unix(start),
                "end": _unix(end),
                "start_tzid": start.get_tzid(),
                "end_tzid": end.get_tzid(),
                "zone_from_file": zone is not None and zone.get_location() is None,
                "organizer": _address(organizer) if organizer else None,
                "attendees": [_address(p) for p in _properties(vevent, Prop.ATTENDEE_PROPERTY)],
            }
        )
    method = vcalendar.get_first_property(Prop.METHOD_PROPERTY)
    return {
        "method": method.get_value_as_string() if method else None,
        "parse_errors": parse_errors,
        "restriction_ok": restriction_ok,
        "restriction_errors": restriction_errors,
        "events": events,
    }


def wall_times(request):
    vcalendar = ICalGLib.Component.new_from_string(request["ics"])
    for vtimezone in _components(vcalendar, Kind.VTIMEZONE_COMPONENT):
        tzid = vtimezone.get_first_property(Prop.TZID_PROPERTY).get_tzid()
        if tzid == request["tzid"]:
            zone = ICalGLib.Timezone.new()
            zone.set_component(vtimezone.clone())
            break
    else:
        raise SystemExit(f"no VTIMEZONE {request['tzid']} in the file")
    answer = []
    for year, month, day, hour, minute, second in request["times"]:
        time = ICalGLib.Time.new_from_string(
            f"{year:04d}{month:02d}{day:02d}T{hour:02d}{minute:02d}{second:02d}"
        )
        time.set_timezone(zone)
        answer.append(time.as_timet_with_zone(zone))
    return answer


def main():
    request = json.load(sys.stdin)
    answer = {"files": [read_file(text) for text in request.get("files", [])], "unix": []}
    if request.get("wall_times"):
        answer["unix"] = wall_times(request["wall_times"])
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
