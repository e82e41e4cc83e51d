"""The organiser's agenda pages through the test client (the engine is replaced by first_fit)."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import (
    AuditEntry,
    EventStatus,
    JobKind,
    JobStatus,
    Meeting,
    MeetingStatus,
    Participant,
    ScheduleVersion,
    SchedulingJob,
    VersionStatus,
)
from app.scheduling.types import Result, Status
from app.services.agenda import jobs
from tests.conftest import csrf_token, login, submit, text
from tests.factories import make_buyer, make_event
from tests.solvers import first_fit

ORGANISER = "organisateur@example.org"


def _overview(event_id: int) -> str:
    return f"/organisation/evenements/{event_id}/planning"


def _generate(client, event_id: int, limit: str = "5"):
    return submit(client, _overview(event_id), {"time_limit": limit})


def _run(event_id: int, solver=first_fit) -> SchedulingJob:
    job = (
        db.session.execute(
            db.select(SchedulingJob)
            .where(SchedulingJob.event_id == event_id)
            .order_by(SchedulingJob.id.desc())
        )
        .scalars()
        .first()
    )
    return jobs.run_job(job.id, solver=solver)


def _version(event_id: int) -> ScheduleVersion:
    """A draft made as a test would through the page: enqueue, then run with first_fit."""
    job = jobs.enqueue(event_id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    return jobs.run_job(job.id, solver=first_fit).version


def _post(client, url: str, data: dict | None = None, page: str = "/tableau-de-bord"):
    return submit(client, url, data or {}, page=page)


def test_dashboard_links_each_event_to_its_agenda(client, demo):
    login(client, ORGANISER)
    page = text(client.get("/tableau-de-bord"))
    assert f'href="{_overview(demo.id)}"' in page
    assert "Planning de l'événement" in page


def test_overview_shows_the_form_with_the_default_time_limit(client, demo):
    login(client, ORGANISER)
    response = client.get(_overview(demo.id))
    page = text(response)
    assert response.status_code == 200
    assert "Planning de « Rendez-vous de la commande publique 2027 »" in page
    assert '<label class="form-label" for="time_limit">' in page
    assert 'name="time_limit"' in page and 'value="30"' in page
    assert "Aucune version pour l'instant" in page


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "Indiquez une durée de 1 à 600 secondes."),
        ("601", "Indiquez une durée de 1 à 600 secondes."),
        ("douze", "Indiquez un nombre entier de secondes."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_generate_bad_time_limit_rerenders_with_a_french_error(client, demo, limit, message):
    login(client, ORGANISER)
    response = _generate(client, demo.id, limit)
    page = text(response)
    assert response.status_code == 200
    assert page.count(message) == 2  # the summary at the top and the field's own message
    assert f'value="{limit}"' in page  # the user's input is kept
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="time_limit-aide time_limit-erreurs"' in page
    assert db.session.query(SchedulingJob).count() == 0


def test_generate_enqueues_a_job_then_the_pages_show_the_grid(client, demo):
    login(client, ORGANISER)
    response = _generate(client, demo.id, "7")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_overview(demo.id))
    job = db.session.query(SchedulingJob).one()
    assert (job.kind, job.status, job.time_limit_s) == (JobKind.GENERATE, JobStatus.QUEUED, 7)
    page = text(client.get(_overview(demo.id)))
    assert "Le calcul du planning est lancé." in page
    assert f'data-job-url="/organisation/jobs/{job.id}.json"' in page
    assert 'data-job-active="true"' in page
    assert "En attente d'un calculateur" in page
    assert ">Actualiser</a>" in page
    assert '<script src="/static/js/agenda-progress.js" defer></script>' in page

    done = _run(demo.id)
    assert done.status is JobStatus.SUCCEEDED
    page = text(client.get(_overview(demo.id)))
    assert "Calcul terminé" in page and 'data-job-active="false"' in page
    assert f'href="/organisation/versions/{done.version_id}">Version 1</a>' in page
    assert "<td>17</td>" in page  # meetings scheduled in the versions table

    page = text(client.get(f"/organisation/versions/{done.version_id}"))
    assert page.count("data-meeting=") == 17
    assert "Rendez-vous placés : 17, dont verrouillés : 0." in page
    assert (
        '<caption id="grid-caption">Rendez-vous par créneau (lignes) et par table (colonnes)'
        in page
    )
    assert '<th scope="row">14\u00a0h\u00a000 – 14\u00a0h\u00a020</th>' in page
    assert '<th scope="col">Table 1</th>' in page
    assert "Atelier « Marquage au sol LED » (participants : 0)" in page
    assert "Toutes les demandes sont placées." in page
    fairness = re.search(r'<dl class="row mb-2" data-testid="fairness">(.*?)</dl>', page, re.S)
    figures = re.findall(r'<dd class="col-sm-7">([^<]*)</dd>', fairness.group(1))
    assert figures == ["15", "1", "1", "2"]  # companies, then meetings min / median / max
    assert "Chaque entreprise sélectionnée a au moins un rendez-vous." in page
    index = re.search(r'id="people-title">.*?</details>', page, re.S).group(0)
    assert index.count(f"/organisation/versions/{done.version_id}/participants/") == 19
    details = re.search(r"<details>.*?<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert details.count("<tr>") == 15  # one row per selected company
    assert "Aucune version n'est encore publiée" in page


def test_generate_while_a_job_is_active_is_refused_in_french(client, demo):
    login(client, ORGANISER)
    _generate(client, demo.id)
    response = _generate(client, demo.id)
    page = text(response)
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert page.count("Un calcul est déjà en cours pour cet événement") == 1
    assert db.session.query(SchedulingJob).count() == 1


def test_job_json_reports_status_progress_and_version(client, demo):
    login(client, ORGANISER)
    _generate(client, demo.id)
    job = db.session.query(SchedulingJob).one()
    data = client.get(f"/organisation/jobs/{job.id}.json").get_json()
    assert data["status"] == "queued" and data["active"] is True
    assert data["progress"] == 0.0 and data["version_url"] is None
    _run(demo.id)
    response = client.get(f"/organisation/jobs/{job.id}.json")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["status"] == "succeeded" and data["active"] is False
    assert data["progress"] == 1.0 and data["percent"] == 100
    assert data["version_url"] == f"/organisation/versions/{job.version_id}"
    assert data["message"] == "FEASIBLE: 17 scheduled, 0 unscheduled"
    assert data["live_text"] == "Le calcul est terminé."
    assert client.get("/organisation/jobs/999.json").status_code == 404


def test_failed_job_says_why_in_french_and_the_raw_reason(client, demo):
    def infeasible(instance, **kwargs):
        return Result(instance.name, Status.INFEASIBLE, reason="p1 has 12 required meetings")

    buyer = db.session.get(Participant, 1)

    login(client, ORGANISER)
    _generate(client, demo.id)
    _run(demo.id, solver=infeasible)
    page = text(client.get(_overview(demo.id)))
    assert "Échec du calcul" in page
    assert "Aucun planning ne respecte toutes les règles obligatoires" in page
    assert '<code data-job-field="message">INFEASIBLE: p1 has 12 required meetings</code>' in page
    assert "Rien n'a été modifié." in page
    assert f'<p class="mb-1">INFEASIBLE: {buyer.name} has 12 required meetings</p>' in page
    job = db.session.query(SchedulingJob).one()
    data = client.get(f"/organisation/jobs/{job.id}.json").get_json()
    assert data["explanation"].startswith("Aucun planning ne respecte")
    assert data["reason"] == f"INFEASIBLE: {buyer.name} has 12 required meetings"


def test_publish_changes_the_status_and_a_second_publish_is_refused(client, demo):
    version = _version(demo.id)
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    response = _post(client, f"{url}/publier", page=url)
    assert response.status_code == 302
    assert version.status is VersionStatus.PUBLISHED
    assert demo.status is EventStatus.PUBLISHED
    page = text(client.get(url))
    assert (
        "Version 1 publiée. Par rapport à l'agenda publié précédent, "
        "rendez-vous ajoutés : 17, déplacés : 0, retirés : 0." in page
    )
    assert '<span class="badge text-bg-success" data-testid="version-status">Publiée</span>' in page
    assert "Cette version est en lecture seule" in page
    assert "Publier cette version" not in page
    published_at = version.published_at
    response = _post(client, f"{url}/publier", page=url)
    page = text(client.get(url))
    assert "Cette version n'est pas un brouillon : elle ne se modifie plus." in page
    assert version.published_at == published_at
    assert db.session.query(AuditEntry).filter_by(action="schedule.publish").count() == 1


def test_publish_without_csrf_token_is_refused(client, demo):
    version = _version(demo.id)
    login(client, ORGANISER)
    response = client.post(f"/organisation/versions/{version.id}/publier")
    assert response.status_code == 400
    assert version.status is VersionStatus.DRAFT


def test_lock_and_unlock_one_meeting(client, demo):
    version = _version(demo.id)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    response = _post(
        client,
        f"{url}/rendez-vous/{meeting.id}/verrouiller",
        {"next": f"{url}#grid-title"},
        page=url,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url}#grid-title")
    assert meeting.locked is True
    page = text(client.get(url))
    assert "Rendez-vous verrouillé : il restera en place lors des réoptimisations." in page
    assert "Rendez-vous placés : 17, dont verrouillés : 1." in page
    cell = re.search(rf'<td class="cell-locked" data-meeting="{meeting.id}">(.*?)</td>', page, re.S)
    assert cell is not None
    assert "🔒 </span>verrouillé" in cell.group(1)
    assert f'formaction="{url}/rendez-vous/{meeting.id}/deverrouiller"' in cell.group(1)
    assert 'form="lock-form"' in cell.group(1)
    lock_form = re.search(r'<form id="lock-form" method="post" .*?</form>', page, re.S).group(0)
    assert 'name="csrf_token"' in lock_form and f'value="{url}#grid-title"' in lock_form
    _post(client, f"{url}/rendez-vous/{meeting.id}/deverrouiller", page=url)
    assert meeting.locked is False
    actions = [
        e.action
        for e in db.session.query(AuditEntry).order_by(AuditEntry.id)
        if e.action.startswith("meeting.")
    ]
    assert actions == ["meeting.lock", "meeting.unlock"]


def test_lock_ignores_an_external_next(client, demo):
    version = _version(demo.id)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    response = _post(
        client, f"{url}/rendez-vous/{meeting.id}/verrouiller", {"next": "//evil.example/"}
    )
    assert response.headers["Location"] == url


def test_lock_on_a_published_version_is_refused(client, demo):
    version = _version(demo.id)
    meeting = next(m for m in version.meetings if m.status is MeetingStatus.SCHEDULED)
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    _post(client, f"{url}/publier", page=url)
    _post(client, f"{url}/rendez-vous/{meeting.id}/verrouiller", page=url)
    assert meeting.locked is False
    page = text(client.get(url))
    assert "Cette version n'est pas un brouillon : elle ne se modifie plus." in page
    assert "/verrouiller" not in page


def test_lock_a_meeting_of_another_version_is_refused(client, demo):
    first = _version(demo.id)
    second = _version(demo.id)
    meeting = next(m for m in first.meetings if m.status is MeetingStatus.SCHEDULED)
    login(client, ORGANISER)
    url = f"/organisation/versions/{second.id}"
    _post(client, f"{url}/rendez-vous/{meeting.id}/verrouiller", page=url)
    assert meeting.locked is False
    assert "Ce rendez-vous n'appartient pas à cette version." in text(client.get(url))


def test_draft_shows_changes_against_the_published_version(client, demo):
    first = _version(demo.id)
    login(client, ORGANISER)
    url = f"/organisation/versions/{first.id}"
    _post(client, f"{url}/publier", page=url)
    second = _version(demo.id)
    moved = next(m for m in second.meetings if m.status is MeetingStatus.SCHEDULED)
    moved.location_id = next(
        loc.id
        for loc in demo.locations
        if not any(m.slot_id == moved.slot_id and m.location_id == loc.id for m in second.meetings)
    )
    db.session.commit()
    page = text(client.get(f"/organisation/versions/{second.id}"))
    assert "Par rapport à la version 1, rendez-vous ajoutés : 0, déplacés : 1, retirés : 0." in page
    assert f'<td class="cell-moved" data-meeting="{moved.id}">' in page
    assert '<span class="tag tag-moved">déplacé</span>' in page


def test_reoptimise_enqueues_a_job_on_this_version(client, demo):
    version = _version(demo.id)
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    response = submit(client, f"{url}/reoptimiser", {"time_limit": "9"}, page=url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_overview(demo.id))
    job = db.session.query(SchedulingJob).filter_by(kind=JobKind.REOPTIMISE).one()
    assert job.params == {"base_version_id": version.id} and job.time_limit_s == 9
    done = jobs.run_job(job.id, solver=first_fit)
    assert done.version.based_on_id == version.id
    page = text(client.get(_overview(demo.id)))
    assert "(depuis la version 1)" in page and "Réoptimisation" in page


def test_reoptimise_bad_time_limit_rerenders_the_version(client, demo):
    version = _version(demo.id)
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    response = submit(client, f"{url}/reoptimiser", {"time_limit": "9000"}, page=url)
    page = text(response)
    assert response.status_code == 200
    assert "Indiquez une durée de 1 à 600 secondes." in page
    assert 'value="9000"' in page
    assert page.count("data-meeting=") == 17
    assert db.session.query(SchedulingJob).filter_by(kind=JobKind.REOPTIMISE).count() == 0


def test_participant_view_lists_the_day(client, demo):
    version = _version(demo.id)
    company = next(p for p in demo.participants if p.organisation.name == "Lumisol Marquage")
    login(client, ORGANISER)
    response = client.get(f"/organisation/versions/{version.id}/participants/{company.id}")
    page = text(response)
    assert response.status_code == 200
    assert '<h1 class="h3">Lumisol Marquage</h1>' in page
    held = sum(
        1
        for m in version.meetings
        if m.status is MeetingStatus.SCHEDULED and company in m.participants
    )
    assert held >= 1
    assert page.count("Rendez-vous avec") == held
    assert page.count(">libre</td>") == 9 - held
    assert "<caption>Programme de Lumisol Marquage, heures de Europe/Paris</caption>" in page


def test_participant_of_another_event_is_a_404(client, demo):
    version = _version(demo.id)
    other = make_event()
    stranger = make_buyer(other, "Ailleurs")
    db.session.commit()
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}/participants/{stranger.id}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("email", ["entreprise@example.org", "acheteur@example.org"])
def test_agenda_urls_are_forbidden_to_companies_and_buyers(client, demo, email):
    version = _version(demo.id)
    job = db.session.query(SchedulingJob).one()
    meeting = db.session.query(Meeting).filter_by(status=MeetingStatus.SCHEDULED).first()
    participant = meeting.participants[0]
    base = f"/organisation/versions/{version.id}"
    gets = [
        _overview(demo.id),
        f"/organisation/jobs/{job.id}.json",
        base,
        f"{base}/participants/{participant.id}",
    ]
    posts = [
        _overview(demo.id),
        f"{base}/publier",
        f"{base}/rendez-vous/{meeting.id}/verrouiller",
        f"{base}/rendez-vous/{meeting.id}/deverrouiller",
        f"{base}/reoptimiser",
    ]
    login(client, email)
    token = csrf_token(text(client.get("/tableau-de-bord")))
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        response = client.post(url, data={"csrf_token": token, "time_limit": "5"})
        assert response.status_code == 403, url
    assert version.status is VersionStatus.DRAFT
    assert db.session.query(SchedulingJob).count() == 1


def test_agenda_urls_send_anonymous_visitors_to_login(client, demo):
    response = client.get(_overview(demo.id))
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


def test_agenda_pages_never_fail_for_an_organiser(client, demo):
    """Every agenda page, in every version state, in French and English: no server error."""
    published = _version(demo.id)
    login(client, ORGANISER)
    _post(client, f"/organisation/versions/{published.id}/publier")
    draft = _version(demo.id)
    meeting = next(m for m in draft.meetings if m.status is MeetingStatus.SCHEDULED)
    meeting.locked = True
    db.session.commit()
    _post(client, f"/organisation/versions/{draft.id}/publier")  # the first is now superseded
    newest = _version(demo.id)
    urls = [_overview(demo.id)]
    urls += [f"/organisation/jobs/{job.id}.json" for job in db.session.query(SchedulingJob)]
    for version in (published, draft, newest):
        urls.append(f"/organisation/versions/{version.id}")
        urls += [
            f"/organisation/versions/{version.id}/participants/{p.id}" for p in demo.participants
        ]
    for lang in ("fr", "en"):
        client.get(f"/langue/{lang}")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (lang, url)
    assert published.status is VersionStatus.SUPERSEDED
    assert client.get("/organisation/versions/999999").status_code == 404
    assert client.get("/organisation/evenements/999999/planning").status_code == 404


def test_reoptimise_while_a_job_is_active_is_refused_in_french(client, demo):
    version = _version(demo.id)
    jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    login(client, ORGANISER)
    url = f"/organisation/versions/{version.id}"
    response = submit(client, f"{url}/reoptimiser", {"time_limit": "9"}, page=url)
    page = text(response)
    assert response.status_code == 200
    assert page.count("Un calcul est déjà en cours pour cet événement") == 1
    assert 'data-job-active="true"' in page  # the running job's progress shows here too
    assert db.session.query(SchedulingJob).filter_by(kind=JobKind.REOPTIMISE).count() == 0
