"""Help requests (需求挖掘申请): a firm asks, the routing offers it to brokers, one accepts (or an
administrator assigns one); the firm or its broker closes it, the firm may cancel it; one nobody
accepted within the set working days is escalated to the administrators."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, User
from backend.audit import service as audit
from backend.config import get_settings
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.intake import notices, routing
from backend.intake.access import NOT_FOUND, RequestAccess, Seat, visible_requests
from backend.intake.models import HelpOffer, HelpRequest, HelpStatus, OfferStatus
from backend.intake.schemas import HelpRequestIn
from backend.intake.workdays import add_working_days
from backend.listings import taxonomy

OPEN_OR_ACCEPTED = (HelpStatus.OPEN, HelpStatus.ACCEPTED)


def _snapshot(r: HelpRequest) -> dict[str, Any]:
    return {"status": r.status, "broker_id": r.broker_id, "confidential": r.confidential,
            "field_id": r.field_id, "region": r.region,
            "requested_broker_id": r.requested_broker_id}


def _title(request: HelpRequest, text: str) -> str:
    return f"需求挖掘申请 #{request.id}：{text}"


def _conflict(request: HelpRequest, allowed: Sequence[HelpStatus], doing: str) -> Conflict:
    return Conflict(f"该申请当前状态为「{request.status.value}」，不能{doing}。This help request is "
                    f"{request.status.value}; it cannot be changed so.",
                    current_status=request.status.value,
                    allowed_statuses=[s.value for s in allowed])


def require_status(request: HelpRequest, allowed: Sequence[HelpStatus], doing: str) -> None:
    if request.status not in allowed:
        raise _conflict(request, allowed, doing)


def escalation_deadline(request: HelpRequest) -> datetime:
    return add_working_days(request.created_at,
                            get_settings().help_request_escalation_working_days)


def is_overdue(request: HelpRequest, now: datetime | None = None) -> bool:
    return request.status == HelpStatus.OPEN and (now or utcnow()) >= escalation_deadline(request)


# --- asking ---------------------------------------------------------------------------------

def _offer(session: Session, request: HelpRequest, broker_ids: Sequence[int]) -> list[int]:
    start = session.execute(select(func.count()).where(
        HelpOffer.help_request_id == request.id)).scalar_one()
    for n, broker_id in enumerate(broker_ids, start=start + 1):
        session.add(HelpOffer(help_request_id=request.id, broker_id=broker_id, rank=n))
    session.flush()
    notices.send(session, broker_ids, "help.offered", _title(request, "新的需求挖掘申请待接受"),
                 "有企业希望经纪人上门挖掘技术需求，请在收件箱查看并接受。A firm asks a broker "
                 "to help find its need; see your help-request inbox.")
    return list(broker_ids)


def ask(session: Session, actor: audit.Actor, user: User, data: HelpRequestIn) -> HelpRequest:
    if user.role != Role.FIRM or user.organisation_id is None:
        raise PermissionDenied("只有企业用户可以申请需求挖掘。Only firm users ask for help.")
    if data.field_id is not None:
        taxonomy.usable_field(session, data.field_id)
    if data.broker_id is not None and session.get(User, data.broker_id) is None:
        raise InvalidInput("broker_id", "没有这位经纪人。No such broker.")
    region = data.region or session.execute(select(Organisation.region).where(
        Organisation.id == user.organisation_id)).scalar_one()
    request = HelpRequest(organisation_id=user.organisation_id, created_by_id=user.id,
                          description=data.description, preferred_times=data.preferred_times,
                          confidential=data.confidential, field_id=data.field_id, region=region,
                          requested_broker_id=data.broker_id, status=HelpStatus.OPEN)
    session.add(request)
    session.flush()
    if data.broker_id is not None:
        picked = routing.candidates(session, request, only=[data.broker_id])
        if not picked:
            raise InvalidInput("broker_id", "该经纪人不能接受此申请（未认证、已列入失信名单，或等级"
                                            "不满足保密要求）。This broker cannot take the request "
                                            "(not verified, listed as dishonest, or below the "
                                            "grade a confidential request needs).")
        chosen = [data.broker_id]
    else:
        limit = get_settings().help_request_offers
        chosen = [c.broker_id for c in routing.candidates(session, request)[:limit]]
    audit.record(session, actor, "help_request.create", "help_request", request.id,
                 after={**_snapshot(request), "offered_to": chosen})
    _offer(session, request, chosen)
    return request


# --- a broker's answer, an administrator's assignment -----------------------------------------

def _close_offers(session: Session, request: HelpRequest, keep: int | None = None) -> None:
    session.execute(update(HelpOffer).where(
        HelpOffer.help_request_id == request.id, HelpOffer.status == OfferStatus.OFFERED,
        HelpOffer.broker_id != (keep or -1))
        .values(status=OfferStatus.WITHDRAWN, answered_at=utcnow())
        .execution_options(synchronize_session=False))


def _offer_of(session: Session, request: HelpRequest, broker_id: int) -> HelpOffer | None:
    return session.execute(select(HelpOffer).where(
        HelpOffer.help_request_id == request.id, HelpOffer.broker_id == broker_id)
    ).scalar_one_or_none()


def _take(session: Session, request: HelpRequest, broker_id: int) -> None:
    request.status, request.broker_id = HelpStatus.ACCEPTED, broker_id
    request.accepted_at = request.updated_at = utcnow()
    offer = _offer_of(session, request, broker_id)
    if offer is None:
        offer = HelpOffer(help_request_id=request.id, broker_id=broker_id, rank=0)
        session.add(offer)
    offer.status, offer.answered_at = OfferStatus.ACCEPTED, utcnow()
    _close_offers(session, request, keep=broker_id)
    session.flush()


def accept(session: Session, actor: audit.Actor, access: RequestAccess) -> HelpRequest:
    request = access.request
    if access.seat is not Seat.OFFERED:
        raise PermissionDenied("只有收到该申请的经纪人可以接受它。Only a broker it was offered to "
                               "may accept it.")
    require_status(request, [HelpStatus.OPEN], "接受")
    before = _snapshot(request)
    _take(session, request, access.user.id)
    audit.record(session, actor, "help_request.accept", "help_request", request.id,
                 before=before, after=_snapshot(request))
    notices.send(session, notices.org_members(session, request.organisation_id), "help.accepted",
                 _title(request, f"经纪人{access.user.display_name}已接受"),
                 f"{access.user.display_name} accepted your help request.")
    return request


def decline(session: Session, actor: audit.Actor, access: RequestAccess) -> None:
    """The broker passes; the request goes to the next broker not yet asked, if there is one
    (and the firm did not pick this broker)."""
    request = access.request
    if access.seat is not Seat.OFFERED:
        raise PermissionDenied("只有收到该申请的经纪人可以拒绝它。Only a broker it was offered to "
                               "may decline it.")
    require_status(request, [HelpStatus.OPEN], "拒绝")
    offer = _offer_of(session, request, access.user.id)
    if offer is None:  # the OFFERED seat comes from this row
        raise NotFound(NOT_FOUND)
    offer.status, offer.answered_at = OfferStatus.DECLINED, utcnow()
    session.flush()
    audit.record(session, actor, "help_request.decline", "help_request", request.id,
                 after={"broker_id": access.user.id})
    if request.requested_broker_id is None:
        asked = set(session.execute(select(HelpOffer.broker_id).where(
            HelpOffer.help_request_id == request.id)).scalars())
        following = [c.broker_id for c in routing.candidates(session, request)
                     if c.broker_id not in asked][:1]
        if following:
            _offer(session, request, following)


def assign(session: Session, actor: audit.Actor, access: RequestAccess, broker_id: int
           ) -> HelpRequest:
    """An administrator gives an open request to a broker who could take it."""
    request = access.request
    require_status(request, [HelpStatus.OPEN], "指派")
    if not routing.candidates(session, request, only=[broker_id]):
        raise InvalidInput("broker_id", "该经纪人不能接受此申请（未认证、已列入失信名单，或等级"
                                        "不满足保密要求）。This broker cannot take the request.")
    before = _snapshot(request)
    _take(session, request, broker_id)
    request.assigned_by_id = actor.user_id
    session.flush()
    audit.record(session, actor, "help_request.assign", "help_request", request.id,
                 before=before, after=_snapshot(request))
    notices.send(session, [broker_id], "help.assigned", _title(request, "管理员已指派给您"),
                 "An administrator assigned this help request to you.")
    notices.send(session, notices.org_members(session, request.organisation_id), "help.accepted",
                 _title(request, "已指派经纪人"), "A broker was assigned to your help request.")
    return request


def cancel(session: Session, actor: audit.Actor, access: RequestAccess) -> HelpRequest:
    request = access.request
    if access.seat is not Seat.FIRM:
        raise PermissionDenied("只有提出申请的企业可以撤回它。Only the firm that asked may "
                               "cancel it.")
    return _end(session, actor, request, HelpStatus.CANCELLED, "cancel", "撤回")


def close(session: Session, actor: audit.Actor, access: RequestAccess) -> HelpRequest:
    if access.seat not in (Seat.FIRM, Seat.BROKER):
        raise PermissionDenied("只有企业或其经纪人可以结束申请。Only the firm or its broker may "
                               "close the request.")
    request = access.request
    require_status(request, [HelpStatus.ACCEPTED], "结束")
    return _end(session, actor, request, HelpStatus.CLOSED, "close", "结束")


def _end(session: Session, actor: audit.Actor, request: HelpRequest, target: HelpStatus,
         verb: str, doing: str) -> HelpRequest:
    require_status(request, OPEN_OR_ACCEPTED, doing)
    before = _snapshot(request)
    request.status, request.ended_at = target, utcnow()
    request.updated_at = request.ended_at
    _close_offers(session, request)
    session.flush()
    audit.record(session, actor, f"help_request.{verb}", "help_request", request.id,
                 before=before, after=_snapshot(request))
    people = notices.org_members(session, request.organisation_id)
    if request.broker_id is not None:
        people.append(request.broker_id)
    notices.send(session, people, f"help.{verb}", _title(request, f"已{doing}"),
                 exclude=actor.user_id)
    return request


# --- escalation -------------------------------------------------------------------------------

def escalate_overdue(session: Session, now: datetime | None = None) -> list[int]:
    """Open requests past their deadline are escalated once; the administrators are told."""
    now = now or utcnow()
    waiting = session.execute(select(HelpRequest).where(
        HelpRequest.status == HelpStatus.OPEN, HelpRequest.escalated_at.is_(None))
        .order_by(HelpRequest.id).with_for_update()).scalars().all()
    due = [r for r in waiting if is_overdue(r, now)]
    for request in due:
        request.escalated_at = now
        audit.record(session, audit.SYSTEM, "help_request.escalate", "help_request", request.id,
                     after={"escalated_at": now, "deadline": escalation_deadline(request)})
    session.flush()
    if due:
        notices.send(session, notices.admins(session), "help.escalated",
                     f"{len(due)} 个需求挖掘申请超时未被接受",
                     f"{len(due)} help request(s) not accepted in time: "
                     + ", ".join(f"#{r.id}" for r in due))
    return [r.id for r in due]


# --- lists ------------------------------------------------------------------------------------

def request_query(user: User, statuses: Sequence[HelpStatus], escalated: bool | None
                  ) -> Select[HelpRequest]:
    query = visible_requests(user)
    if statuses:
        query = query.where(HelpRequest.status.in_(statuses))
    if escalated is not None:
        query = query.where(HelpRequest.escalated_at.is_not(None) if escalated
                            else HelpRequest.escalated_at.is_(None))
    return query


def list_requests(session: Session, user: User, statuses: Sequence[HelpStatus],
                  escalated: bool | None, page: int, page_size: int
                  ) -> tuple[list[HelpRequest], int]:
    """Oldest first: the longest waiting come to the top of every inbox."""
    query = request_query(user, statuses, escalated)
    rows, total = paging.page_of(session, query.order_by(HelpRequest.created_at, HelpRequest.id),
                                 page, page_size)
    return list(rows), total
