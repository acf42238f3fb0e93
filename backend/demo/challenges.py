"""Demo challenges (揭榜挂帅): one open with two proposals in, and one reviewed by a panel,
awarded and in delivery with its first milestone accepted, paid and confirmed by the winner.
Everything goes through the services, so each step is audited as in production."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import Actor
from backend.challenges import milestones, proposals, review, schemas, selection, service
from backend.challenges.models import Challenge, ChallengeStatus
from backend.core import clock
from backend.experts.models import ExpertKind


def _user(session: Session, username: str) -> User:
    return session.execute(select(User).where(User.username == username)).scalar_one()


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username)


def _challenge(title: str, problem: str, indicator: tuple[str, str, str, str], prize: str,
               days: int) -> schemas.ChallengeIn:
    deadline = clock.today() + timedelta(days=days)
    whole = Decimal(prize)
    first = (whole * Decimal("0.4")).quantize(Decimal("0.01"))
    name, unit, comparator, threshold = indicator
    target = {"name": name, "unit": unit, "comparator": comparator, "threshold": threshold}
    return schemas.ChallengeIn.model_validate({
        "title": title, "problem": problem, "indicators": [target], "prize": prize,
        "milestones": [
            {"title": "样品验证", "indicators": [target],
             "due_on": (deadline + timedelta(days=90)).isoformat(), "amount": str(first)},
            {"title": "小批量验证", "indicators": [],
             "due_on": (deadline + timedelta(days=180)).isoformat(),
             "amount": str(whole - first)}],
        "review_criteria": [{"name": "技术可行性", "weight": 50},
                            {"name": "指标承诺", "weight": 30},
                            {"name": "团队与计划", "weight": 20}],
        "deadline": deadline.isoformat()})


def _proposal(approach: str, team: str, threshold: str, budget: str) -> schemas.ChallengeProposalIn:
    return schemas.ChallengeProposalIn.model_validate({
        "approach": approach, "team": team,
        "indicators": [{"name": "翘曲量", "unit": "mm", "comparator": "≤", "threshold": threshold}],
        "plan": [{"title": "样品与验证", "due_on": (clock.today() + timedelta(days=200)).isoformat(),
                  "amount": budget}],
        "budget": budget, "ip_arrangement": "背景知识产权归各自所有，新成果归发榜方，解题方保留署名权。"})


def seed_challenges(session: Session) -> None:
    if session.execute(select(Challenge.id)).first():
        return
    firm, inst1, inst2 = (_user(session, u) for u in ("firm1", "inst1", "inst2"))
    # Open: two proposals in.
    opened = service.create(session, _actor(firm), firm, _challenge(
        "大尺寸封装基板翘曲控制技术", "回流焊后封装基板翘曲超标，需要低膨胀材料与工艺方案，"
        "在现有产线上实现。", ("翘曲量", "mm", "≤", "0.1"), "1500000.00", 30))
    service.transition(session, _actor(firm), firm, opened, ChallengeStatus.PUBLISHED, None)
    proposals.submit(session, _actor(inst1), inst1, opened, _proposal(
        "低膨胀树脂体系加分段回流工艺。", "材料学院课题组（教授2人、博士后3人）", "0.08", "1200000.00"))
    proposals.submit(session, _actor(inst2), inst2, opened, _proposal(
        "复合玻纤增强与仿真优化的叠层设计。", "海洋材料研究室（研究员1人、工程师4人）", "0.09", "1000000.00"))
    # Reviewed, awarded, in delivery.
    done = service.create(session, _actor(firm), firm, _challenge(
        "伺服电机编码器国产化", "进口编码器交期长、成本高，需要分辨率不低于23位的国产方案。",
        ("分辨率", "bit", "≥", "23"), "800000.00", 20))
    service.transition(session, _actor(firm), firm, done, ChallengeStatus.PUBLISHED, None)
    answers = [proposals.submit(session, _actor(who), who, done, _proposal(
        text, team, "0.1", budget)) for who, text, team, budget in (
        (inst1, "磁电式编码器与自研插值芯片。", "电气学院团队", "700000.00"),
        (inst2, "光电式编码器与高精度码盘工艺。", "精密仪器团队", "750000.00"))]
    service.transition(session, _actor(firm), firm, done, ChallengeStatus.CLOSED, None)
    seats = review.ask(session, _actor(firm), firm, done, schemas.ReviewRequestIn(
        seats=[ExpertKind.SCIENTIST, ExpertKind.ENTREPRENEUR]))
    for n, seat in enumerate(seats):
        expert = session.get_one(User, seat.expert_id)
        review.submit(session, _actor(expert), expert, done, schemas.ScoreSheetIn.model_validate({
            "reviews": [{"proposal_id": answers[0].id, "scores": {"c1": 3, "c2": 4 - n, "c3": 3}},
                        {"proposal_id": answers[1].id, "scores": {"c1": 5, "c2": 4, "c3": 4},
                         "comment": "工艺成熟，指标有余量。"}]}))
    selection.select_proposals(session, _actor(firm), firm, done, schemas.SelectionIn(
        awards=[schemas.AwardIn(proposal_id=answers[1].id, amount=done.prize + done.top_up,
                                reason="专家评审第一，工艺成熟")]))
    service.transition(session, _actor(firm), firm, done, ChallengeStatus.IN_DELIVERY, None)
    first = milestones.for_challenge(session, done)[0]
    milestones.record_evidence(session, _actor(inst2), inst2, done, first.id,
                               "样品测试报告：分辨率23位，温漂满足要求。")
    milestones.record_decision(session, _actor(firm), firm, done, first.id, True, "达标")
    milestones.record_payment(session, _actor(firm), firm, done, first.id, clock.today(),
                              "DEMO-CH-0001")
    milestones.record_receipt(session, _actor(inst2), inst2, done, first.id, True, None)
    session.flush()
