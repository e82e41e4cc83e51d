"""Imports of companies and buyers (CSV/XLSX, all-or-nothing with a dry run) and exports of
applications, requests and scores (CSV and XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.extensions import db
from app.matching import tabular
from app.matching.errors import LineError
from app.models import (
    Application,
    ApplicationStatus,
    CompanySize,
    CpvCode,
    Event,
    Organisation,
    OrganisationKind,
    Participant,
    ParticipantRole,
    Role,
    User,
)
from app.services import audit
from app.services import cpv as cpv_service
from app.services.accounts import normalise_email
from app.services.scoring import event_scoring
from app.services.selection import ranked

KINDS = ("entreprises", "acheteurs")


def columns(kind: str) -> tuple[tabular.Column, ...]:
    if kind == "entreprises":
        return tabular.company_columns(cpv_service.reference())
    return tabular.buyer_columns()


@dataclass
class ImportOutcome:
    """What an import did (or would do): counts per kind of change, or every error."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    lines_read: int = 0  # data lines of the file (header and blank lines left out)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected(self) -> int:
        """Data lines with at least one error (header problems count as none: no line is
        rejected, the whole file is)."""
        return len({e.line for e in self.errors if e.line > 1})


def read(data: bytes, filename: str, kind: str) -> tabular.TableReport:
    return tabular.read_table(data, filename, columns(kind))


def _user_conflict(email: str, organisation: Organisation | None) -> bool:
    user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
    return user is not None and (organisation is None or user.organisation_id != organisation.id)


def _join(event: Event, organisation: Organisation, role: ParticipantRole) -> Participant:
    participant = db.session.execute(
        db.select(Participant).where(
            Participant.event_id == event.id, Participant.organisation_id == organisation.id
        )
    ).scalar_one_or_none()
    if participant is None:
        participant = Participant(event=event, organisation=organisation, role=role)
        db.session.add(participant)
    return participant


def _ensure_user(email: str, name: str, role: Role, organisation: Organisation) -> None:
    if db.session.execute(db.select(User.id).where(User.email == email)).first() is None:
        # No password: the person sets one through "mot de passe oublié" (or an invitation).
        db.session.add(User(email=email, full_name=name, role=role, organisation=organisation))


def import_rows(
    event_id: int, kind: str, report: tabular.TableReport, *, actor_id: int
) -> ImportOutcome:
    """Write the rows of a valid report (flush only); conflicts with the database (an e-mail
    used by another organisation) are returned as line errors, and then the caller must roll
    back: a file is imported whole or not at all."""
    event = db.session.get(Event, event_id)
    outcome = ImportOutcome(errors=list(report.errors), lines_read=report.data_lines)
    if event is None or not report.ok:
        return outcome
    for row in report.rows:
        values = row.values
        email = normalise_email(str(values["E-mail"]))
        name = str(values["Nom"]).strip()
        if kind == "entreprises":
            organisation = db.session.execute(
                db.select(Organisation).where(Organisation.siret == values["SIRET"])
            ).scalar_one_or_none()
        else:
            organisation = db.session.execute(
                db.select(Organisation).where(
                    Organisation.kind != OrganisationKind.COMPANY,
                    db.func.lower(Organisation.name) == name.lower(),
                )
            ).scalar_one_or_none()
        if _user_conflict(email, organisation):
            outcome.errors.append(
                LineError(report.source, row.line, "E-mail", "email_taken_elsewhere")
            )
            continue
        (outcome.updated if organisation is not None else outcome.created).append(name)
        if kind == "entreprises":
            if organisation is None:
                organisation = Organisation(kind=OrganisationKind.COMPANY, siret=values["SIRET"])
                db.session.add(organisation)
            organisation.name = name
            if values["Taille"] is not None:
                organisation.size = CompanySize(str(values["Taille"]))
            elif organisation.size is None:
                organisation.size = CompanySize.PME
            organisation.is_ess = bool(values["ESS"])
            organisation.is_siae = bool(values["SIAE"])
            if values["Département"]:
                organisation.departement = str(values["Département"])
            if values["CPV"]:
                organisation.cpv_codes = [db.session.get(CpvCode, c) for c in values["CPV"]]
            if values["Offre"]:
                organisation.offer_description = str(values["Offre"])
            _ensure_user(email, "", Role.COMPANY, organisation)
            participant = _join(event, organisation, ParticipantRole.COMPANY)
            if participant.application is None:
                participant.application = Application(status=ApplicationStatus.SUBMITTED)
        else:
            if organisation is None:
                organisation = Organisation(kind=OrganisationKind.BUYER_DIRECTION, name=name)
                parent = event.organiser_organisation
                if parent is not None and parent.kind is OrganisationKind.BUYER_BODY:
                    organisation.parent = parent
                db.session.add(organisation)
            if values["Département"]:
                organisation.departement = str(values["Département"])
            _ensure_user(email, "", Role.BUYER, organisation)
            _join(event, organisation, ParticipantRole.BUYER)
        db.session.flush()
    if outcome.ok:
        audit.record(
            f"import.{kind}",
            actor_id=actor_id,
            event_id=event_id,
            target=event,
            source=report.source,
            created=len(outcome.created),
            updated=len(outcome.updated),
        )
    return outcome


def error_message(error: LineError) -> str:
    """French message of a line error, including the web layer's own codes."""
    if error.code == "email_taken_elsewhere":
        return (
            f"ligne {error.line}, colonne {error.column}\u202f: adresse électronique déjà "
            "utilisée par le compte d'une autre organisation"
        )
    return error.message("fr", with_source=False)


# -- exports ------------------------------------------------------------------------------

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
PRIORITY_FR = {"must": "indispensable", "want": "souhaité", "maybe": "éventuel"}
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
    from app.models import MeetingStatus, ParticipantRole, ScheduleVersion
    from app.services.schedules import published_version

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
