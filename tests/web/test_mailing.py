"""The organiser's mailing page: progress of the invitations, failed e-mails, retry."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import JobKind, OutboxMessage, OutboxStatus
from app.services import agenda
from app.services.agenda import jobs
from tests.conftest import csrf_token, login, submit, text
from tests.solvers import first_fit

ORGANISER = "organisateur@example.org"


def _url(event_id: int) -> str:
    return f"/organisation/evenements/{event_id}/envois"


def _publish_demo(demo) -> int:
    """Publish a first_fit agenda of the demo: its two participant accounts get invitations."""
    job = jobs.enqueue(demo.id, JobKind.GENERATE, time_limit=5, actor_id=None)
    db.session.commit()
    version = jobs.run_job(job.id, solver=first_fit).version
    agenda.publish(version.id, actor_id=None)
    db.session.commit()
    return version.id


def _outbox() -> list[OutboxMessage]:
    return list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_mailing_page_shows_counts_and_failed_mails_with_their_error(client, demo):
    _publish_demo(demo)
    queued = _outbox()
    assert len(queued) == 5
    queued[0].status = OutboxStatus.SENT
    queued[1].status = OutboxStatus.FAILED
    queued[1].attempts = 5
    queued[1].last_error = "SMTPRecipientsRefused: 550 5.1.1 <x>: no such user"
    db.session.commit()
    login(client, ORGANISER)
    page = text(client.get(_url(demo.id)))
    assert "Invitations par e-mail de « Rendez-vous de la commande publique 2027 »" in page
    counts = page[page.index('data-testid="mail-counts"') : page.index("</table>")]
    for status, n in (("pending", 3), ("sending", 0), ("sent", 1), ("failed", 1)):
        row = counts[counts.index(f'data-status="{status}"') :]
        assert f'<td class="text-end">{n}</td>' in row[: row.index("</tr>")]
    failed = page[page.index('data-testid="mail-failed"') :]
    assert queued[1].recipient in failed
    assert "<code>SMTPRecipientsRefused: 550 5.1.1 <x>: no such user</code>" in failed
    assert "&lt;x&gt;" in client.get(_url(demo.id)).get_data(as_text=True)  # escaped
    assert "Relancer les e-mails en échec" in page


def test_retry_button_queues_failed_mails_again(client, demo):
    _publish_demo(demo)
    db.session.query(OutboxMessage).update({"status": OutboxStatus.FAILED, "attempts": 5})
    db.session.commit()
    login(client, ORGANISER)
    response = submit(client, f"{_url(demo.id)}/relancer", {}, page=_url(demo.id), follow=True)
    assert response.status_code == 200
    assert "E-mails remis en file d'envoi : 5." in text(response)
    db.session.expire_all()
    assert {(r.status, r.attempts) for r in _outbox()} == {(OutboxStatus.PENDING, 0)}
    assert "Aucun e-mail en échec." in text(response)


def test_mailing_page_before_any_publication_says_nothing_was_sent(client, demo):
    login(client, ORGANISER)
    page = text(client.get(_url(demo.id)))
    assert "Aucun e-mail pour l'instant" in page


def test_version_page_links_to_the_mailing_once_published(client, demo):
    version_id = _publish_demo(demo)
    login(client, ORGANISER)
    page = text(client.get(f"/organisation/versions/{version_id}"))
    assert f'href="{_url(demo.id)}"' in page


@pytest.mark.parametrize("email", ["acheteur@example.org", "entreprise@example.org"])
def test_mailing_page_and_retry_are_forbidden_to_participants(client, demo, email):
    _publish_demo(demo)
    db.session.query(OutboxMessage).update({"status": OutboxStatus.FAILED})
    db.session.commit()
    login(client, email)
    token = csrf_token(text(client.get("/tableau-de-bord")))
    assert client.get(_url(demo.id)).status_code == 403
    response = client.post(f"{_url(demo.id)}/relancer", data={"csrf_token": token})
    assert response.status_code == 403
    assert {r.status for r in _outbox()} == {OutboxStatus.FAILED}


def test_mailing_page_sends_anonymous_visitors_to_login(client, demo):
    response = client.get(_url(demo.id))
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


def test_mailing_page_of_an_unknown_event_is_404(client, demo):
    login(client, ORGANISER)
    assert client.get(_url(demo.id + 1000)).status_code == 404
