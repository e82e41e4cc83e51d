"""Bridge between the ORM and the matching core: explainable scores of an event's pairs.

Core ids are database ids: companies and buyers are *participant* ids, needs are need ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.matching import score as core
from app.models import (
    Answer,
    Application,
    ApplicationStatus,
    MeetingRequest,
    Need,
    Organisation,
    Participant,
    ParticipantRole,
    RequestOrigin,
)

# Applications that take part in scoring and selection (a withdrawn one does not).
ACTIVE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SELECTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.DECLINED,
)


def to_company(participant: Participant) -> core.Company:
    org = participant.organisation
    return core.Company(
        id=participant.id,
        name=org.name,
        cpv_codes=tuple(c.code for c in org.cpv_codes),
        offer=org.offer_description or "",
        size=core.Size(org.size.value) if org.size else None,
        ess=org.is_ess,
        siae=org.is_siae,
        departement=org.departement,
        first_time=participant.is_first_time,
    )


def to_interest(request: MeetingRequest) -> core.Interest:
    """A request as the core sees it: the company's wish (none for a buyer's invitation) and
    the buyer's answer (none while pending)."""
    wish = None if request.origin is RequestOrigin.BUYER else core.Wish(request.priority.value)
    answer = None if request.answer is Answer.PENDING else core.Answer(request.answer.value)
    return core.Interest(request.company_id, request.buyer_id, request.need_id, wish, answer)


@dataclass
class EventScoring:
    scorer: core.Scorer
    companies: dict[int, Participant]  # participant id -> company participant
    buyers: dict[int, Participant]
    requests: list[MeetingRequest]

    def requests_of(self, company_id: int) -> list[MeetingRequest]:
        return [r for r in self.requests if r.company_id == company_id]

    def application_score(self, company_id: int) -> core.Score:
        buyer_ids = {r.buyer_id for r in self.requests_of(company_id)}
        return self.scorer.application_score(company_id, buyer_ids)


def _core_needs(event_id: int, buyer_of_org: dict[int, int]) -> list[core.Need]:
    """Published needs of buyers taking part, keyed to the buyer's participant id."""
    return [
        core.Need(
            n.id,
            buyer_of_org[n.buyer_organisation_id],
            n.title,
            n.description or "",
            tuple(c.code for c in n.cpv_codes),
        )
        for n in db.session.execute(
            db.select(Need).where(Need.event_id == event_id, Need.is_published).order_by(Need.id)
        ).scalars()
        if n.buyer_organisation_id in buyer_of_org
    ]


def event_scoring(event_id: int, config: core.ScoringConfig = core.DEFAULT_CONFIG) -> EventScoring:
    """Every company that applied (or was invited), every buyer, published needs and all
    requests of the event, fitted once. Inactive requests count too: `is_active` says what
    the scheduler receives (selection deactivates refused and merged requests), while the
    wishes and answers stay part of the record and of the score."""
    participants = list(
        db.session.execute(
            db.select(Participant)
            .where(Participant.event_id == event_id)
            .order_by(Participant.id)
            # the score reads every company's CPV codes: one query, not one per company
            .options(selectinload(Participant.organisation).selectinload(Organisation.cpv_codes))
        ).scalars()
    )
    buyers = {p.id: p for p in participants if p.role is ParticipantRole.BUYER}
    companies = {
        p.id: p
        for p in participants
        if p.role is ParticipantRole.COMPANY
        and (p.application is None or p.application.status in ACTIVE_STATUSES)
    }
    buyer_of_org = {p.organisation_id: p.id for p in buyers.values()}
    needs = _core_needs(event_id, buyer_of_org)
    requests = [
        r
        for r in db.session.execute(
            db.select(MeetingRequest)
            .where(MeetingRequest.event_id == event_id)
            .order_by(MeetingRequest.id)
        ).scalars()
        if r.company_id in companies and r.buyer_id in buyers
    ]
    scorer = core.Scorer(
        [to_company(p) for p in companies.values()],
        [core.Buyer(p.id, p.name) for p in buyers.values()],
        needs,
        [to_interest(r) for r in requests],
        config=config,
    )
    return EventScoring(scorer, companies, buyers, requests)


def applications_of(event_id: int) -> list[Application]:
    stmt = (
        db.select(Application)
        .join(Participant)
        .where(Participant.event_id == event_id, Application.status.in_(ACTIVE_STATUSES))
        .order_by(Application.id)
    )
    return list(db.session.execute(stmt).scalars())


def suggested_buyers(
    event_id: int, organisation_id: int, k: int = 3
) -> list[tuple[Participant, core.Score]]:
    """ "Buyers you may want to meet": the k buyers whose needs are closest to the company's
    CPV codes and offer (relevance only; no wish, answer or priority counts)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return []
    company = core.Company(
        id=0,
        name=organisation.name,
        cpv_codes=tuple(c.code for c in organisation.cpv_codes),
        offer=organisation.offer_description or "",
    )
    buyers = {
        p.id: p
        for p in db.session.execute(
            db.select(Participant).where(
                Participant.event_id == event_id, Participant.role == ParticipantRole.BUYER
            )
        ).scalars()
    }
    buyer_of_org = {p.organisation_id: p.id for p in buyers.values()}
    needs = _core_needs(event_id, buyer_of_org)
    found = core.suggest_buyers(
        company, [core.Buyer(p.id, p.name) for p in buyers.values()], needs, k
    )
    return [(buyers[s.id], s.score) for s in found]
