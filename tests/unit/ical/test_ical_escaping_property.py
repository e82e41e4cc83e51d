"""Property: any user text survives a round trip through the builders and the parser."""

from __future__ import annotations

import re

import icalendar
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.ical import Attendee, Party, build_request
from tests.unit.ical.factories import NOW, meeting

_FORBIDDEN_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _expected_text(value: str) -> str:
    """What RFC 5545 TEXT can hold of ``value``: one kind of line break, no other control."""
    return _FORBIDDEN_IN_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


@settings(max_examples=150, deadline=None)
@given(company=st.text(min_size=1, max_size=120), person=st.text(max_size=60))
@example(company="\\N", person="")  # a literal backslash-N once came back as a line break
def test_escaping_any_company_and_attendee_name_round_trip(company, person):
    m = meeting(
        company=Party(company),
        attendees=(Attendee(person, "jean@dupont.example"),),
    )
    data = build_request(m, now=NOW)
    cal = icalendar.Calendar.from_ical(data)
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == (
        "Rendez-vous\u00a0: Ville de Lyon ↔ " + _expected_text(company)
    )
    attendee = event["ATTENDEE"]  # exactly one: no text can add a property
    assert str(attendee) == "mailto:jean@dupont.example"
    assert attendee.params.get("CN", "") == " ".join(
        re.sub(r"[\x00-\x1f\x7f]+", " ", person).replace('"', "'").replace("\\", "/").split()
    )
