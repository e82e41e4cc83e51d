"""Exports of applications, requests, scores and the agenda (CSV and XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from app.extensions import db
from app.models import (
    ParticipantRole,
)
from app.services.sourcing.applications import PRIORITY_FR
from app.services.sourcing.scoring import event_scoring
from app.services.sourcing.selection import ranked

APPLICATION_HEADER = (
    "Rang",
    "Entreprise",
    "SIRET",
    "Taille",
    "ESS",
    "SIAE",
    "Département",
    "Statut",
    "Score",
    "Motif de la décision",
    "Décision le",
    "Demandes",
    "Explication du score",
)


REQUEST_HEADER = (
    "Entreprise",
    "Acheteur",
    "Besoin",
    "Origine",
    "Priorité",
    "Réponse",
    "Argumentaire",
    "Poids",
    "À planifier",
    "Score entreprise–acheteur",
    "Explication du score",
)


STATUS_FR = {
    "submitted": "déposée",
    "selected": "sélectionnée",
    "waitlisted": "liste d'attente",
    "declined": "non retenue",
    "withdrawn": "retirée",
}


ORIGIN_FR = {"company": "entreprise", "buyer": "acheteur", "organiser": "organisateur"}


ANSWER_FR = {"pending": "sans réponse", "yes": "oui", "maybe": "peut-être", "no": "non"}


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def application_rows(event_id: int) -> tuple[tuple[str, ...], list[list[object]]]:
    rows = []
    for row in ranked(event_id):
        org = row.participant.organisation
        app = row.application
        rows.append(
            [
                row.rank,
                org.name,
                org.siret or "",
                org.size.value if org.size else "",
                _yes(org.is_ess),
                _yes(org.is_siae),
                org.departement or "",
                STATUS_FR[app.status.value],
                float(row.score.total),
                app.decision_reason,
                app.decided_at.isoformat() if app.decided_at else "",
                len(row.requests),
                " | ".join(row.score.messages("fr")),
            ]
        )
    return APPLICATION_HEADER, rows


def request_rows(event_id: int) -> tuple[tuple[str, ...], list[list[object]]]:
    scoring = event_scoring(event_id)
    rows = []
    for r in scoring.requests:
        score = scoring.scorer.buyer_score(r.company_id, r.buyer_id)
        rows.append(
            [
                scoring.companies[r.company_id].organisation.name,
                scoring.buyers[r.buyer_id].name,
                r.need.title if r.need else "",
                ORIGIN_FR[r.origin.value],
                PRIORITY_FR[r.priority.value],
                ANSWER_FR[r.answer.value],
                r.pitch,
                r.weight if r.weight is not None else "",
                _yes(r.is_active),
                float(score.total),
                " | ".join(score.messages("fr")),
            ]
        )
    return REQUEST_HEADER, rows


def _safe(value: object) -> object:
    """Spreadsheets run cells starting with = + - @ as formulas: quote such text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with BOM and ';' (what French Excel opens directly), decimal comma."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [str(v).replace(".", ",") if isinstance(v, float) else _safe(v) for v in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


AGENDA_HEADER = (
    "Date",
    "Début",
    "Fin",
    "Table",
    "Acheteur",
    "Entreprise",
    "Besoin",
    "Statut",
    "Verrouillé",
    "UID",
    "SEQUENCE",
    "Motif",
)


def agenda_rows(
    event_id: int, version_id: int | None = None
) -> tuple[tuple[str, ...], list[list[object]]]:
    """The meetings of one version (default: the published one) in time order, local times.

    Unscheduled requests follow, with their reason, so the export is the whole record.
    """
    from app.models import MeetingStatus, ScheduleVersion
    from app.services.agenda.schedules import published_version

    version = (
        db.session.get(ScheduleVersion, version_id)
        if version_id is not None
        else published_version(event_id)
    )
    if version is None or version.event_id != event_id:
        raise LookupError("no such version")
    tz = version.event.tz
    rows: list[list[object]] = []

    meetings = sorted(
        version.meetings,
        key=lambda m: (
            m.slot is None,
            m.slot.starts_at if m.slot else None,
            m.location.name if m.location else "",
        ),
    )
    for m in meetings:
        sides = {p.role: p.name for p in m.participants}
        start = m.slot.starts_at.astimezone(tz) if m.slot else None
        end = m.slot.ends_at.astimezone(tz) if m.slot else None
        rows.append(
            [
                start.date().isoformat() if start else "",
                start.strftime("%H:%M") if start else "",
                end.strftime("%H:%M") if end else "",
                m.location.name if m.location else "",
                sides.get(ParticipantRole.BUYER, ""),
                sides.get(ParticipantRole.COMPANY, ""),
                m.request.need.title if m.request and m.request.need else "",
                {
                    MeetingStatus.SCHEDULED: "planifié",
                    MeetingStatus.UNSCHEDULED: "non planifié",
                    MeetingStatus.CANCELLED: "annulé",
                }[m.status],
                _yes(m.locked),
                m.uid,
                m.sequence,
                m.reason,
            ]
        )
    return AGENDA_HEADER, rows
