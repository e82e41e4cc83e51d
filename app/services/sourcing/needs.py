"""Needs catalogue: buyers publish the procurements they plan; a public page filters them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.extensions import db
from app.models import (
    AmountBand,
    CpvCode,
    Event,
    Need,
    Organisation,
    Participant,
    ParticipantRole,
)
from app.services import audit

# The four SPASER tags of a need: attribute name -> query value of the public filter.
TAGS = {
    "insertion": "has_insertion_clause",
    "reserve": "is_reserved_market",
    "environnement": "has_environmental_criterion",
    "pme": "has_sme_lots",
}


class NeedError(Exception):
    """A need cannot be saved as asked (code in args[0])."""


@dataclass(frozen=True)
class NeedData:
    title: str
    description: str
    cpv_codes: tuple[CpvCode, ...]
    expected_date: date | None
    amount_band: AmountBand | None
    has_insertion_clause: bool = False
    is_reserved_market: bool = False
    has_environmental_criterion: bool = False
    has_sme_lots: bool = False
    is_published: bool = True


def buyer_participant(event_id: int, organisation_id: int) -> Participant | None:
    stmt = db.select(Participant).where(
        Participant.event_id == event_id,
        Participant.organisation_id == organisation_id,
        Participant.role == ParticipantRole.BUYER,
    )
    return db.session.execute(stmt).scalar_one_or_none()


def buyer_organisations(event_id: int) -> list[Organisation]:
    """Buyer organisations taking part in the event, by name."""
    stmt = (
        db.select(Organisation)
        .join(Participant, Participant.organisation_id == Organisation.id)
        .where(Participant.event_id == event_id, Participant.role == ParticipantRole.BUYER)
        .order_by(Organisation.name)
    )
    return list(db.session.execute(stmt).scalars())


def _apply(need: Need, data: NeedData) -> None:
    need.title = data.title.strip()
    need.description = data.description.strip()
    need.cpv_codes = list(data.cpv_codes)
    need.expected_date = data.expected_date
    need.amount_band = data.amount_band
    need.has_insertion_clause = data.has_insertion_clause
    need.is_reserved_market = data.is_reserved_market
    need.has_environmental_criterion = data.has_environmental_criterion
    need.has_sme_lots = data.has_sme_lots
    need.is_published = data.is_published


def create_need(
    *, event_id: int, buyer_organisation_id: int, data: NeedData, actor_id: int
) -> Need:
    """Add a need of a buyer organisation; the organisation joins the event as a buyer if it
    was not taking part yet (its needs must be reachable by companies' wishes)."""
    event = db.session.get(Event, event_id)
    organisation = db.session.get(Organisation, buyer_organisation_id)
    if event is None or organisation is None or organisation.is_company:
        raise NeedError("not_a_buyer")
    if buyer_participant(event_id, buyer_organisation_id) is None:
        db.session.add(
            Participant(event=event, organisation=organisation, role=ParticipantRole.BUYER)
        )
    need = Need(event=event, buyer=organisation)
    _apply(need, data)
    db.session.add(need)
    db.session.flush()
    audit.record("need.create", actor_id=actor_id, event_id=event_id, target=need, title=need.title)
    return need


def update_need(need: Need, data: NeedData, *, actor_id: int) -> Need:
    _apply(need, data)
    db.session.flush()
    audit.record(
        "need.update", actor_id=actor_id, event_id=need.event_id, target=need, title=need.title
    )
    return need


@dataclass(frozen=True)
class NeedFilter:
    division: str = ""
    tag: str = ""
    buyer_id: int | None = None


@dataclass
class Catalogue:
    needs: list[Need]
    divisions: list[tuple[str, str]] = field(default_factory=list)  # (division, label)
    buyers: list[Organisation] = field(default_factory=list)


def catalogue(event_id: int, filters: NeedFilter, *, lang: str = "fr") -> Catalogue:
    """Published needs of an event matching the filters, and the filter choices (CPV
    divisions and buyers that have published needs)."""
    published = list(
        db.session.execute(
            db.select(Need)
            .where(Need.event_id == event_id, Need.is_published)
            .order_by(Need.expected_date.is_(None), Need.expected_date, Need.id)
        ).scalars()
    )
    division_codes = sorted({c.code[:2] for n in published for c in n.cpv_codes})
    labels = {
        row.code[:2]: row.label(lang)
        for row in db.session.execute(
            db.select(CpvCode).where(CpvCode.code.in_([d + "000000" for d in division_codes]))
        ).scalars()
    }
    buyers = sorted({n.buyer for n in published}, key=lambda o: o.display_name)
    needs = [
        n
        for n in published
        if (not filters.division or any(c.code.startswith(filters.division) for c in n.cpv_codes))
        and (not filters.tag or getattr(n, TAGS[filters.tag]))
        and (filters.buyer_id is None or n.buyer_organisation_id == filters.buyer_id)
    ]
    return Catalogue(
        needs=needs,
        divisions=[(d, labels.get(d, "")) for d in division_codes],
        buyers=buyers,
    )
