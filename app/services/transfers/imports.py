"""Imports of companies and buyers (CSV/XLSX, all-or-nothing with a dry run)."""

from __future__ import annotations

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
from app.services.accounts.users import normalise_email
from app.services.sourcing import cpv as cpv_service

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
