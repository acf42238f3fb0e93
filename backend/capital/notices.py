"""Who hears about the capital chain, through the platform's one notification kit
(`intake.notices` → `deals.notifications`), in the same transaction as the change:

- a request published: the members of every verified investor whose mandate it fits (all
  investors) or of each named investor (named audience) — nobody outside its audience;
- a question asked: the owner's members; answered: the asking investor's members;
- an outcome recorded with money: the owner's members (to confirm or dispute); confirmed or
  disputed: the investor's members;
- a roadshow invitation: the invited request's owner, or the invited investor's members;
- a registration: the administrator who organised the roadshow.

A title names the request or the roadshow, never an investor: an owner learns who is
interested from the request's own page, where the rules of who sees what apply."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User, VerificationStatus
from backend.capital.models import (
    FinancingAudience,
    FinancingRequest,
    Interest,
    Mandate,
    NamedInvestor,
    Roadshow,
)
from backend.core.permissions import Role
from backend.intake import notices
from backend.listings import taxonomy


def investor_members(session: Session, org_ids: Iterable[int]) -> list[int]:
    ids = set(org_ids)
    if not ids:
        return []
    return list(session.execute(select(User.id).where(
        User.organisation_id.in_(ids), User.is_active.is_(True), User.role == Role.INVESTOR)
        .order_by(User.id)).scalars())


def _request_title(request: FinancingRequest, text: str) -> str:
    return f"融资需求 #{request.id}：{text}"


def _roadshow_title(roadshow: Roadshow, text: str) -> str:
    return f"路演 #{roadshow.id}：{text}"


def _verified_investors(session: Session, org_ids: Iterable[int] | None = None) -> list[int]:
    query = select(Organisation.id).where(
        Organisation.kind == OrgKind.INVESTOR,
        Organisation.verification_status == VerificationStatus.VERIFIED)
    if org_ids is not None:
        query = query.where(Organisation.id.in_(set(org_ids)))
    return list(session.execute(query).scalars())


def published(session: Session, request: FinancingRequest, *, exclude: int | None = None
              ) -> None:
    """A new request: to the named investors, or to every verified investor it fits."""
    from backend.capital import feed, service

    if request.audience == FinancingAudience.NAMED:
        named = session.execute(select(NamedInvestor.organisation_id).where(
            NamedInvestor.request_id == request.id)).scalars()
        orgs = _verified_investors(session, named)
    else:
        verified = set(_verified_investors(session))
        mandates = session.execute(select(Mandate).where(
            Mandate.organisation_id.in_(verified))).scalars().all() if verified else []
        parents = {f.id: f.parent_id for f in taxonomy.all_fields(session)}
        poc = service.poc_of(session, [request]).get(request.id)
        orgs = [m.organisation_id for m in mandates
                if feed.fit(request, m, parents, poc).fits]
    named_audience = request.audience == FinancingAudience.NAMED
    text = "一项融资需求指定贵机构查看" if named_audience else "新的融资需求符合贵机构的投资偏好"
    notices.send(session, investor_members(session, orgs),
                 "financing.addressed" if named_audience else "financing.fits_mandate",
                 _request_title(request, text),
                 f"「{request.title}」（{request.amount} 元）已发布，可在“项目推荐”中查看。",
                 exclude=exclude)


def question(session: Session, request: FinancingRequest, user_id: int) -> None:
    notices.send(session, notices.org_members(session, request.organisation_id),
                 "financing.question", _request_title(request, "投资机构提问"),
                 f"有投资机构就「{request.title}」提问，请在融资需求页面答复。", exclude=user_id)


def answered(session: Session, request: FinancingRequest, investor_id: int, user_id: int
             ) -> None:
    notices.send(session, investor_members(session, [investor_id]), "financing.answered",
                 _request_title(request, "融资方已答复"),
                 f"「{request.title}」的融资方答复了贵机构的提问。", exclude=user_id)


def outcome(session: Session, request: FinancingRequest, interest: Interest, user_id: int
            ) -> None:
    """A term sheet or an approved loan waits for the owner's word; a decline is news."""
    money = interest.amount is not None
    text = "投资机构记录了结果，请确认" if money else "投资机构已谢绝"
    body = (f"有投资机构就「{request.title}」记录了 {interest.amount} 元的结果，"
            "确认后方计入统计；如有不符请提出异议。" if money
            else f"有投资机构谢绝了「{request.title}」。")
    notices.send(session, notices.org_members(session, request.organisation_id),
                 "financing.outcome" if money else "financing.declined",
                 _request_title(request, text), body, exclude=user_id)


def outcome_answered(session: Session, request: FinancingRequest, interest: Interest,
                     confirmed: bool, user_id: int) -> None:
    text = "融资方已确认结果" if confirmed else "融资方对结果提出异议"
    body = (f"「{request.title}」的融资方确认了 {interest.amount} 元的结果。" if confirmed else
            f"「{request.title}」的融资方对贵机构记录的结果提出异议：{interest.dispute_reason}")
    notices.send(session, investor_members(session, [interest.organisation_id]),
                 "financing.outcome_confirmed" if confirmed else "financing.outcome_disputed",
                 _request_title(request, text), body, exclude=user_id)


def request_invited(session: Session, roadshow: Roadshow, request: FinancingRequest) -> None:
    notices.send(session, notices.org_members(session, request.organisation_id),
                 "roadshow.request_invited", _roadshow_title(roadshow, "邀请您的项目路演"),
                 f"路演「{roadshow.theme}」邀请「{request.title}」路演，请在“路演”中同意或谢绝；"
                 "同意前投资机构看不到该项目。")


def investor_invited(session: Session, roadshow: Roadshow, org_id: int) -> None:
    notices.send(session, investor_members(session, [org_id]), "roadshow.investor_invited",
                 _roadshow_title(roadshow, "邀请贵机构参加路演"),
                 f"路演「{roadshow.theme}」邀请贵机构参加，请在“路演”中报名。")


def registered(session: Session, roadshow: Roadshow, org_name: str) -> None:
    notices.send(session, [roadshow.created_by_id], "roadshow.registered",
                 _roadshow_title(roadshow, "有投资机构报名"),
                 f"{org_name} 已报名参加路演「{roadshow.theme}」。")
