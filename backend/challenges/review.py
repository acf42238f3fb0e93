"""Expert review of a challenge's proposals (专家评审).

The issuer (or an administrator) asks for a review once proposals are closed: the platform
seats a panel from the expert pool (`experts.panel`: one expert per kind asked for, best
expertise for the challenge less load, none with a conflict of interest with the issuer or any
organisation on any proposal's team). Each reviewer scores every proposal on the challenge's
review form (its criteria and weights; a default form when it has none) in one sheet, final
once submitted. Reviewers are blind to each other: a reviewer sees the panel's scores only
after submitting their own. The issuer sees the proposals ranked by the panel's mean overall
score, with each proposal's spread and disagreement (`experts.scoring`); an award that departs
from that ranking needs a reason (`selection.py`).

Seated reviewers read the proposals of the challenge (and only while seated: a removed seat
reads nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.challenges import proposals as proposal_rules
from backend.challenges import schemas
from backend.challenges.models import (
    Challenge,
    ChallengeStatus,
    Proposal,
    ReviewSeat,
    ReviewSeatStatus,
)
from backend.challenges.rules import is_issuer
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.experts import panel, scoring
from backend.experts.models import ExpertProfile
from backend.experts.pool import year_start

ACTIVE = (ReviewSeatStatus.SEATED, ReviewSeatStatus.SUBMITTED)
NO_REVIEW = "该榜单没有您可查看的评审。No review of this challenge you may see."
# The form when the issuer named no criteria.
DEFAULT_CRITERIA: tuple[tuple[str, int], ...] = (
    ("技术方案可行性 Feasibility of the approach", 40),
    ("指标承诺 Indicators committed", 30),
    ("团队与计划 Team and plan", 30),
)


def form_of(challenge: Challenge) -> list[schemas.FormCriterion]:
    """The challenge's review form: criterion codes c1, c2, … in the issuer's order."""
    named = [(c["name"], int(c["weight"])) for c in challenge.review_criteria or []]
    return [schemas.FormCriterion(code=f"c{i}", name=name, weight=weight)
            for i, (name, weight) in enumerate(named or DEFAULT_CRITERIA, start=1)]


def criteria_of(challenge: Challenge) -> tuple[scoring.Criterion, ...]:
    return tuple(scoring.Criterion(c.code, Decimal(c.weight), c.low, c.high)
                 for c in form_of(challenge))


def may_ask(user: User, challenge: Challenge) -> bool:
    return user.role == Role.ADMIN or is_issuer(user, challenge)


def seats(session: Session, challenge: Challenge) -> list[ReviewSeat]:
    return list(session.execute(select(ReviewSeat).where(
        ReviewSeat.challenge_id == challenge.id).order_by(ReviewSeat.id)).scalars())


def active_seats(session: Session, challenge: Challenge) -> list[ReviewSeat]:
    return [s for s in seats(session, challenge) if s.status in ACTIVE]


def seat_of(session: Session, user: User, challenge: Challenge) -> ReviewSeat | None:
    """The user's active seat on the challenge's panel, if any."""
    if user.role != Role.EXPERT:
        return None
    return session.execute(select(ReviewSeat).where(
        ReviewSeat.challenge_id == challenge.id, ReviewSeat.expert_id == user.id,
        ReviewSeat.status.in_(ACTIVE))).scalar_one_or_none()


def _proposals(session: Session, challenge: Challenge) -> list[Proposal]:
    return list(session.execute(select(Proposal).where(Proposal.challenge_id == challenge.id)
                                .order_by(Proposal.id)).scalars())


def _item(challenge: Challenge) -> str:
    names = " ".join(str(i["name"]) for i in challenge.indicators or [])
    return f"{challenge.title} {challenge.problem} {names}"


def _reviewed_orgs(session: Session, challenge: Challenge) -> set[int]:
    return proposal_rules.reviewed_orgs(session, challenge)


def _challenge_loads(session: Session) -> Counter[int]:
    """Challenge seats this year, per expert: they count against capacity like PoC seats."""
    rows = session.execute(select(ReviewSeat.expert_id, func.count()).where(
        ReviewSeat.status.in_(ACTIVE), ReviewSeat.created_at >= year_start())
        .group_by(ReviewSeat.expert_id))
    return Counter({expert_id: n for expert_id, n in rows})


def _seat(session: Session, challenge: Challenge, kinds: Sequence[str]) -> list[ReviewSeat]:
    taken = {s.expert_id for s in seats(session, challenge)}  # anyone seated before, too
    scored = panel.score_pool(session, _item(challenge), _reviewed_orgs(session, challenge))
    chosen = panel.choose(scored, kinds, taken, _challenge_loads(session))
    made = [ReviewSeat(challenge_id=challenge.id, expert_id=s.row.profile.user_id, kind=kind,
                       similarity=Decimal(str(round(s.similarity, 4))),
                       status=ReviewSeatStatus.SEATED, created_at=utcnow())
            for kind, s in chosen]
    session.add_all(made)
    session.flush()
    return made


def ask(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
        data: schemas.ReviewRequestIn) -> list[ReviewSeat]:
    """Seat a panel (409 naming the kinds nobody can fill); a closed challenge goes under
    review."""
    if not may_ask(user, challenge):
        raise PermissionDenied("只有发榜方或管理员可以申请专家评审。Only the issuer or an "
                               "administrator may ask for an expert review.")
    if challenge.status not in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        raise Conflict(f"只有已截止或评审中的榜单可以申请专家评审（当前：{challenge.status.value}）。"
                       f"Only a closed challenge or one under review can be reviewed "
                       f"({challenge.status.value}).", current_status=challenge.status.value)
    if active_seats(session, challenge):
        raise Conflict("该榜单已有评审专家组。This challenge already has a review panel.")
    if not _proposals(session, challenge):
        raise Conflict("该榜单没有方案可评审。This challenge has no proposal to review.")
    made = _seat(session, challenge, [k.value for k in data.seats])
    before = challenge.status
    if challenge.status == ChallengeStatus.CLOSED:
        challenge.status = ChallengeStatus.UNDER_REVIEW
    session.flush()
    audit.record(session, actor, "challenge.review_request", "challenge", challenge.id,
                 before={"status": before},
                 after={"status": challenge.status, "seats": [k.value for k in data.seats],
                        "experts": [s.expert_id for s in made]})
    return made


def replace(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
            seat_id: int) -> ReviewSeat:
    """Take a reviewer who has not submitted (or whose submitted sheet no longer counts: a
    conflict of interest since) off the panel; a new expert of the same kind is seated (409
    when nobody fits)."""
    if not may_ask(user, challenge):
        raise PermissionDenied("只有发榜方或管理员可以调整评审专家组。Only the issuer or an "
                               "administrator may change the panel.")
    seat = session.get(ReviewSeat, seat_id, with_for_update=True)
    if seat is None or seat.challenge_id != challenge.id:
        raise NotFound("未找到该评审席位。No such seat.")
    replaceable = seat.status == ReviewSeatStatus.SEATED or (
        seat.status == ReviewSeatStatus.SUBMITTED
        and proposal_rules.reviewer_conflicts(session, seat.expert_id, challenge))
    if not replaceable or challenge.status != ChallengeStatus.UNDER_REVIEW:
        raise Conflict("只能替换评审中尚未提交的席位（或评分因利益冲突不再计入的席位）。Only a seat "
                       "that has not submitted (or whose scores no longer count for a conflict "
                       "of interest), on a challenge under review, can be replaced.",
                       current_status=seat.status.value)
    seat.status = ReviewSeatStatus.REMOVED
    session.flush()
    new = _seat(session, challenge, [seat.kind])[0]
    audit.record(session, actor, "challenge.review_replace", "challenge", challenge.id,
                 before={"expert_id": seat.expert_id}, after={"expert_id": new.expert_id})
    return new


def submit(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
           data: schemas.ScoreSheetIn) -> ReviewSeat:
    """A reviewer's sheet: every proposal scored on every criterion, once."""
    seat = seat_of(session, user, challenge)
    if seat is None:
        raise NotFound(NO_REVIEW)
    if seat.status != ReviewSeatStatus.SEATED or challenge.status != ChallengeStatus.UNDER_REVIEW:
        raise Conflict("评审已提交或已结束，不能修改。The review is submitted or over; it cannot "
                       "be changed.", current_status=seat.status.value)
    found = proposal_rules.reviewer_conflicts(session, user.id, challenge)
    if found:
        raise Conflict("您与发榜方或揭榜团队存在利益冲突，不能参加本次评审，发榜方将另行安排专家："
                       + "；".join(f.message_zh for f in found) + "。You have a conflict of "
                       "interest with the issuer or a team and cannot review this challenge; "
                       "the issuer will seat another expert: "
                       + "; ".join(f.message_en for f in found) + ".",
                       reason="conflict_of_interest")
    form = criteria_of(challenge)
    ids = {p.id for p in _proposals(session, challenge)}
    given = [r.proposal_id for r in data.reviews]
    if sorted(given) != sorted(ids):
        raise InvalidInput("reviews", "须为本榜单每个方案各评分一次。Score every proposal of this "
                                      "challenge exactly once.")
    problems = [f"#{r.proposal_id} {p}" for r in data.reviews
                for p in scoring.check_scores(r.scores, form)]
    if problems:
        raise InvalidInput("reviews", "；".join(problems))
    seat.scores = {str(r.proposal_id): dict(r.scores) for r in data.reviews}
    seat.comments = {str(r.proposal_id): r.comment for r in data.reviews if r.comment}
    seat.status, seat.submitted_at = ReviewSeatStatus.SUBMITTED, utcnow()
    session.flush()
    audit.record(session, actor, "challenge.review_submit", "challenge", challenge.id,
                 after={"seat_id": seat.id, "overall": {
                     pid: str(scoring.overall(s, form)) for pid, s in seat.scores.items()}})
    return seat


