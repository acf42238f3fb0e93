"""Demo intake for `techbroker seed-demo`: the brokers' directory profiles and training, three
help requests (one taken by 陈思远, with a visit and a drafted demand with a dossier waiting for
福州智造装备's approval; one confidential, offered; one nobody took, escalated), and a published
demand with a dossier that 闽江理工大学 asked to see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import clock
from backend.core.types import utcnow
from backend.demo.rewards import _actor, _user
from backend.intake import dossiers, drafts, grades, requests, visits
from backend.intake.access import request_for
from backend.intake.models import DirectoryProfile, HelpRequest, TrainingKind
from backend.intake.schemas import DossierIn, DraftIn, HelpRequestIn, TrainingIn, VisitIn
from backend.listings.models import Demand, DemandStatus, Field

PROFILES = {
    "broker1": ("福州市", ["中文", "English"], "十二年技术转移经验，专注智能装备与电子信息，"
                                            "擅长为中小制造企业梳理工艺难题并对接高校团队。"),
    "broker2": ("厦门市", ["中文", "闽南语"], "新材料与化工方向，熟悉中试放大与技术许可合同。"),
    "broker3": ("漳州市", ["中文"], "生物医药与现代农业方向的初级经纪人。"),
}
TRAINING = [  # broker, course or exam, title, hours, exam level, passed, days ago
    ("broker1", TrainingKind.COURSE, "技术经纪人高级研修班", Decimal("120"), None, None, 400),
    ("broker1", TrainingKind.EXAM, "高级技术经纪人考核", None, "senior", True, 380),
    ("broker2", TrainingKind.COURSE, "技术经纪人中级培训", Decimal("48"), None, None, 200),
    ("broker3", TrainingKind.COURSE, "技术经纪人初级培训", Decimal("32"), None, None, 90),
]
SECRET = ("工艺窗口：焊接电流220–240 A，焊速0.6 m/min；现用夹具重复定位误差±0.35 mm；"
          "目标返修率低于3%。附现场焊缝照片与夹具图纸。")


def _field(session: Session, code: str) -> int:
    return session.execute(select(Field.id).where(Field.code == code)).scalar_one()


def _profiles_and_training(session: Session, admin: User) -> None:
    for username, (region, languages, bio) in PROFILES.items():
        broker = _user(session, username)
        session.add(DirectoryProfile(user_id=broker.id, region=region, languages=languages,
                                     bio=bio))
    for username, kind, title, hours, level, passed, days in TRAINING:
        broker = _user(session, username)
        grades.record_training(session, _actor(admin), broker.id, TrainingIn.model_validate({
            "kind": kind, "title": title, "hours": hours, "exam_level": level,
            "passed": passed, "completed_on": clock.today() - timedelta(days=days),
            "certificate_no": f"PX-{broker.id:04d}-{days}"}))
    session.flush()


def _taken_request(session: Session, firm: User, broker: User) -> None:
    request = requests.ask(session, _actor(firm), firm, HelpRequestIn(
        description="焊装车间返修率偏高，说不清需要什么技术，希望经纪人来现场看看。",
        preferred_times="工作日上午", field_id=_field(session, "equipment.robotics"),
        broker_id=broker.id))
    requests.accept(session, _actor(broker), request_for(session, broker, request.id))
    access = request_for(session, broker, request.id)
    visits.record_visit(session, _actor(broker), access, VisitIn(
        visited_on=clock.today() - timedelta(days=2), attendees="生产总监、焊接工艺主管、设备科长",
        findings="六轴机器人焊缝跟踪偏差大，夹具重复定位误差明显，返修率约12%。",
        follow_ups="企业提供近三个月返修数据；下周再访并起草需求。"))
    draft = drafts.create_draft(session, _actor(broker), access, DraftIn.model_validate({
        "demand": {"title": "焊装车间焊缝跟踪精度提升",
                   "description": "为六轴焊接机器人加装视觉纠偏，将焊缝跟踪偏差控制在0.2毫米以内，"
                                  "返修率降至3%以下，可与现有控制器对接。",
                   "field_id": _field(session, "equipment.robotics"),
                   "keywords": ["焊缝跟踪", "视觉纠偏"], "budget_min": "300000",
                   "budget_max": "800000", "modes": ["development"], "min_trl": 5,
                   "region": "福州市", "visibility": "brokers", "anonymous": False}}))
    row, draft_access = drafts.draft_for(session, broker, draft.id)
    dossiers.put_for_draft(session, _actor(broker), row, draft_access.seat, broker,
                           DossierIn(details=SECRET, volumes="年焊接工件约2万件",
                                     budget=Decimal("600000")))
    drafts.submit(session, _actor(broker), row, draft_access)


def _dossier_on_a_demand(session: Session, firm: User, institute: User) -> None:
    demand = session.execute(select(Demand).where(
        Demand.organisation_id == firm.organisation_id, Demand.status == DemandStatus.PUBLISHED)
        .order_by(Demand.id)).scalars().first()
    if demand is None:
        return
    dossier = dossiers.put_for_demand(session, _actor(firm), firm, demand.id, DossierIn(
        details="关键工艺参数与设备清单（保密）：见附图；现有产线节拍45秒/件。",
        volumes="首批需求3条产线", budget=Decimal("1200000")))
    view = dossiers.dossier_for(session, institute, dossier.id)
    dossiers.request_access(session, _actor(institute), view, "我校团队希望评估合作可行性。")


def seed_intake(session: Session) -> None:
    if session.execute(select(HelpRequest.id)).first():
        return
    admin = _user(session, "admin")
    _profiles_and_training(session, admin)
    firm1, firm2, firm3 = (_user(session, f"firm{n}") for n in (1, 2, 3))
    _taken_request(session, firm1, _user(session, "broker1"))
    requests.ask(session, _actor(firm2), firm2, HelpRequestIn(
        description="新材料涂层附着力不稳定，不便公开细节，希望资深经纪人保密对接。",
        preferred_times="周三下午", field_id=_field(session, "materials"), confidential=True))
    waiting = requests.ask(session, _actor(firm3), firm3, HelpRequestIn(
        description="环保设备能耗偏高，想找高校合作但不知从何入手。",
        field_id=_field(session, "environment")))
    waiting.created_at = utcnow() - timedelta(days=10)
    session.flush()
    requests.escalate_overdue(session)
    _dossier_on_a_demand(session, firm1, _user(session, "inst1"))
