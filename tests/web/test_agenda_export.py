"""Agenda exports (CSV, XLSX) of the published version and of any version."""

from __future__ import annotations

import io

import openpyxl
import pytest

from app.extensions import db
from app.models import ScheduleVersion
from tests.conftest import login


@pytest.fixture
def published(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return db.session.query(ScheduleVersion).one()


def test_export_published_agenda_csv_lists_every_meeting_in_local_time(client, published):
    login(client, "organisateur@example.org")
    response = client.get(f"/evenements/{published.event_id}/export/planning.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="planning-evenement-{published.event_id}.csv"'
    )
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:6] == ["Date", "Début", "Fin", "Table", "Acheteur", "Entreprise"]
    assert len(lines) == 1 + 17
    starts = sorted(line.split(";")[1] for line in lines[1:])
    assert starts[0] >= "14:00" and starts[-1] <= "16:40"
    assert all(line.split(";")[0] == "2027-03-16" for line in lines[1:])
    uids = {line.split(";")[9] for line in lines[1:]}
    assert uids == {m.uid for m in published.meetings}


def test_export_version_xlsx_opens_with_the_same_rows(client, published):
    login(client, "organisateur@example.org")
    response = client.get(
        f"/evenements/{published.event_id}/export/planning.xlsx?version={published.id}"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Date" and len(rows) == 18


def test_export_agenda_is_for_organisers_only(client, published):
    login(client, "entreprise@example.org")
    assert client.get(f"/evenements/{published.event_id}/export/planning.csv").status_code == 403


def test_export_unknown_version_is_404(client, published):
    login(client, "organisateur@example.org")
    url = f"/evenements/{published.event_id}/export/planning.csv?version=999"
    assert client.get(url).status_code == 404