# --- the ranking ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Ranked:
    proposal: Proposal
    agg: scoring.Aggregate | None

    @property
    def mean(self) -> Decimal:
        return self.agg.overall_mean if self.agg else Decimal(-1)


def ranking(session: Session, challenge: Challenge) -> list[Ranked]:
    """Proposals by the panel's mean overall score, best first (ties: the earlier proposal)."""
    form = criteria_of(challenge)
    sheets = [s.scores or {} for s in counted_sheets(session, challenge)]
    rows = [Ranked(p, scoring.aggregate([sheet[str(p.id)] for sheet in sheets
                                         if str(p.id) in sheet], form))
            for p in _proposals(session, challenge)]
    return sorted(rows, key=lambda r: (-r.mean, r.proposal.id))


def counted_sheets(session: Session, challenge: Challenge) -> list[ReviewSeat]:
    """The submitted sheets that count: not those of a reviewer with a conflict of interest
    as things stand now (one recorded after they submitted ends their seat's reach, and their
    scores with it)."""
    return [s for s in active_seats(session, challenge)
            if s.status == ReviewSeatStatus.SUBMITTED
            and not proposal_rules.reviewer_conflicts(session, s.expert_id, challenge)]


def complete(session: Session, challenge: Challenge) -> bool:
    """Every active seat submitted (a conflicted one that has not is replaced by the issuer),
    and at least one sheet counts."""
    active = active_seats(session, challenge)
    return (bool(active) and all(s.status == ReviewSeatStatus.SUBMITTED for s in active)
            and bool(counted_sheets(session, challenge)))


