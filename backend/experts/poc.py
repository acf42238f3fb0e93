"""Proof-of-concept reviews (概念验证) of achievements: an institute asks, an administrator
accepts and confirms (or swaps) the panel the platform proposes, the experts accept or decline
(a decline proposes a replacement), review, and the outcome is recorded on the listing.

The panel is proposed by `panel.py` (`matching.panels.propose`): one expert per seat of the required kinds,
maximising expertise (the matcher's text similarity between the expert's profile and the
achievement) less a load penalty, among verified experts with capacity left this year and no
conflict of interest with the achievement's organisation (`conflicts.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit import service as audit
from backend.core.clock import today
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.experts import conflicts, notices, panel, schemas, scoring
from backend.experts.models import (
    AssignmentStatus,
    ExpertKind,
    PocRequest,
    PocStatus,
    ReviewAssignment,
)
from backend.experts.pool import load, loads
from backend.listings import lookup as listings
from backend.listings.models import AchievementStatus

NO_REQUEST = "未找到该概念验证申请。No such proof-of-concept request."
OPEN = (PocStatus.REQUESTED, PocStatus.PANEL, PocStatus.REVIEWING)
# Seats still on the panel (a declined or removed one has been replaced or is to be).
ACTIVE = (AssignmentStatus.PROPOSED, AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED,
          AssignmentStatus.SUBMITTED)


# --- requests ---------------------------------------------------------------------------------

def request_for(session: Session, user: User, request_id: int, *, lock: bool = False
                ) -> PocRequest:
    """The request if `user` may see it (administrators; members of the institute), else 404."""
    request = session.get(PocRequest, request_id, with_for_update=lock)
    if request is None or not (user.role == Role.ADMIN or (
            user.organisation_id is not None and user.organisation_id == request.organisation_id)):
        raise NotFound(NO_REQUEST)
    return request


def ask(session: Session, actor: audit.Actor, user: User, data: schemas.PocRequestIn
        ) -> PocRequest:
    brief = listings.achievement_brief(session, data.achievement_id)
    if user.organisation_id is None or brief.organisation_id != user.organisation_id:
        raise NotFound("未找到该科技成果。No such achievement.")
    # One open request per achievement: asks of one institute queue on its row, so the check
    # below sees a request a parallel ask has just opened.
    session.execute(select(Organisation.id).where(Organisation.id == brief.organisation_id)
                    .with_for_update())
    if brief.status != AchievementStatus.PUBLISHED:
        raise Conflict("只有已发布的成果可以申请概念验证。Only a published achievement can be "
                       "reviewed.")
    open_ = session.execute(select(PocRequest.id).where(
        PocRequest.achievement_id == brief.id, PocRequest.status.in_(OPEN))).first()
    if open_ is not None:
        raise Conflict("该成果已有进行中的概念验证申请。This achievement already has a review "
                       "under way.", request_id=open_[0])
    request = PocRequest(achievement_id=brief.id, organisation_id=brief.organisation_id,
                         requested_by_id=user.id, field_code=brief.field_code, note=data.note,
                         publish_summary=data.publish_summary, mix=[],
                         status=PocStatus.REQUESTED, created_at=utcnow())
    session.add(request)
    session.flush()
    audit.record(session, actor, "poc.request", "poc_request", request.id,
                 after={"achievement_id": brief.id, "publish_summary": data.publish_summary})
    return request


def list_requests(session: Session, user: User, status: PocStatus | None
                  ) -> Sequence[PocRequest]:
    query = select(PocRequest)
    if user.role != Role.ADMIN:
        query = query.where(PocRequest.organisation_id == (user.organisation_id or -1))
    if status is not None:
        query = query.where(PocRequest.status == status)
    return session.execute(query.order_by(PocRequest.created_at.desc(), PocRequest.id.desc())
                           .limit(200)).scalars().all()


def _status(request: PocRequest, *allowed: PocStatus) -> None:
    if request.status not in allowed:
        raise Conflict(f"该申请当前状态（{request.status.value}）不允许此操作。Not possible while "
                       f"the request is {request.status.value}.",
                       current_status=request.status.value)


def decline(session: Session, actor: audit.Actor, request: PocRequest, note: str) -> None:
    _status(request, PocStatus.REQUESTED)
    request.status, request.admin_note, request.decided_at = PocStatus.DECLINED, note, utcnow()
    session.flush()
    audit.record(session, actor, "poc.decline", "poc_request", request.id, after={"note": note})


def set_publish(session: Session, actor: audit.Actor, request: PocRequest, publish: bool
                ) -> None:
    request.publish_summary = publish
    session.flush()
    if request.status in (PocStatus.PASSED, PocStatus.NOT_PASSED):
        listings.publish_poc_summary(session, request.achievement_id,
                                     request.summary if publish else None, actor)
    audit.record(session, actor, "poc.publish", "poc_request", request.id,
                 after={"publish_summary": publish})


# --- the panel --------------------------------------------------------------------------------

def seats(session: Session, request_id: int) -> list[ReviewAssignment]:
    return list(session.execute(select(ReviewAssignment).where(
        ReviewAssignment.request_id == request_id).order_by(ReviewAssignment.id)).scalars())


def score_pool(session: Session, request: PocRequest) -> list[panel.Scored]:
    """Every verified expert with their expertise for the achievement and their conflicts."""
    names = panel.field_names(session)
    title, abstract, keywords = listings.achievement_text(session, request.achievement_id)
    item = f"{names.get(request.field_code, '')} {title} {abstract} {' '.join(keywords)}"
    return panel.score_pool(session, item, [request.organisation_id])


def _propose(session: Session, request: PocRequest, kinds: Sequence[str],
             status: AssignmentStatus) -> list[ReviewAssignment]:
    taken = {s.expert_id for s in seats(session, request.id)}  # anyone asked before, too
    chosen = panel.choose(score_pool(session, request), kinds, taken)
    made = [ReviewAssignment(request_id=request.id, expert_id=s.row.profile.user_id,
                             kind=ExpertKind(kind),
                             similarity=Decimal(str(round(s.similarity, 4))), status=status,
                             created_at=utcnow())
            for kind, s in chosen]
    session.add_all(made)
    session.flush()
    return made


def accept(session: Session, actor: audit.Actor, request: PocRequest,
           data: schemas.AcceptIn) -> None:
    """Accept a request and propose its panel (409 naming the kinds nobody can fill)."""
    _status(request, PocStatus.REQUESTED)
    request.mix = [k.value for k in data.mix]
    made = _propose(session, request, request.mix, AssignmentStatus.PROPOSED)
    request.status, request.accepted_at = PocStatus.PANEL, utcnow()
    session.flush()
    audit.record(session, actor, "poc.accept", "poc_request", request.id,
                 after={"mix": request.mix, "proposed": [s.expert_id for s in made]})


def _check_fit(session: Session, request: PocRequest, expert_id: int, kind: ExpertKind) -> None:
    row = load(session, expert_id)
    if row.profile.status != "verified" or not row.user.is_active:
        raise InvalidInput("expert_id", "该专家尚未通过审核。This expert is not verified.")
    if row.profile.kind != kind:
        raise InvalidInput("expert_id", f"该席位需要{panel.KIND_ZH[kind]}。This seat needs a {kind}.")
    if any(s.expert_id == expert_id for s in seats(session, request.id)):
        raise Conflict("该专家已在（或曾在）本评审组。This expert is or was on this panel.")
    found = conflicts.conflicts_for(session, [row], request.organisation_id)[expert_id]
    if found:
        raise Conflict("该专家存在利益冲突：" + "；".join(f.message_zh for f in found)
                       + "。The expert has a conflict of interest: "
                       + "; ".join(f.message_en for f in found) + ".")
    if loads(session, [expert_id])[expert_id] >= row.profile.yearly_capacity:
        raise Conflict("该专家本年度评审已满额。This expert has no capacity left this year.")


def swap(session: Session, actor: audit.Actor, request: PocRequest, data: schemas.SwapIn
         ) -> ReviewAssignment:
    _status(request, PocStatus.PANEL, PocStatus.REVIEWING)
    seat = session.get(ReviewAssignment, data.assignment_id, with_for_update=True)
    if seat is None or seat.request_id != request.id:
        raise NotFound("未找到该评审席位。No such seat.")
    taken = (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED)
    if seat.status not in (AssignmentStatus.PROPOSED, AssignmentStatus.INVITED) and not (
            seat.status in taken and _conflicts_now(session, request, seat)):
        raise Conflict("只能替换尚未接受的席位（或已接受、已提交但存在利益冲突的席位）。Only a seat "
                       "not yet accepted (or a taken one whose expert has a conflict) can be "
                       "swapped.")
    _check_fit(session, request, data.expert_id, seat.kind)
    # a proposal stays a proposal; any other seat's new expert is asked, never seated unasked
    status = (AssignmentStatus.PROPOSED if seat.status == AssignmentStatus.PROPOSED
              else AssignmentStatus.INVITED)
    new = ReviewAssignment(request_id=request.id, expert_id=data.expert_id, kind=seat.kind,
                           similarity=_similarity(session, request, data.expert_id),
                           status=status, created_at=utcnow())
    was_told = seat.status != AssignmentStatus.PROPOSED
    seat.status = AssignmentStatus.REMOVED
    session.add(new)
    session.flush()
    if was_told:  # the expert had been told; a proposal was never shown to anyone
        notices.withdrawn(session, request, seat)
        notices.invited(session, request, new)
    audit.record(session, actor, "panel.swap", "poc_request", request.id,
                 before={"expert_id": seat.expert_id}, after={"expert_id": data.expert_id})
    return new


def _similarity(session: Session, request: PocRequest, expert_id: int) -> Decimal:
    for s in score_pool(session, request):
        if s.row.profile.user_id == expert_id:
            return Decimal(str(round(s.similarity, 4)))
    return Decimal(0)


def confirm(session: Session, actor: audit.Actor, request: PocRequest) -> None:
    """The administrator confirms the proposed seats: their experts are invited."""
    _status(request, PocStatus.PANEL, PocStatus.REVIEWING)
    proposed = [s for s in seats(session, request.id) if s.status == AssignmentStatus.PROPOSED]
    if not proposed:
        raise Conflict("没有待确认的席位。No proposed seat to confirm.")
    for seat in proposed:
        seat.status = AssignmentStatus.INVITED
    request.status = PocStatus.REVIEWING
    session.flush()
    for seat in proposed:
        notices.invited(session, request, seat)
    audit.record(session, actor, "panel.confirm", "poc_request", request.id,
                 after={"invited": [s.expert_id for s in proposed]})


# --- the experts' side ------------------------------------------------------------------------

def _conflicts_now(session: Session, request: PocRequest, seat: ReviewAssignment
                   ) -> list[conflicts.Found]:
    """The seat's expert's conflicts with the request's organisation as they stand now (one may
    have been recorded, or declared, since the panel was proposed)."""
    return conflicts.conflicts_for(session, [load(session, seat.expert_id)],
                                   request.organisation_id)[seat.expert_id]


def _refuse_if_conflicted(session: Session, request: PocRequest, seat: ReviewAssignment
                          ) -> None:
    found = _conflicts_now(session, request, seat)
    if found:
        raise Conflict("您与该成果所属机构存在利益冲突，不能参加本次评审，请联系组织方："
                       + "；".join(f.message_zh for f in found) + "。You have a conflict of "
                       "interest with the achievement's organisation and cannot review it; "
                       "the organiser will replace you: "
                       + "; ".join(f.message_en for f in found) + ".")


def seat_for(session: Session, expert: User, assignment_id: int, *, lock: bool = False
             ) -> ReviewAssignment:
    """The expert's own seat (not a proposal they have not been asked about yet), else 404."""
    seat = session.get(ReviewAssignment, assignment_id, with_for_update=lock)
    if seat is None or seat.expert_id != expert.id or seat.status in (
            AssignmentStatus.PROPOSED, AssignmentStatus.REMOVED):
        raise NotFound("未找到该评审任务。No such review assignment.")
    return seat


