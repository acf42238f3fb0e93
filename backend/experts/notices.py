"""Who hears about a proof-of-concept review: the expert when a seat is offered or withdrawn,
the administrators when an expert answers, the institute when the outcome is recorded.

Through the platform's one notification kit (`intake.notices` → `deals.notifications`). A
title names the request and the achievement, never a reviewer: the institute must not learn
who sits on its panel."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.experts.models import PocRequest, PocStatus, ReviewAssignment
from backend.intake import notices
from backend.listings import lookup as listings


def _title(request: PocRequest, text: str) -> str:
    return f"概念验证 #{request.id}：{text}"


def _achievement(session: Session, request: PocRequest) -> str:
    return listings.achievement_brief(session, request.achievement_id).title


def invited(session: Session, request: PocRequest, seat: ReviewAssignment) -> None:
    notices.send(session, [seat.expert_id], "panel.invited",
                 _title(request, "邀请您担任评审专家"),
                 f"科技成果「{_achievement(session, request)}」的概念验证评审邀请您加入专家组，"
                 "请在“我的评审”中接受或谢绝。")


def withdrawn(session: Session, request: PocRequest, seat: ReviewAssignment) -> None:
    notices.send(session, [seat.expert_id], "panel.withdrawn",
                 _title(request, "评审邀请已撤回"),
                 f"组织方调整了科技成果「{_achievement(session, request)}」的评审专家组，"
                 "您的评审邀请已撤回，无需再处理。")


def answered(session: Session, request: PocRequest, seat: ReviewAssignment, name: str,
             accepted: bool, replacement: ReviewAssignment | None) -> None:
    if accepted:
        body = f"专家 {name} 已接受科技成果「{_achievement(session, request)}」的评审邀请。"
    elif replacement is not None:
        body = (f"专家 {name} 谢绝了科技成果「{_achievement(session, request)}」的评审邀请；"
                "平台已按同样的回避与额度规则推荐替补人选，请确认或替换。")
    else:
        body = (f"专家 {name} 谢绝了科技成果「{_achievement(session, request)}」的评审邀请；"
                "没有符合回避与额度规则的替补人选，请手动替换。")
    notices.send(session, notices.admins(session),
                 "panel.accepted" if accepted else "panel.declined",
                 _title(request, "专家已接受邀请" if accepted else "专家谢绝邀请"), body)


def decided(session: Session, request: PocRequest) -> None:
    outcome = "通过概念验证" if request.status == PocStatus.PASSED else "未通过概念验证"
    notices.send(session, notices.org_members(session, request.organisation_id), "poc.decided",
                 _title(request, f"评审结论：{outcome}"),
                 f"科技成果「{_achievement(session, request)}」的概念验证评审已有结论（{outcome}，"
                 f"评定技术成熟度 TRL {request.reviewed_trl}），可下载评审报告。")