def departure(session: Session, challenge: Challenge, chosen: Sequence[int]) -> list[int] | None:
    """The reviewers' top proposals (as many as were chosen) when the choice departs from
    them, else None (also when there was no review)."""
    if not active_seats(session, challenge):
        return None
    if not complete(session, challenge):
        if all(s.status == ReviewSeatStatus.SUBMITTED for s in active_seats(session, challenge)):
            raise Conflict("已提交的专家评分均因利益冲突不再计入，请替换评审专家后再评选。No "
                           "submitted sheet counts (each reviewer has a conflict of interest): "
                           "replace them before deciding.", reason="no_counted_review")
        raise Conflict("专家评审尚未全部提交，不能评选。Not every reviewer has submitted; the "
                       "challenge cannot be decided yet.")
    top = [r.proposal.id for r in ranking(session, challenge)][:len(chosen)]
    return None if set(top) == set(chosen) else top


# --- what each one sees ---------------------------------------------------------------------

def _ranking_out(rows: Sequence[Ranked], names: Mapping[int, str]
                 ) -> list[schemas.ProposalRankOut]:
    out = []
    for n, r in enumerate(rows, start=1):
        agg = r.agg
        out.append(schemas.ProposalRankOut(
            rank=n, proposal_id=r.proposal.id, lead_org_id=r.proposal.lead_org_id,
            lead_org_name=names.get(r.proposal.lead_org_id, ""),
            reviews=agg.reviews if agg else 0,
            overall_mean=agg.overall_mean if agg else None,
            overall_median=agg.overall_median if agg else None,
            overall_spread=(max(agg.reviewer_scores) - min(agg.reviewer_scores)) if agg else None,
            reviewer_scores=list(agg.reviewer_scores) if agg else [],
            disagreement=bool(agg and (any(c.disagreement for c in agg.criteria)
                                       or agg.outliers)),
            criteria=[schemas.CriterionSummaryOut(code=c.code, mean=c.mean, median=c.median,
                                                  spread=c.spread, disagreement=c.disagreement)
                      for c in agg.criteria] if agg else []))
    return out


