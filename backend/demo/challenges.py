"""Demo challenges (揭榜挂帅), in the order they are created:

1. open, with two joint-team proposals in: one whose member organisation has not answered its
   invitation yet, one whose member accepted;
2. reviewed by a panel, awarded and in delivery: the winner named a broker, so the award's
   deal has a lead, who recorded the technology contract; the parties confirmed it and it was
   registered; the first milestone was accepted, paid (a payment on that contract: the
   milestones are its schedule) and confirmed received by the winner;
3. closed and under review, with its expert seats assigned and no scores in yet;
4. the bureau's own challenge, open (the administrators act as its issuer).

Everything goes through the services, so each step is audited as in production."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import load_user
from backend.audit.service import Actor
from backend.challenges import milestones, proposals, review, schemas, selection, service
from backend.challenges.models import Challenge, ChallengeStatus
from backend.core import clock
from backend.deals import brokers, contracts, evidence, pipeline
from backend.deals.access import DealAccess, deal_for
from backend.deals.models import ContractType, EvidenceKind, Stage
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


def _proposal(approach: str, team: str, threshold: str, budget: str, *,
              members: list[int] | None = None, broker_id: int | None = None
              ) -> schemas.ChallengeProposalIn:
    return schemas.ChallengeProposalIn.model_validate({
        "approach": approach, "team": team, "member_org_ids": members or [],
        "broker_id": broker_id,
        "indicators": [{"name": "翘曲量", "unit": "mm", "comparator": "≤", "threshold": threshold}],
        "plan": [{"title": "样品与验证", "due_on": (clock.today() + timedelta(days=200)).isoformat(),
                  "amount": budget}],
        "budget": budget, "ip_arrangement": "背景知识产权归各自所有，新成果归发榜方，解题方保留署名权。"})


def seed_challenges(session: Session) -> None:
    if session.execute(select(Challenge.id)).first():
        return
    firm, inst1, inst2, inst3, inst4 = (_user(session, u) for u in (
        "firm1", "inst1", "inst2", "inst3", "inst4"))
    # Open: two joint-team proposals in (inst3 not answered yet, inst4 accepted).
    opened = service.create(session, _actor(firm), firm, _challenge(
        "大尺寸封装基板翘曲控制技术", "回流焊后封装基板翘曲超标，需要低膨胀材料与工艺方案，"
        "在现有产线上实现。", ("翘曲量", "mm", "≤", "0.1"), "1500000.00", 30))
    service.transition(session, _actor(firm), firm, opened, ChallengeStatus.PUBLISHED, None)
    proposals.submit(session, _actor(inst1), inst1, opened, _proposal(
        "低膨胀树脂体系加分段回流工艺。", "材料学院课题组（教授2人、博士后3人）与先进材料所联合", "0.08",
        "1200000.00", members=[inst3.organisation_id or 0]))
    joint = proposals.submit(session, _actor(inst2), inst2, opened, _proposal(
        "复合玻纤增强与仿真优化的叠层设计。", "海洋材料研究室（研究员1人、工程师4人）与泉州工研院联合",
        "0.09", "1000000.00", members=[inst4.organisation_id or 0]))
    proposals.answer(session, _actor(inst4), inst4, opened, joint, True)
    # Reviewed, awarded, in delivery.
    done = service.create(session, _actor(firm), firm, _challenge(
        "伺服电机编码器国产化", "进口编码器交期长、成本高，需要分辨率不低于23位的国产方案。",
        ("分辨率", "bit", "≥", "23"), "800000.00", 20))
    service.transition(session, _actor(firm), firm, done, ChallengeStatus.PUBLISHED, None)
    # the second names a broker: when it wins, the broker is asked to lead the award's deal
    broker_id = _user(session, "broker1").id
    answers = [proposals.submit(session, _actor(who), who, done, _proposal(
        text, team, "0.1", budget, broker_id=broker)) for who, text, team, budget, broker in (
        (inst1, "磁电式编码器与自研插值芯片。", "电气学院团队", "700000.00", None),
        (inst2, "光电式编码器与高精度码盘工艺。", "精密仪器团队", "750000.00", broker_id))]
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
    _contract(session, done, firm, inst2)
    first = milestones.for_challenge(session, done)[0]
    milestones.record_evidence(session, _actor(inst2), inst2, done, first.id,
                               "样品测试报告：分辨率23位，温漂满足要求。")
    milestones.record_decision(session, _actor(firm), firm, done, first.id, True, "达标")
    milestones.record_payment(session, _actor(firm), firm, done, first.id, clock.today(),
                              "DEMO-CH-0001")
    milestones.record_receipt(session, _actor(inst2), inst2, done, first.id, True, None)
    # Under review: closed, the panel seated, no scores in yet.
    firm2 = _user(session, "firm2")
    reviewing = service.create(session, _actor(firm2), firm2, _challenge(
        "海水淡化反渗透膜抗污染改性", "反渗透膜在高污染海水中通量衰减快，需要抗污染改性方案，"
        "清洗周期延长一倍以上。", ("通量衰减", "%", "≤", "15"), "600000.00", 25))
    service.transition(session, _actor(firm2), firm2, reviewing, ChallengeStatus.PUBLISHED, None)
    for who, text, team, budget in (
            (inst2, "两性离子聚合物表面接枝改性。", "膜材料课题组", "550000.00"),
            (inst3, "石墨烯氧化物复合涂层。", "功能材料团队", "580000.00")):
        proposals.submit(session, _actor(who), who, reviewing, _proposal(text, team, "12", budget))
    service.transition(session, _actor(firm2), firm2, reviewing, ChallengeStatus.CLOSED, None)
    review.ask(session, _actor(firm2), firm2, reviewing, schemas.ReviewRequestIn(
        seats=[ExpertKind.SCIENTIST, ExpertKind.ENTREPRENEUR]))
    # The bureau's own challenge, open.
    admin = _user(session, "admin")
    bureau = service.create(session, _actor(admin), admin, _challenge(
        "工业软件国产化：注塑成型工艺仿真", "区域注塑企业依赖进口仿真软件，需要满足常用材料库与翘曲预测"
        "精度要求的国产仿真方案。", ("翘曲预测误差", "%", "≤", "10"), "2000000.00", 40))
    service.transition(session, _actor(admin), admin, bureau, ChallengeStatus.PUBLISHED, None)
    session.flush()


def _contract(session: Session, challenge: Challenge, firm: User, winner: User) -> None:
    """The award's deal: its broker records the development contract (the award's amount,
    signed a fortnight ago), both parties confirm it, and it is registered."""
    deal_id = selection.awards_of(session, challenge)[0].deal_id
    if deal_id is None:
        return
    broker = _user(session, "broker1")
    amount = challenge.prize + challenge.top_up

    def access(user: User) -> DealAccess:
        session.flush()
        loaded = load_user(session, user.id)
        if loaded is None:
            raise LookupError(user.username)
        return deal_for(session, loaded, deal_id, lock=True)

    # the broker the winner named accepts leading the deal
    brokers.answer_invitation(session, _actor(broker), access(broker), True)
    contracts.record_contract(session, _actor(broker), access(broker),
                              name=f"{challenge.title}技术开发合同", type_=ContractType.DEVELOPMENT,
                              amount=amount, signed_on=clock.today() - timedelta(days=14),
                              buyer_org_id=firm.organisation_id or 0,
                              seller_org_id=winner.organisation_id or 0)
    pipeline.request_transition(session, _actor(broker), access(broker), Stage.SIGNED, None)
    contracts.register_contract(session, _actor(broker), access(broker),
                                registration_no=f"{clock.today().year}350100900001",
                                registered_on=clock.today() - timedelta(days=7),
                                technology_amount=amount)
    for party in (firm, winner):
        version = access(party).deal.contract.evidence_version  # type: ignore[union-attr]
        evidence.answer(session, _actor(party), access(party), EvidenceKind.CONTRACT, None,
                        version, True, None)