def my_seats(session: Session, expert: User) -> list[ReviewAssignment]:
    return list(session.execute(select(ReviewAssignment).where(
        ReviewAssignment.expert_id == expert.id, ReviewAssignment.status.not_in(
            (AssignmentStatus.PROPOSED, AssignmentStatus.REMOVED)))
        .order_by(ReviewAssignment.created_at.desc(), ReviewAssignment.id.desc())).scalars())


def answer(session: Session, actor: audit.Actor, expert: User, assignment_id: int,
           yes: bool) -> ReviewAssignment:
    """Accept or decline an invitation; a decline proposes a replacement of the same kind for
    the administrator to confirm (none when nobody fits: the request then needs a swap)."""
    seat = seat_for(session, expert, assignment_id, lock=True)
    if seat.status != AssignmentStatus.INVITED:
        raise Conflict("该邀请已答复。This invitation has already been answered.",
                       current_status=seat.status.value)
    if yes:
        _refuse_if_conflicted(session, _request_of(session, seat), seat)
    seat.status = AssignmentStatus.ACCEPTED if yes else AssignmentStatus.DECLINED
    seat.answered_at = utcnow()
    session.flush()
    replacement = None
    request = _request_of(session, seat)
    if not yes:
        try:
            replacement = _propose(session, request, [seat.kind], AssignmentStatus.PROPOSED)[0]
        except Conflict:
            replacement = None
    notices.answered(session, request, seat, load(session, expert.id).profile.name, yes,
                     replacement)
    audit.record(session, actor, "review.accept" if yes else "review.decline",
                 "review_assignment", seat.id,
                 after={"request_id": seat.request_id,
                        "replacement_expert_id": replacement.expert_id if replacement else None})
    return seat


