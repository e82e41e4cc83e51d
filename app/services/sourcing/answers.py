"""Buyers' side: who asked to meet them (with the explained score), answers, invitations."""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.matching import score as core
from app.models import (
    Answer,
    MeetingRequest,
    Participant,
    ParticipantRole,
    Priority,
    RequestOrigin,
)
from app.models.base import utcnow
from app.services import audit
from app.services.sourcing.scoring import event_scoring


class AnswerError(Exception):
    """Code in args[0]: not_yours, already_requested, not_a_company."""


@dataclass(frozen=True)
class IncomingRequest:
    request: MeetingRequest
    company: Participant
    score: core.Score  # company–buyer score, with its parts


@dataclass(frozen=True)
class Candidate:
    company: Participant
    score: core.Score  # relevance only (CPV and text)


@dataclass(frozen=True)
class BuyerPage:
    incoming: list[IncomingRequest]
    candidates: list[Candidate]


def buyer_page(event_id: int, buyer_id: int) -> BuyerPage:
    """Requests addressed to the buyer, best score first, and the other companies of the
    event it could invite, most relevant first."""
    scoring = event_scoring(event_id)
    incoming = [
        IncomingRequest(
            r, scoring.companies[r.company_id], scoring.scorer.buyer_score(r.company_id, buyer_id)
        )
        for r in scoring.requests
        if r.buyer_id == buyer_id
    ]
    incoming.sort(key=lambda i: (-i.score.total, i.request.id))
    asked = {i.company.id for i in incoming}
    candidates = [
        Candidate(p, scoring.scorer.buyer_score(p.id, buyer_id, relevance_only=True))
        for p in scoring.companies.values()
        if p.id not in asked
    ]
    candidates.sort(key=lambda c: (-c.score.total, c.company.name))
    return BuyerPage(incoming, candidates)


def answer_request(
    request_id: int, answer: Answer, *, buyer_id: int, actor_id: int, reason: str = ""
) -> MeetingRequest:
    """Record a buyer's yes / maybe / no on a request addressed to it (audited)."""
    request = db.session.get(MeetingRequest, request_id)
    if request is None or request.buyer_id != buyer_id:
        raise AnswerError("not_yours")
    previous = request.answer
    request.answer = answer
    request.answered_at = utcnow()
    db.session.flush()
    audit.record(
        "request.answer",
        actor_id=actor_id,
        event_id=request.event_id,
        target=request,
        reason=reason,
        answer=answer.value,
        previous=previous.value,
        company_id=request.company_id,
    )
    return request


def invite_company(
    *, event_id: int, buyer_id: int, company_id: int, actor_id: int
) -> MeetingRequest:
    """A buyer asks to meet a company that did not ask (origin=buyer, answer=yes)."""
    company = db.session.get(Participant, company_id)
    if (
        company is None
        or company.event_id != event_id
        or company.role is not ParticipantRole.COMPANY
    ):
        raise AnswerError("not_a_company")
    existing = db.session.execute(
        db.select(MeetingRequest.id).where(
            MeetingRequest.company_id == company_id, MeetingRequest.buyer_id == buyer_id
        )
    ).first()
    if existing is not None:
        raise AnswerError("already_requested")
    request = MeetingRequest(
        event_id=event_id,
        company_id=company_id,
        buyer_id=buyer_id,
        origin=RequestOrigin.BUYER,
        priority=Priority.WANT,
        answer=Answer.YES,
        answered_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "request.invite",
        actor_id=actor_id,
        event_id=event_id,
        target=request,
        company_id=company_id,
    )
    return request
