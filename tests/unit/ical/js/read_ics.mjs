// Test helper: Mozilla ical.js (Thunderbird's parser) reads .ics files written by app/ical.
// Request (JSON on stdin):  {"files": [ics text…], "wall_times": {"ics", "tzid", "times": [[y,mo,d,h,mi,s]…]}}
// Answer  (JSON on stdout): {"files": [{method, events: [{uid, start, end, …}]}], "unix": […]}
// Times are resolved with the VTIMEZONE found in the file itself (ical.js has no zone database).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const request = JSON.parse(readFileSync(0, "utf8"));

function address(prop) {
  return prop ? { value: prop.getFirstValue(), params: prop.toJSON()[1] } : null;
}

function readFile(text) {
  const vcalendar = new ICAL.Component(ICAL.parse(text));
  const events = vcalendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const zone = event.startDate.zone;
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      summary: event.summary,
      description: event.description,
      location: event.location,
      url: vevent.getFirstPropertyValue("url"),
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      start_tzid: zone ? zone.tzid : null,
      end_tzid: event.endDate.zone ? event.endDate.zone.tzid : null,
      // a zone hydrated from the file's VTIMEZONE keeps its component
      zone_from_file: Boolean(zone && zone.component),
      organizer: address(vevent.getFirstProperty("organizer")),
      attendees: vevent.getAllProperties("attendee").map(address),
      alarms: vevent.getAllSubcomponents("valarm").map((a) => String(a.getFirstPropertyValue("trigger"))),
    };
  });
  return {
    method: vcalendar.getFirstPropertyValue("method"),
    calname: vcalendar.getFirstPropertyValue("x-wr-calname"),
    refresh: vcalendar.getFirstProperty("refresh-interval")
      ? String(vcalendar.getFirstPropertyValue("refresh-interval"))
      : null,
    events,
  };
}

const answer = { files: (request.files || []).map(readFile), unix: [] };
if (request.wall_times) {
  const vcalendar = new ICAL.Component(ICAL.parse(request.wall_times.ics));
  const zone = vcalendar.getTimeZoneByID(request.wall_times.tzid);
  if (!zone) throw new Error(`no VTIMEZONE ${request.wall_times.tzid} in the file`);
  answer.unix = request.wall_times.times.map(([year, month, day, hour, minute, second]) =>
    new ICAL.Time({ year, month, day, hour, minute, second, isDate: false }, zone).toUnixTime());
}
process.stdout.write(JSON.stringify(answer));