def board(session: Session, user: User, challenge: Challenge,
          org_names: Mapping[int, str]) -> schemas.ReviewBoardOut:
    """The issuer and administrators: the panel and the ranking. A seated reviewer: their own
    sheet, and the ranking once they submitted. Anyone else: 404."""
    mine = seat_of(session, user, challenge)
    overseer = may_ask(user, challenge)
    if mine is None and not overseer:
        raise NotFound(NO_REVIEW)
    all_seats = seats(session, challenge)
    show_ranking = overseer or (mine is not None and mine.status == ReviewSeatStatus.SUBMITTED)
    names = {s.expert_id: n for s, n in zip(all_seats, panel_names(session, all_seats),
                                            strict=True)}
    return schemas.ReviewBoardOut(
        challenge_id=challenge.id, status=challenge.status, form=form_of(challenge),
        complete=complete(session, challenge),
        seats=[schemas.ReviewSeatOut(id=s.id, expert_id=s.expert_id,
                                     expert_name=names[s.expert_id], kind=s.kind,
                                     similarity=s.similarity, status=s.status,
                                     submitted_at=s.submitted_at)
               for s in all_seats] if overseer else [],
        ranking=_ranking_out(ranking(session, challenge), org_names) if show_ranking else [],
        departure_reason=challenge.ranking_departure_reason if overseer else None,
        my_seat=schemas.MySeatOut(id=mine.id, status=mine.status, scores=mine.scores or {},
                                  comments=mine.comments or {},
                                  proposal_ids=[p.id for p in _proposals(session, challenge)])
        if mine is not None else None)


def panel_names(session: Session, rows: Sequence[ReviewSeat]) -> list[str]:
    ids = [s.expert_id for s in rows]
    found: dict[int, str] = {user_id: name for user_id, name in session.execute(
        select(ExpertProfile.user_id, ExpertProfile.name).where(
            ExpertProfile.user_id.in_(ids)))} if ids else {}
    return [found.get(i, "") for i in ids]


def my_challenges(session: Session, user: User) -> list[tuple[Challenge, ReviewSeat]]:
    rows = session.execute(select(Challenge, ReviewSeat).join(
        ReviewSeat, ReviewSeat.challenge_id == Challenge.id).where(
        ReviewSeat.expert_id == user.id, ReviewSeat.status.in_(ACTIVE))
        .order_by(ReviewSeat.created_at.desc(), ReviewSeat.id.desc()))
    return [(challenge, seat) for challenge, seat in rows]