def submit(session: Session, actor: audit.Actor, expert: User, assignment_id: int,
           data: schemas.ReviewIn) -> ReviewAssignment:
    seat = seat_for(session, expert, assignment_id, lock=True)
    if seat.status != AssignmentStatus.ACCEPTED:
        raise Conflict("请先接受邀请；评审提交后不可修改。Accept the invitation first; a submitted "
                       "review cannot be changed.", current_status=seat.status.value)
    problems = scoring.check_scores(data.scores)
    if problems:
        raise InvalidInput("scores", "；".join(problems))
    _refuse_if_conflicted(session, _request_of(session, seat), seat)
    seat.scores, seat.comments = dict(data.scores), dict(data.comments)
    seat.recommendation, seat.trl = data.recommendation, data.trl
    seat.confidential_note = data.confidential_note or None
    seat.status, seat.submitted_at = AssignmentStatus.SUBMITTED, utcnow()
    session.flush()
    audit.record(session, actor, "review.submit", "review_assignment", seat.id,
                 after={"request_id": seat.request_id, "recommendation": data.recommendation,
                        "trl": data.trl, "overall": str(scoring.overall(data.scores))})
    request = _request_of(session, seat)
    _maybe_decide(session, request)
    return seat


def _request_of(session: Session, seat: ReviewAssignment) -> PocRequest:
    request = session.get(PocRequest, seat.request_id, with_for_update=True)
    if request is None:  # seats go with their request (ON DELETE CASCADE): never here
        raise NotFound(NO_REQUEST)
    return request


