"""Workshop seats mailed through the outbox: one REQUEST per seat and account, CANCEL when taken."""

from __future__ import annotations

import icalendar

from app import ical as ical_check
from app.extensions import db
from app.models import OutboxKind, OutboxMethod
from app.scheduling.types import Objective, Result, Status, Unscheduled, WorkshopPlacement
from app.services import calendars
from app.services.agenda import schedules
from app.services.agenda.instance import build_instance
from tests.invitation_helpers import rows, vevent

BUYER = "acheteur@example.org"  # the demo buyer direction, member of the workshop (p1)
COMPANY = "entreprise@example.org"  # Lumisol (p5), a candidate


def _publish(demo, seated: list[str]):
    instance = build_instance(demo.id)
    workshop = instance.workshops[0]
    result = Result(
        instance=instance.name,
        status=Status.FEASIBLE,
        unscheduled=tuple(Unscheduled(m.id, "") for m in instance.meetings),
        workshops=(WorkshopPlacement(workshop.id, tuple(seated)),),
        objective=Objective(0, 0, 0),
    )
    previous = schedules.published_version(demo.id)
    version = schedules.store_result(
        demo.id, instance, result, actor_id=None, based_on_id=previous.id if previous else None
    )
    schedules.publish(version.id, actor_id=None)
    db.session.commit()
    return version


def _uid(demo) -> str:
    return calendars.workshop_uid(demo.id, demo.workshops[0].id)


def test_each_seated_account_gets_one_workshop_invitation(demo):
    _publish(demo, ["p1", "p5"])
    queued = rows(meeting_uid=_uid(demo))
    assert [(r.recipient, r.method, r.kind, r.sequence) for r in queued] == [
        (BUYER, OutboxMethod.REQUEST, OutboxKind.NEW, 0),
        (COMPANY, OutboxMethod.REQUEST, OutboxKind.NEW, 0),
    ]
    event = vevent(icalendar.Calendar.from_ical(queued[1].ics))
    assert str(event["ATTENDEE"]) == f"mailto:{COMPANY}"
    assert str(event["SUMMARY"]) == "Atelier\u00a0: Marquage au sol LED"
    assert queued[1].subject.startswith("Inscription à l'atelier « Marquage au sol LED » — ")
    assert queued[1].body.startswith(
        "Bonjour,\n\nVous participez à l'atelier « Marquage au sol LED » de "
        "« Rendez-vous de la commande publique 2027 ».\n\nQuand : mardi 16 mars 2027, "
    )


def test_seat_taken_away_is_cancelled_and_given_back_is_invited_again(demo):
    _publish(demo, ["p1", "p5"])
    _publish(demo, ["p1"])
    _publish(demo, ["p1"])  # unchanged: nothing
    _publish(demo, ["p1", "p5"])
    line = [(r.method, r.kind, r.sequence) for r in rows(meeting_uid=_uid(demo), recipient=COMPANY)]
    assert line == [
        (OutboxMethod.REQUEST, OutboxKind.NEW, 0),
        (OutboxMethod.CANCEL, OutboxKind.CANCELLED, 1),
        (OutboxMethod.REQUEST, OutboxKind.NEW, 2),
    ]
    cancel = rows(meeting_uid=_uid(demo), recipient=COMPANY, method=OutboxMethod.CANCEL)[0]
    event = vevent(icalendar.Calendar.from_ical(cancel.ics))
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    assert ical_check.itip_violations(cancel.ics.encode()) == ()
    # The buyer kept its seat throughout: one invitation only.
    assert len(rows(meeting_uid=_uid(demo), recipient=BUYER)) == 1
