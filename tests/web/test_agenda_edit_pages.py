"""Manual edits through the test client on the demo event (versions made by first_fit)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.i18n import format_time_local
from app.models import (
    AuditEntry,
    Booking,
    JobKind,
    Meeting,
    MeetingStatus,
    ScheduleVersion,
    Unavailability,
    User,
)
from app.scheduling.types import Objective
from app.scheduling.validate import Report
from app.services import agenda
from app.services.agenda import agenda_edits, jobs
from tests.conftest import csrf_token, login, submit, text
from tests.factories import make_buyer, make_company, make_event, make_request
from tests.solvers import first_fit

ORGANISER = "organisateur@example.org"


def _version(event_id: int) -> ScheduleVersion:
    job = jobs.enqueue(event_id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    return jobs.run_job(job.id, solver=first_fit).version


def _scheduled(version):
    return sorted(
        (m for m in version.meetings if m.status is MeetingStatus.SCHEDULED),
        key=lambda m: m.id,
    )


def _busy(version):
    return {
        (b.participant_id, b.slot_id): b.meeting_id
        for b in db.session.execute(
            db.select(Booking).where(Booking.version_id == version.id)
        ).scalars()
    }


def _unavailable(participant_ids):
    return {
        (u.participant_id, u.slot_id)
        for u in db.session.execute(
            db.select(Unavailability).where(Unavailability.participant_id.in_(participant_ids))
        ).scalars()
    }


def _spot(version, *, free_table: bool):
    """A meeting and another slot at its own table where both its participants are free and
    the table is free (`free_table`) or held by another meeting (table taken)."""
    busy = _busy(version)
    held = {(m.slot_id, m.location_id) for m in _scheduled(version)}
    for meeting in _scheduled(version):
        people = [link.participant_id for link in meeting.participant_links]
        off = _unavailable(people)
        for slot in version.event.slots:
            if slot.id == meeting.slot_id:
                continue
            if any((p, slot.id) in busy or (p, slot.id) in off for p in people):
                continue
            if ((slot.id, meeting.location_id) in held) is free_table:
                continue
            return meeting, slot
    raise AssertionError("the demo has no such spot")


def _edit_url(version, meeting):
    return f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}/modifier"


def _post(client, version, meeting, action, data):
    base = f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}"
    return submit(client, f"{base}/{action}", data, page=_edit_url(version, meeting))


def test_edit_page_has_labelled_selects_with_french_times(client, demo):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    assert meeting.slot_id == demo.slots[0].id  # first_fit fills the first slot first
    login(client, ORGANISER)
    response = client.get(_edit_url(version, meeting))
    page = text(response)
    assert response.status_code == 200
    assert '<label class="form-label" for="slot">Créneau</label>' in page
    assert '<label class="form-label" for="table">Table</label>' in page
    assert '<label class="form-label" for="reason">Raison du retrait</label>' in page
    for control in (
        "slot",
        "table",
        "other",
        "reason",
        "move-submit",
        "swap-submit",
        "remove-submit",
        "csrf_token",
    ):
        assert page.count(f'id="{control}"') <= 1, control  # ids stay unique on the page
    first = demo.slots[0]
    assert f'<option selected value="{first.id}">14\u00a0h\u00a000</option>' in page


def test_version_page_links_each_meeting_to_its_edit_page(client, demo):
    version = _version(demo.id)
    login(client, ORGANISER)
    page = text(client.get(f"/organisation/versions/{version.id}"))
    for meeting in _scheduled(version):
        assert f'href="{_edit_url(version, meeting)}"' in page


def test_move_through_the_page_is_saved_and_flashed(client, demo):
    version = _version(demo.id)
    meeting, slot = _spot(version, free_table=True)
    login(client, ORGANISER)
    response = _post(
        client, version, meeting, "deplacer", {"slot": slot.id, "table": meeting.location_id}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organisation/versions/{version.id}#grid-title")
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert moved.slot_id == slot.id
    page = text(client.get(f"/organisation/versions/{version.id}"))
    assert "Rendez-vous déplacé." in page
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "meeting.move")
    ).scalar_one()
    assert entry.details["after"]["slot_id"] == slot.id
    organiser = db.session.execute(db.select(User).where(User.email == ORGANISER)).scalar_one()
    assert entry.actor_id == organiser.id


def test_move_onto_a_taken_table_is_refused_in_french(client, demo):
    version = _version(demo.id)
    meeting, slot = _spot(version, free_table=False)
    table = meeting.location.name
    before = meeting.slot_id
    login(client, ORGANISER)
    response = _post(
        client, version, meeting, "deplacer", {"slot": slot.id, "table": meeting.location_id}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_edit_url(version, meeting))
    page = text(client.get(_edit_url(version, meeting)))
    when = format_time_local(slot.starts_at, demo.timezone)
    assert f"Modification refusée : La table {table} est déjà occupée à {when}." in page
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).slot_id == before


def test_move_of_a_locked_meeting_is_refused(client, demo):
    version = _version(demo.id)
    meeting, slot = _spot(version, free_table=True)
    agenda.set_locked(version.id, meeting.id, True, actor_id=None)
    db.session.commit()
    login(client, ORGANISER)
    page = text(client.get(_edit_url(version, meeting)))
    assert "Ce rendez-vous est verrouillé : déverrouillez-le avant de le modifier." in page
    assert 'name="slot"' not in page
    token = csrf_token(page)
    url = f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}/deplacer"
    response = client.post(
        url,
        data={"csrf_token": token, "slot": slot.id, "table": meeting.location_id},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Ce rendez-vous est verrouillé : déverrouillez-le avant de le modifier." in text(
        response
    )


def test_edit_of_a_published_version_is_refused(client, demo):
    version = _version(demo.id)
    meeting, _slot = _spot(version, free_table=True)
    agenda.publish(version.id, actor_id=None)
    db.session.commit()
    login(client, ORGANISER)
    page = text(client.get(_edit_url(version, meeting)))
    assert "Cette version n'est pas un brouillon : elle ne se modifie plus." in page
    token = csrf_token(page)
    base = f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}"
    response = client.post(
        f"{base}/retirer", data={"csrf_token": token, "reason": "test"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Cette version n'est pas un brouillon" in text(response)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED


def test_bad_slot_is_rerendered_in_french(client, demo):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    login(client, ORGANISER)
    response = _post(client, version, meeting, "deplacer", {"slot": "abc", "table": "99999"})
    page = text(response)
    assert response.status_code == 200
    assert page.count("Choisissez une valeur dans la liste.") == 4  # summary + field, twice
    assert 'aria-invalid="true"' in page


def test_remove_without_reason_is_rerendered_in_french(client, demo):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    login(client, ORGANISER)
    response = _post(client, version, meeting, "retirer", {"reason": "   "})
    assert response.status_code == 200
    assert "Indiquez la raison du retrait." in text(response)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status is MeetingStatus.SCHEDULED


def test_remove_then_place_back_through_the_pages(client, demo):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    place = (meeting.slot_id, meeting.location_id)
    login(client, ORGANISER)
    response = _post(client, version, meeting, "retirer", {"reason": "Entreprise absente"})
    assert response.status_code == 302
    page = text(client.get(f"/organisation/versions/{version.id}"))
    assert "Rendez-vous retiré du planning." in page
    assert "Entreprise absente" in page
    assert f'href="{_edit_url(version, meeting)}">Placer' in page
    response = _post(client, version, meeting, "deplacer", {"slot": place[0], "table": place[1]})
    assert response.status_code == 302
    assert "Rendez-vous placé." in text(client.get(f"/organisation/versions/{version.id}"))
    db.session.expire_all()
    back = db.session.get(Meeting, meeting.id)
    assert (back.status, back.slot_id, back.location_id) == (MeetingStatus.SCHEDULED, *place)


def test_swap_through_the_page(client, demo):
    version = _version(demo.id)
    meetings = _scheduled(version)
    busy = _busy(version)

    def free_at(meeting, slot_id, other):
        people = [link.participant_id for link in meeting.participant_links]
        off = _unavailable(people)
        return all(
            busy.get((p, slot_id), other.id) == other.id and (p, slot_id) not in off for p in people
        )

    # Two meetings at one table (pinned tables stay right) whose people are free in the
    # other's slot: the swap breaks no hard rule.
    first, second = next(
        (a, b)
        for a in meetings
        for b in meetings
        if a.id < b.id
        and a.location_id == b.location_id
        and a.slot_id != b.slot_id
        and free_at(a, b.slot_id, b)
        and free_at(b, a.slot_id, a)
    )
    slots = (first.slot_id, second.slot_id)
    login(client, ORGANISER)
    response = _post(client, version, first, "echanger", {"other": second.id})
    assert response.status_code == 302
    db.session.expire_all()
    after = (db.session.get(Meeting, first.id).slot_id, db.session.get(Meeting, second.id).slot_id)
    assert after == slots[::-1]
    flashed = text(client.get(f"/organisation/versions/{version.id}"))
    assert "Les deux rendez-vous ont échangé leurs places." in flashed


def test_database_refusal_is_a_french_error_not_a_500(client, demo, monkeypatch):
    version = _version(demo.id)
    meeting, slot = _spot(version, free_table=False)
    monkeypatch.setattr(
        agenda_edits, "validate", lambda instance, result: Report((), Objective(0, 0, 0))
    )
    login(client, ORGANISER)
    response = _post(
        client, version, meeting, "deplacer", {"slot": slot.id, "table": meeting.location_id}
    )
    assert response.status_code == 302
    page = text(client.get(_edit_url(version, meeting)))
    assert "La base de données a refusé la modification" in page


def test_edit_without_csrf_token_is_a_400(client, demo):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}/retirer"
    response = client.post(url, data={"reason": "x"})
    assert response.status_code == 400
    assert "Le formulaire a expiré ou n'est pas valide." in text(response)


@pytest.mark.parametrize("email", ["entreprise@example.org", "acheteur@example.org"])
def test_edit_urls_are_forbidden_to_companies_and_buyers(client, demo, email):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    base = f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}"
    login(client, email)
    token = csrf_token(text(client.get("/tableau-de-bord")))
    assert client.get(f"{base}/modifier").status_code == 403
    for action in ("deplacer", "echanger", "retirer"):
        response = client.post(
            f"{base}/{action}", data={"csrf_token": token, "slot": "1", "reason": "x"}
        )
        assert response.status_code == 403, action


def test_meeting_of_another_version_is_a_404(client, demo):
    version = _version(demo.id)
    meeting = _scheduled(version)[0]
    other = _version(demo.id)
    login(client, ORGANISER)
    assert client.get(_edit_url(other, meeting)).status_code == 404


def test_soft_rule_is_accepted_with_a_warning_flash(client, demo):
    """A small event beside the demo: moving Bêta's meeting leaves Voirie a break."""
    event = make_event(slots=3, tables=2)
    voirie = make_buyer(event, "Voirie")
    alpha, beta = make_company(event, "Alpha"), make_company(event, "Bêta")
    make_request(alpha, voirie)
    make_request(beta, voirie)
    db.session.commit()
    version = _version(event.id)
    first, second = _scheduled(version)
    assert (first.slot_id, second.slot_id) == (event.slots[0].id, event.slots[1].id)
    last = event.slots[2]
    login(client, ORGANISER)
    response = _post(
        client, version, second, "deplacer", {"slot": last.id, "table": second.location_id}
    )
    assert response.status_code == 302
    page = text(client.get(f"/organisation/versions/{version.id}"))
    assert "Rendez-vous déplacé." in page
    assert (
        "Modification enregistrée, mais le nombre total de temps morts entre rendez-vous "
        "passe de 0 à 1." in page
    )
    assert "alert-warning" in page