# --- outcome ----------------------------------------------------------------------------------

def submitted(session: Session, request: PocRequest) -> list[ReviewAssignment]:
    """The submitted reviews that count: not one whose expert has a conflict of interest with
    the organisation as things stand now (one recorded after the review was in voids it; the
    organiser swaps the seat)."""
    return [s for s in seats(session, request.id) if s.status == AssignmentStatus.SUBMITTED
            and not _conflicts_now(session, request, s)]


def panel_complete(session: Session, request: PocRequest) -> bool:
    return len(submitted(session, request)) >= len(request.mix) > 0


def aggregate_of(session: Session, request: PocRequest) -> scoring.Aggregate | None:
    return scoring.aggregate([s.scores or {} for s in submitted(session, request)])


def _summary(agg: scoring.Aggregate, recommendations: Sequence[str], passed: bool) -> str:
    yes = sum(r == "pass" for r in recommendations)
    return (f"专家组（{agg.reviews}人）综合评分中位数 {agg.overall_median}（满分5），{yes}人建议通过；"
            f"结论：{'通过概念验证' if passed else '未通过概念验证'}。")


def _maybe_decide(session: Session, request: PocRequest) -> None:
    """When every seat has reviewed and no review is an outlier, the outcome follows the form's
    rule (`scoring.passes`); an outlier waits for the administrator's decision."""
    if request.status != PocStatus.REVIEWING or not panel_complete(session, request):
        return
    agg = aggregate_of(session, request)
    if agg is None or agg.outliers:
        return
    done = submitted(session, request)
    recommendations = [str(s.recommendation) for s in done]
    passed = scoring.passes(agg, recommendations)
    trl = scoring.lower_median([s.trl or 1 for s in done])
    _record(session, audit.SYSTEM, request, passed, trl, _summary(agg, recommendations, passed),
            agg.overall_median)


def decide(session: Session, actor: audit.Actor, request: PocRequest, data: schemas.PocDecisionIn
           ) -> None:
    _status(request, PocStatus.REVIEWING)
    if not panel_complete(session, request):
        raise Conflict("评审尚未全部提交。Not every panel member has submitted.")
    agg = aggregate_of(session, request)
    _record(session, actor, request, data.passed, data.reviewed_trl,
            data.summary or (_summary(agg, [str(s.recommendation) for s in
                                            submitted(session, request)], data.passed)
                             if agg else ""), agg.overall_median if agg else None)


def _record(session: Session, actor: audit.Actor, request: PocRequest, passed: bool, trl: int,
            summary: str, score: Decimal | None) -> None:
    request.status = PocStatus.PASSED if passed else PocStatus.NOT_PASSED
    request.decided_at, request.decided_on = utcnow(), today()
    request.reviewed_trl, request.summary, request.score = trl, summary, score
    session.flush()
    listings.record_poc_outcome(session, request.achievement_id, trl,
                                request.decided_on if passed else None,
                                summary if request.publish_summary else None, actor)
    notices.decided(session, request)
    audit.record(session, actor, "poc.decide", "poc_request", request.id,
                 after={"status": request.status, "reviewed_trl": trl,
                        "score": str(score) if score is not None else None})


def needs_attention(session: Session, request: PocRequest) -> bool:
    if request.status != PocStatus.REVIEWING:
        return False
    agg = aggregate_of(session, request)
    return panel_complete(session, request) and agg is not None and bool(agg.outliers)



def list_all(session: Session) -> Sequence[PocRequest]:
    return session.execute(select(PocRequest).order_by(PocRequest.id)).scalars().all()
