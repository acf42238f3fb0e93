"""Answers of the experts domain as each reader may see them: the organiser (administrators)
sees everything; the institute its request and, once decided, the anonymous reviews; an expert
their own seat and the other reviews only after submitting their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from statistics import median

from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import User
from backend.core import tabular
from backend.core.errors import Conflict, NotFound
from backend.core.permissions import Role
from backend.experts import poc, schemas, scoring
from backend.experts.models import AssignmentStatus, ExpertProfile, PocRequest, PocStatus
from backend.experts.models import ReviewAssignment as Seat
from backend.listings import lookup as listings

DECIDED = (PocStatus.PASSED, PocStatus.NOT_PASSED)


def _experts(session: Session, ids: Sequence[int]) -> dict[int, ExpertProfile]:
    return {i: p for i in set(ids) if (p := session.get(ExpertProfile, i)) is not None}


def request_views(session: Session, user: User, requests: Sequence[PocRequest]
                  ) -> list[schemas.PocRequestOut]:
    briefs = listings.achievement_briefs(session, [r.achievement_id for r in requests])
    names = accounts.organisation_names(session, sorted({r.organisation_id for r in requests}))
    out = []
    for r in requests:
        brief = briefs[r.achievement_id]
        view = schemas.PocRequestOut(
            id=r.id, achievement_id=r.achievement_id, achievement_title=brief.title,
            organisation_id=r.organisation_id, organisation_name=names.get(r.organisation_id, ""),
            field_code=r.field_code, note=r.note, publish_summary=r.publish_summary,
            mix=list(r.mix), status=r.status, admin_note=r.admin_note, created_at=r.created_at,
            accepted_at=r.accepted_at, decided_at=r.decided_at, decided_on=r.decided_on,
            declared_trl=brief.trl, reviewed_trl=r.reviewed_trl, score=r.score,
            summary=r.summary if (user.role == Role.ADMIN or r.status in DECIDED) else None)
        if user.role == Role.ADMIN:
            seats = poc.seats(session, r.id)
            experts = _experts(session, [s.expert_id for s in seats])
            view.panel = [schemas.SeatOut(
                id=s.id, expert_id=s.expert_id, expert_name=experts[s.expert_id].name,
                organisation_name=experts[s.expert_id].organisation_name, kind=s.kind,
                similarity=s.similarity, status=s.status, submitted_at=s.submitted_at)
                for s in seats]
            view.needs_attention = poc.needs_attention(session, r)
        out.append(view)
    return out


def _review(seat: Seat, *, organiser: bool, outlier: bool = False) -> schemas.ReviewOut:
    scores = dict(seat.scores or {})
    return schemas.ReviewOut(
        assignment_id=seat.id, kind=seat.kind, scores=scores, comments=dict(seat.comments or {}),
        recommendation=seat.recommendation or "revise", trl=seat.trl or 1,
        overall=scoring.overall(scores).quantize(scoring.TWO_PLACES), outlier=outlier,
        confidential_note=seat.confidential_note if organiser else None)


def _aggregate_out(agg: scoring.Aggregate | None, seats: int, outlier_ids: list[int]
                   ) -> schemas.AggregateOut | None:
    if agg is None:
        return None
    return schemas.AggregateOut(
        reviews=agg.reviews, seats=seats, overall_mean=agg.overall_mean,
        overall_median=agg.overall_median, overall_mad=agg.overall_mad, outliers=outlier_ids,
        criteria=[schemas.CriterionSummaryOut(code=c.code, weight=c.weight, mean=c.mean,
                                              median=c.median, spread=c.spread, mad=c.mad,
                                              disagreement=c.disagreement)
                  for c in agg.criteria])


def report(session: Session, user: User, request: PocRequest) -> schemas.ReportOut:
    """The organiser's report (confidential notes, outliers); the institute's once decided."""
    organiser = user.role == Role.ADMIN
    if not organiser and request.status not in DECIDED:
        raise Conflict("评审结论公布后方可查看报告。The report is available once decided.")
    done = poc.submitted(session, request)
    agg = scoring.aggregate([s.scores or {} for s in done])
    outliers = [done[i].id for i in agg.outliers] if agg and organiser else []
    return schemas.ReportOut(
        request=request_views(session, user, [request])[0],
        aggregate=_aggregate_out(agg, len(request.mix), outliers),
        reviews=[_review(s, organiser=organiser, outlier=s.id in outliers) for s in done])


def assignment_view(session: Session, seat: Seat) -> schemas.AssignmentOut:
    request = session.get(PocRequest, seat.request_id)
    if request is None:  # seats go with their request (ON DELETE CASCADE): never here
        raise NotFound(poc.NO_REQUEST)
    title, abstract, _ = listings.achievement_text(session, request.achievement_id)
    brief = listings.achievement_brief(session, request.achievement_id)
    mine_in = seat.status == AssignmentStatus.SUBMITTED
    others = ([_review(s, organiser=False) for s in poc.submitted(session, request)
               if s.id != seat.id] if mine_in else None)
    return schemas.AssignmentOut(
        id=seat.id, request_id=request.id, status=seat.status, kind=seat.kind,
        achievement_id=request.achievement_id, achievement_title=title,
        achievement_abstract=abstract, declared_trl=brief.trl, request_note=request.note,
        form=[schemas.CriterionOut(code=c.code, weight=c.weight, low=c.low, high=c.high)
              for c in scoring.POC_FORM],
        mine=_review(seat, organiser=True) if mine_in else None, others=others)


def _row(field: str, rows: Sequence[PocRequest]) -> schemas.PocStatsRow:
    decided = [r for r in rows if r.status in DECIDED]
    passed = sum(r.status == PocStatus.PASSED for r in decided)
    days = [Decimal((r.decided_at - r.created_at).total_seconds()) / Decimal(86400)
            for r in decided if r.decided_at is not None]
    return schemas.PocStatsRow(
        field_code=field, requests=len(rows), decided=len(decided), passed=passed,
        pass_rate=(Decimal(passed) / Decimal(len(decided))).quantize(scoring.TWO_PLACES)
        if decided else None,
        median_days_to_decision=Decimal(median(days)).quantize(Decimal("0.1"))
        if days else None)


def stats(session: Session) -> schemas.PocStatsOut:
    """Requests, pass rate and median days from request to decision, overall and by field
    (declined requests count as requests, not decisions)."""
    rows = list(poc.list_all(session))
    by_field: defaultdict[str, list[PocRequest]] = defaultdict(list)
    for r in rows:
        by_field[r.field_code].append(r)
    return schemas.PocStatsOut(total=_row("", rows),
                               by_field=[_row(f, by_field[f]) for f in sorted(by_field)])


_CRITERION_ZH = {"technical_maturity": "技术成熟度", "ip_strength": "知识产权强度与自由实施",
                 "market_size": "市场规模", "team": "团队", "cost_to_pilot": "中试成本"}
_RECOMMENDATION_ZH = {"pass": "建议通过", "revise": "修改后再评", "fail": "不建议通过"}
# An export carries words, not codes (the bureau's staff read it).
_KIND_ZH = {"scientist": "科学家", "entrepreneur": "企业家", "investor": "投资人",
            "ip_legal": "知识产权/法务", "finance": "金融"}
_STATUS_ZH = {"requested": "已申请", "panel": "组建评审组", "reviewing": "评审中",
              "passed": "通过概念验证", "not_passed": "未通过", "declined": "未受理"}


def report_table(report: schemas.ReportOut) -> tabular.Table:
    """The report as one sheet: a row per review (no reviewer names), then the panel's mean,
    median and spread per criterion, then the outcome."""
    codes = [c.code for c in scoring.POC_FORM]
    columns = ["评审 Review", "专家类型 Kind",
               *(_CRITERION_ZH[c] for c in codes),
               "综合评分 Overall", "建议 Recommendation", "评定TRL Reviewed TRL",
               "意见 Comments", "保密意见 Confidential note"]
    rows: list[Sequence[object]] = []
    for i, r in enumerate(report.reviews, start=1):
        rows.append([f"#{i}{'（离群 outlier）' if r.outlier else ''}", _KIND_ZH[r.kind.value],
                     *(r.scores.get(c) for c in codes), r.overall,
                     _RECOMMENDATION_ZH[r.recommendation.value], r.trl,
                     "；".join(f"{_CRITERION_ZH.get(k, k)}：{v}" for k, v in r.comments.items()),
                     r.confidential_note or ""])
    agg = report.aggregate
    if agg is not None:
        by_code = {c.code: c for c in agg.criteria}
        for label, attr, overall in (("加权平均 Mean", "mean", agg.overall_mean),
                                     ("中位数 Median", "median", agg.overall_median)):
            rows.append([label, "", *(getattr(by_code[c], attr) for c in codes), overall,
                         "", None, "", ""])
        rows.append(["分差 Spread", "", *(Decimal(by_code[c].spread) for c in codes),
                     agg.overall_mad, "MAD", None, "", ""])
    request = report.request
    rows.append(["结论 Outcome", "", *([""] * len(codes)), request.score,
                 _STATUS_ZH[request.status.value], request.reviewed_trl, request.summary or "",
                 ""])
    return tabular.Table(name=f"poc-{request.id}", columns=columns, rows=rows)
