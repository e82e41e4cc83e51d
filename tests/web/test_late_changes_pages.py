"""Late-change pages through the test client: organiser only, French field errors, nothing
half-written on error, the re-optimisation offer, the change summary and follow-ups."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import (
    ApplicationStatus,
    AuditEntry,
    JobKind,
    JobStatus,
    MeetingRequest,
    MeetingStatus,
    Organisation,
    Participant,
    ParticipantRole,
    SchedulingJob,
    Unavailability,
)
from app.services import agenda, worker
from app.services.agenda import jobs, schedules
from tests.conftest import csrf_token, login, text
from tests.factories import make_buyer, make_company, make_event, make_request, new_siret
from tests.solvers import first_fit

ORGANISER = "organisateur@example.org"


def _page(event_id: int) -> str:
    return f"/organisation/evenements/{event_id}/changements-tardifs"


def _run(event_id: int, kind=JobKind.GENERATE, base_id=None):
    job = jobs.enqueue(event_id, kind, time_limit=5, actor_id=None, base_version_id=base_id)
    db.session.commit()
    return jobs.run_job(job.id, solver=first_fit).version


@pytest.fixture
def live(demo):
    """The demo event with a published agenda (first_fit)."""
    version = _run(demo.id)
    agenda.publish(version.id, actor_id=None)
    db.session.commit()
    return demo, version


def _post(client, event_id: int, action: str, prefix: str, data: dict):
    token = csrf_token(client.get(_page(event_id)).get_data(as_text=True))
    fields = {f"{prefix}-{k}": v for k, v in data.items()}
    return client.post(
        f"{_page(event_id)}/{action}", data={**fields, f"{prefix}-csrf_token": token}
    )


def _company(event_id: int, name: str) -> Participant:
    return next(
        p
        for p in db.session.execute(
            db.select(Participant).where(
                Participant.event_id == event_id, Participant.role == ParticipantRole.COMPANY
            )
        ).scalars()
        if p.organisation.name == name
    )


def _audits() -> int:
    return db.session.query(AuditEntry).filter(AuditEntry.action.like("late.%")).count()


def test_late_changes_page_is_for_organisers_only(client, live):
    event, _version = live
    assert client.get(_page(event.id)).status_code == 302  # to the login page
    login(client, "entreprise@example.org")
    assert client.get(_page(event.id)).status_code == 403


def test_late_changes_page_offers_the_four_actions_and_the_reoptimisation(client, live):
    event, version = live
    login(client, ORGANISER)
    page = text(client.get(_page(event.id)))
    for title in (
        "Une entreprise se retire",
        "Un rendez-vous est annulé",
        "Un participant part plus tôt ou arrive plus tard",
        "Une entreprise arrive tard",
        "Réoptimiser la version publiée",
    ):
        assert title in page
    assert f"Version publiée : {version.number}." in page
    assert 'for="retrait-participant"' in page and 'for="absence-at"' in page
    assert "Aucun changement de dernière minute pour l'instant." in page


def test_withdraw_through_the_page_deactivates_requests_and_offers_reoptimisation(client, live):
    event, _version = live
    login(client, ORGANISER)
    lumisol = _company(event.id, "Lumisol Marquage")
    response = _post(
        client, event.id, "retrait", "retrait", {"participant": lumisol.id, "reason": "Malade"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_page(event.id) + "#reoptimise-title")
    assert lumisol.application.status is ApplicationStatus.WITHDRAWN
    active = db.session.query(MeetingRequest).filter_by(company_id=lumisol.id, is_active=True)
    assert active.count() == 0
    page = text(client.get(_page(event.id)))
    assert "Retrait enregistré." in page
    assert "réoptimisez la version publiée" in page
    assert "Changements enregistrés depuis sa publication : 1." in page
    assert "retrait d'une entreprise" in page and "Malade" in page


def test_withdraw_without_reason_rerenders_with_a_french_error_and_writes_nothing(client, live):
    event, _version = live
    login(client, ORGANISER)
    lumisol = _company(event.id, "Lumisol Marquage")
    response = _post(client, event.id, "retrait", "retrait", {"participant": lumisol.id})
    page = text(response)
    assert response.status_code == 200
    assert page.count("Indiquez la raison.") == 2  # summary and field
    assert 'aria-invalid="true"' in page
    assert lumisol.application.status is ApplicationStatus.SELECTED
    assert _audits() == 0


def test_cancel_with_an_unknown_meeting_rerenders_with_a_french_error(client, live):
    event, _version = live
    login(client, ORGANISER)
    response = _post(
        client, event.id, "annulation", "annulation", {"request": "999999", "reason": "x"}
    )
    assert response.status_code == 200
    assert "Choisissez une valeur dans la liste." in text(response)
    assert _audits() == 0


def test_cancel_through_the_page_deactivates_one_request(client, live):
    event, version = live
    login(client, ORGANISER)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    response = _post(
        client,
        event.id,
        "annulation",
        "annulation",
        {"request": meeting.request_id, "reason": "Empêchement"},
    )
    assert response.status_code == 302
    assert db.session.get(MeetingRequest, meeting.request_id).is_active is False
    assert _audits() == 1


def test_cancel_a_cancelled_meeting_is_refused_without_writing(client, live):
    event, version = live
    login(client, ORGANISER)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    data = {"request": meeting.request_id, "reason": "Empêchement"}
    _post(client, event.id, "annulation", "annulation", data)
    response = _post(client, event.id, "annulation", "annulation", data)
    assert response.status_code == 200
    # no longer in the list of active requests: the form says so on the field
    assert "Choisissez une valeur dans la liste." in text(response)
    assert _audits() == 1


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("25:00", "Indiquez une heure, par exemple 15 h 30."),
        ("quinze", "Indiquez une heure, par exemple 15 h 30."),
        ("18:00", "Aucun créneau de ce jour n'est concerné à cette heure."),
    ],
)
def test_absence_bad_time_rerenders_with_a_french_error(client, live, at, message):
    event, _version = live
    login(client, ORGANISER)
    buyer = next(p for p in event.participants if p.role is ParticipantRole.BUYER)
    response = _post(
        client,
        event.id,
        "absence",
        "absence",
        {"participant": buyer.id, "kind": "leave", "day": event.days[0].date.isoformat(), "at": at},
    )
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert 'id="absence-at-erreurs"' in page
    assert db.session.query(Unavailability).filter_by(participant_id=buyer.id).count() == 0
    assert _audits() == 0


def test_absence_through_the_page_adds_unavailability(client, live):
    event, _version = live
    login(client, ORGANISER)
    buyer = next(p for p in event.participants if p.role is ParticipantRole.BUYER)
    before = db.session.query(Unavailability).filter_by(participant_id=buyer.id).count()
    response = _post(
        client,
        event.id,
        "absence",
        "absence",
        {
            "participant": buyer.id,
            "kind": "leave",
            "day": event.days[0].date.isoformat(),
            "at": "16h20",
            "reason": "Conseil municipal",
        },
    )
    assert response.status_code == 302
    after = db.session.query(Unavailability).filter_by(participant_id=buyer.id).count()
    assert after - before == 2  # 16:20–16:40 and 16:40–17:00
    assert "Indisponibilité enregistrée sur 2 créneau(x)." in text(client.get(_page(event.id)))


def test_late_company_new_one_through_the_page(client, live):
    event, _version = live
    login(client, ORGANISER)
    buyers = [p for p in event.participants if p.role is ParticipantRole.BUYER][:2]
    siret = new_siret()
    response = client.post(
        f"{_page(event.id)}/entreprise",
        data={
            "entreprise-csrf_token": csrf_token(client.get(_page(event.id)).get_data(as_text=True)),
            "entreprise-organisation": "0",
            "entreprise-name": "Zêta Bois",
            "entreprise-siret": siret,
            "entreprise-buyers": [str(b.id) for b in buyers],
            "entreprise-priority": "must",
        },
    )
    assert response.status_code == 302
    org = db.session.query(Organisation).filter_by(siret=siret).one()
    participant = db.session.query(Participant).filter_by(organisation_id=org.id).one()
    requests = db.session.query(MeetingRequest).filter_by(company_id=participant.id).all()
    assert sorted(r.buyer_id for r in requests) == sorted(b.id for b in buyers)
    assert "Entreprise ajoutée avec 2 demande(s) de rendez-vous." in text(
        client.get(_page(event.id))
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"organisation": "0", "siret": "", "name": ""}, "name", "Indiquez le nom."),
        ({"organisation": "0", "name": "Zêta", "siret": ""}, "siret", "Indiquez le SIRET."),
        (
            {"organisation": "0", "name": "Zêta", "siret": "12345678901234"},
            "siret",
            "Ce numéro SIRET n'est pas valide (14 chiffres, clé de contrôle).",
        ),
        (
            {"organisation": "0", "name": "Zêta", "siret": "NEW", "no_buyer": True},
            "buyers",
            "Choisissez au moins un acheteur.",
        ),
    ],
)
def test_late_company_invalid_input_rerenders_with_french_errors(
    client, live, data, field, message
):
    event, _version = live
    login(client, ORGANISER)
    buyer = next(p for p in event.participants if p.role is ParticipantRole.BUYER)
    organisations = db.session.query(Organisation).count()
    requests = db.session.query(MeetingRequest).count()
    form = {f"entreprise-{k}": v for k, v in data.items() if k != "no_buyer"}
    if form.get("entreprise-siret") == "NEW":
        form["entreprise-siret"] = new_siret()
    if not data.get("no_buyer"):
        form["entreprise-buyers"] = [str(buyer.id)]
    form["entreprise-priority"] = "want"
    form["entreprise-csrf_token"] = csrf_token(client.get(_page(event.id)).get_data(as_text=True))
    response = client.post(f"{_page(event.id)}/entreprise", data=form)
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="entreprise-{field}-erreurs"' in page
    assert db.session.query(Organisation).count() == organisations
    assert db.session.query(MeetingRequest).count() == requests
    assert _audits() == 0


def test_reoptimise_from_the_late_page_queues_a_job_on_the_published_version(
    client, live, monkeypatch
):
    monkeypatch.setattr(worker, "ensure_background_worker", lambda app: None)
    event, version = live
    login(client, ORGANISER)
    token = csrf_token(client.get(_page(event.id)).get_data(as_text=True))
    response = client.post(
        f"{_page(event.id)}/reoptimiser", data={"csrf_token": token, "time_limit": "5"}
    )
    assert response.status_code == 302
    job = db.session.query(SchedulingJob).order_by(SchedulingJob.id.desc()).first()
    assert (job.kind, job.status, job.params) == (
        JobKind.REOPTIMISE,
        JobStatus.QUEUED,
        {"base_version_id": version.id},
    )


def test_reoptimise_from_the_late_page_without_publication_says_why(client, demo):
    login(client, ORGANISER)
    token = csrf_token(client.get(_page(demo.id)).get_data(as_text=True))
    response = client.post(
        f"{_page(demo.id)}/reoptimiser",
        data={"csrf_token": token, "time_limit": "5"},
        follow_redirects=True,
    )
    assert "Aucune version n'est publiée : il n'y a rien à réoptimiser." in text(response)
    assert db.session.query(SchedulingJob).count() == 0


def test_reoptimised_draft_shows_what_changes_before_publishing(client, live):
    event, version = live
    login(client, ORGANISER)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    _post(
        client,
        event.id,
        "annulation",
        "annulation",
        {"request": meeting.request_id, "reason": "Empêchement"},
    )
    draft = _run(event.id, JobKind.REOPTIMISE, version.id)
    diff = schedules.diff(version, draft)
    page = text(client.get(f"/organisation/versions/{draft.id}"))
    assert "Ce qui change avant publication" in page
    assert (
        f"Rendez-vous modifiés par rapport à la version publiée {version.number} : "
        f"{len(diff.changes)}"
    ) in page
    assert "Aucun rendez-vous verrouillé ne change." in page
    detail = text(client.get(f"/organisation/versions/{draft.id}/changements"))
    assert "rendez-vous annulé" in detail
    assert f"Rendez-vous retirés ({diff.count('removed')})" in detail
    assert f"Rendez-vous déplacés ({diff.count('moved')})" in detail
    assert "Par participant" in detail


def test_follow_up_mark_from_the_unscheduled_list_and_export(client, demo):
    login(client, ORGANISER)
    event = make_event(slots=1, tables=1)  # one slot: the second request cannot fit
    buyer = make_buyer(event, "Voirie")
    make_request(make_company(event, "Alpha"), buyer)
    make_request(make_company(event, "Bêta"), buyer)
    db.session.commit()
    version = _run(event.id)
    (meeting,) = [m for m in version.meetings if m.status is MeetingStatus.UNSCHEDULED]
    demo = event
    url = f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}/suivi"
    token = csrf_token(client.get(f"/organisation/versions/{version.id}").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code == 302
    assert meeting.request.follow_up is True
    page = text(client.get(f"/organisation/versions/{version.id}"))
    assert "Demande notée pour un rendez-vous de suivi après l'événement" in page
    assert f'data-testid="follow-up-{meeting.id}"' in page and "Ne plus suivre" in page
    listing = text(client.get(f"/organisation/evenements/{demo.id}/suivis"))
    company = meeting.request.company.name
    assert company in listing and meeting.request.buyer.name in listing
    csv = client.get(f"/organisation/evenements/{demo.id}/suivis.csv")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = csv.get_data().decode("utf-8-sig").splitlines()
    assert body[0] == "Entreprise;SIRET;Acheteur;Besoin;Priorité;Raison (non placé)"
    assert body[1].startswith(f"{company};")
    xlsx = client.get(f"/organisation/evenements/{demo.id}/suivis.xlsx")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    client.post(f"{url}/retirer", data={"csrf_token": token})
    assert meeting.request.follow_up is False


def test_follow_up_of_a_placed_meeting_is_refused(client, demo):
    login(client, ORGANISER)
    version = _run(demo.id)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    token = csrf_token(client.get(f"/organisation/versions/{version.id}").get_data(as_text=True))
    response = client.post(
        f"/organisation/versions/{version.id}/rendez-vous/{meeting.id}/suivi",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Seule une demande non placée peut être suivie après l'événement." in text(response)
    assert meeting.request.follow_up is False


def test_follow_up_pages_are_for_organisers_only(client, demo):
    login(client, "acheteur@example.org")
    assert client.get(f"/organisation/evenements/{demo.id}/suivis").status_code == 403
    assert client.get(f"/organisation/evenements/{demo.id}/suivis.csv").status_code == 403


@pytest.mark.parametrize(
    ("value", "expected"),
    [("15:30", (15, 30)), ("15h30", (15, 30)), ("15 h 30", (15, 30)), ("930", (9, 30))],
)
def test_parse_time_reads_french_ways_of_writing_a_time(value, expected):
    from app.agenda.late import parse_time

    at = parse_time(value)
    assert (at.hour, at.minute) == expected


def test_published_grid_links_each_meeting_to_its_cancellation(client, live):
    event, version = live
    login(client, ORGANISER)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    grid = text(client.get(f"/organisation/versions/{version.id}"))
    link = f"{_page(event.id)}?annuler={meeting.id}#cancel-title"
    assert f'href="{link}"' in grid
    page = text(client.get(f"{_page(event.id)}?annuler={meeting.id}"))
    assert f'<option selected value="{meeting.request_id}">' in page
