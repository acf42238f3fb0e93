"""The capital chain's rules: mandates, financing requests and who sees them, interest and
outcomes. Takes a Session; knows nothing of HTTP.

Who sees a request (anyone else gets 404, its existence does not leak):
- members of the owning organisation, in every state; administrators, in every state;
- a verified investor, once it is published (or closed), when the audience is every investor
  or names the investor's organisation; after it is closed or withdrawn, an investor that
  marked interest still sees it (its own record of the outcome refers to it).
Firms, institutes and brokers other than the owner never see another's request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User, VerificationStatus
from backend.audit import service as audit
from backend.capital import notices, schemas
from backend.capital.models import (
    FinancingAudience,
    FinancingRequest,
    FinancingStatus,
    FinancingSubject,
    Interest,
    InterestStatus,
    Mandate,
    NamedInvestor,
    OutcomeConfirmation,
    Question,
    QuestionSide,
)
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.deals import access as deal_access
from backend.intake.models import Dossier
from backend.listings import lookup, taxonomy

_NO_REQUEST = "未找到该融资需求。No such financing request."


# --- investors and mandates ----------------------------------------------------------------

def is_verified_investor(session: Session, user: User) -> bool:
    if user.role != Role.INVESTOR or user.organisation_id is None:
        return False
    org = session.get(Organisation, user.organisation_id)
    return (org is not None and org.kind == OrgKind.INVESTOR
            and org.verification_status == VerificationStatus.VERIFIED)


def _investor_org(session: Session, user: User) -> Organisation:
    """The investor organisation `user` acts for (409 until they are a member of one)."""
    org = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    if org is None or org.kind != OrgKind.INVESTOR:
        raise Conflict("您尚未加入投资机构。You are not a member of an investor organisation yet.")
    return org


def _verified_investor_org(session: Session, user: User) -> Organisation:
    org = _investor_org(session, user)
    if org.verification_status != VerificationStatus.VERIFIED:
        raise Conflict("投资机构审核通过后才能查看融资需求。Your organisation must be verified "
                       "before it sees financing requests.")
    return org


def mandate_snapshot(mandate: Mandate) -> dict[str, Any]:
    return {"investor_kind": mandate.investor_kind, "description": mandate.description,
            "field_ids": list(mandate.field_ids), "trl_min": mandate.trl_min,
            "trl_max": mandate.trl_max, "ticket_min": mandate.ticket_min,
            "ticket_max": mandate.ticket_max, "regions": list(mandate.regions),
            "instruments": list(mandate.instruments)}


def mandate_view(session: Session, mandate: Mandate) -> schemas.MandateOut:
    org = session.get(Organisation, mandate.organisation_id)
    if org is None:
        raise NotFound("未找到该投资机构。No such investor.")
    return schemas.MandateOut(organisation_id=org.id, organisation_name=org.name,
                              updated_at=mandate.updated_at, **mandate_snapshot(mandate))


def own_mandate(session: Session, user: User) -> Mandate:
    org = _investor_org(session, user)
    mandate = session.get(Mandate, org.id)
    if mandate is None:
        raise NotFound("贵机构尚未填写投资偏好。Your organisation has no mandate yet.")
    return mandate


def set_mandate(session: Session, actor: audit.Actor, user: User, data: schemas.MandateIn
                ) -> Mandate:
    """Create or replace the mandate of `user`'s investor organisation (audited, before/after).
    Any member may edit it; the organisation need not be verified yet to describe itself."""
    org = _investor_org(session, user)
    for index, field_id in enumerate(data.field_ids):
        taxonomy.usable_field(session, field_id, f"field_ids.{index}")
    # The organisation's row, locked: members saving its first mandate at once take turns,
    # so the second replaces the first's instead of inserting another (a 500 on the key).
    session.execute(select(Organisation.id).where(Organisation.id == org.id).with_for_update())
    mandate = session.get(Mandate, org.id, with_for_update=True)
    before = None if mandate is None else mandate_snapshot(mandate)
    if mandate is None:
        mandate = Mandate(organisation_id=org.id)
        session.add(mandate)
    mandate.investor_kind = data.investor_kind
    mandate.description = data.description
    mandate.field_ids = list(data.field_ids)
    mandate.trl_min, mandate.trl_max = data.trl_min, data.trl_max
    mandate.ticket_min, mandate.ticket_max = data.ticket_min, data.ticket_max
    mandate.regions = list(data.regions)
    mandate.instruments = [str(i) for i in data.instruments]
    mandate.updated_at, mandate.updated_by_id = utcnow(), user.id
    session.flush()
    audit.record(session, actor, "mandate.update" if before else "mandate.create",
                 "investor_mandate", org.id, before=before, after=mandate_snapshot(mandate))
    return mandate


# --- financing requests: who sees them -------------------------------------------------------

def _investor_clause(org_id: int) -> Any:
    """Published (or closed) requests an investor organisation is in the audience of."""
    named = exists().where(NamedInvestor.request_id == FinancingRequest.id,
                           NamedInvestor.organisation_id == org_id)
    audience = or_(FinancingRequest.audience == FinancingAudience.ALL_INVESTORS, named)
    interested = exists().where(Interest.request_id == FinancingRequest.id,
                                Interest.organisation_id == org_id)
    return or_(
        (FinancingRequest.status.in_((FinancingStatus.PUBLISHED, FinancingStatus.CLOSED))
         & audience),
        (FinancingRequest.status != FinancingStatus.DRAFT) & interested)


def visible_query(session: Session, user: User) -> Select[FinancingRequest]:
    query = select(FinancingRequest)
    if user.role == Role.ADMIN:
        return query
    if is_verified_investor(session, user) and user.organisation_id is not None:
        return query.where(_investor_clause(user.organisation_id))
    if user.role in (Role.FIRM, Role.INSTITUTE) and user.organisation_id is not None:
        return query.where(FinancingRequest.organisation_id == user.organisation_id)
    return query.where(false())


def request_for(session: Session, user: User, request_id: int, *, lock: bool = False
                ) -> FinancingRequest:
    """The request if `user` may see it, else 404."""
    query = visible_query(session, user).where(FinancingRequest.id == request_id)
    if lock:
        query = query.with_for_update(of=FinancingRequest)
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound(_NO_REQUEST)
    return found


def is_owner(user: User, request: FinancingRequest) -> bool:
    return (user.role in (Role.FIRM, Role.INSTITUTE)
            and user.organisation_id == request.organisation_id)


def owned_request(session: Session, user: User, request_id: int) -> FinancingRequest:
    """The request for its owner's changes: 404 if unseen, 403 if seen but not owned."""
    request = request_for(session, user, request_id, lock=True)
    if not is_owner(user, request):
        raise PermissionDenied("只有发布方可以修改该融资需求。Only the requesting organisation "
                               "may change this financing request.")
    return request


def list_requests(session: Session, user: User, status: FinancingStatus | None, page: int,
                  page_size: int) -> tuple[list[FinancingRequest], int]:
    query = visible_query(session, user)
    if status is not None:
        query = query.where(FinancingRequest.status == status)
    rows, total = paging.page_of(session, query.order_by(FinancingRequest.id.desc()), page,
                                 page_size)
    return list(rows), total


def named_ids(session: Session, request_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = set(request_ids)
    out: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for rid, oid in session.execute(
                select(NamedInvestor.request_id, NamedInvestor.organisation_id)
                .where(NamedInvestor.request_id.in_(ids))
                .order_by(NamedInvestor.organisation_id)):
            out[rid].append(oid)
    return out


def _org_names(session: Session, org_ids: Iterable[int]) -> dict[int, str]:
    ids = set(org_ids)
    if not ids:
        return {}
    return {oid: name for oid, name in session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))}


def views(session: Session, user: User, requests: Sequence[FinancingRequest]
          ) -> list[schemas.FinancingOut]:
    names = _org_names(session, (r.organisation_id for r in requests))
    privileged = [r.id for r in requests if user.role == Role.ADMIN or is_owner(user, r)]
    named = named_ids(session, privileged)
    poc = poc_of(session, requests)
    with_dossier = set(session.execute(select(Dossier.financing_request_id).where(
        Dossier.financing_request_id.in_([r.id for r in requests]))).scalars())
    return [schemas.FinancingOut(
        id=r.id, organisation_id=r.organisation_id, organisation_name=names[r.organisation_id],
        subject=r.subject, achievement_id=r.achievement_id, demand_id=r.demand_id,
        deal_id=r.deal_id,
        reviewed_trl=poc[r.id].reviewed_trl if r.id in poc else None,
        poc_passed_on=poc[r.id].passed_on if r.id in poc else None,
        title=r.title, summary=r.summary, field_id=r.field_id, region=r.region,
        amount=r.amount, instrument=r.instrument, use_of_funds=r.use_of_funds,
        milestones=[schemas.MilestoneOut.model_validate(m) for m in r.milestones],
        trl_current=r.trl_current, trl_target=r.trl_target, audience=r.audience,
        named_investor_ids=named.get(r.id), status=r.status, created_at=r.created_at,
        published_at=r.published_at,
        has_dossier=r.id in with_dossier and (r.id in privileged
                                              or r.status is not FinancingStatus.WITHDRAWN))
        for r in requests]


def poc_of(session: Session, requests: Iterable[FinancingRequest]
           ) -> dict[int, lookup.PocResult]:
    """Proof-of-concept results behind requests for reviewed achievements, by request id."""
    by_achievement = {r.id: r.achievement_id for r in requests if r.achievement_id is not None}
    found = lookup.poc_results(session, by_achievement.values())
    return {rid: found[aid] for rid, aid in by_achievement.items() if aid in found}


# --- financing requests: the owner's work ----------------------------------------------------

def snapshot(session: Session, request: FinancingRequest) -> dict[str, Any]:
    return {"title": request.title, "summary": request.summary, "field_id": request.field_id,
            "region": request.region, "amount": request.amount,
            "instrument": request.instrument, "use_of_funds": request.use_of_funds,
            "milestones": list(request.milestones), "trl_current": request.trl_current,
            "trl_target": request.trl_target, "audience": request.audience,
            "named_investor_ids": named_ids(session, [request.id]).get(request.id, []),
            "status": request.status, "subject": request.subject,
            "achievement_id": request.achievement_id, "demand_id": request.demand_id,
            "deal_id": request.deal_id}


def _check_subject(session: Session, user: User, data: schemas.FinancingIn) -> None:
    allowed = ({FinancingSubject.ACHIEVEMENT, FinancingSubject.DEAL}
               if user.role == Role.INSTITUTE
               else {FinancingSubject.DEMAND, FinancingSubject.PROJECT, FinancingSubject.DEAL})
    if data.subject not in allowed:
        raise InvalidInput("subject", "高校院所为其科技成果或交易融资；企业为其技术需求、项目或"
                           "交易融资。An institute asks for money for an achievement or a deal; "
                           "a firm for a demand, a project or a deal.")
    if data.deal_id is not None:
        try:
            relation = deal_access.deal_for(session, user, data.deal_id).relation
        except NotFound:
            relation = None
        if relation not in (deal_access.Relation.DEMAND_PARTY,
                            deal_access.Relation.ACHIEVEMENT_PARTY):
            raise InvalidInput("deal_id", "未找到贵机构作为一方的该交易。"
                               "No such deal with your organisation as a party.")
    if data.achievement_id is not None:
        try:
            achievement = lookup.achievement_brief(session, data.achievement_id)
        except NotFound:
            achievement = None
        if achievement is None or achievement.organisation_id != user.organisation_id:
            raise InvalidInput("achievement_id", "未找到贵机构的该科技成果。"
                               "No such achievement of your organisation.")
    if data.demand_id is not None:
        try:
            demand = lookup.demand_brief(session, data.demand_id)
        except NotFound:
            demand = None
        if demand is None or demand.organisation_id != user.organisation_id:
            raise InvalidInput("demand_id", "未找到贵企业的该技术需求。"
                               "No such demand of your firm.")


def _set_named(session: Session, request: FinancingRequest, org_ids: list[int]) -> None:
    if org_ids:
        found = set(session.execute(select(Organisation.id).where(
            Organisation.id.in_(org_ids), Organisation.kind == OrgKind.INVESTOR)).scalars())
        missing = [i for i in org_ids if i not in found]
        if missing:
            raise InvalidInput("named_investor_ids", f"未找到这些投资机构：{missing}。"
                               f"No investor organisation with these ids: {missing}.")
    for row in session.execute(select(NamedInvestor).where(
            NamedInvestor.request_id == request.id)).scalars():
        session.delete(row)
    session.flush()
    for org_id in org_ids:
        session.add(NamedInvestor(request_id=request.id, organisation_id=org_id))
    session.flush()


_SIMPLE = ("title", "summary", "region", "amount", "instrument", "use_of_funds",
           "trl_current", "trl_target", "audience")


def create_request(session: Session, actor: audit.Actor, user: User,
                   data: schemas.FinancingIn) -> FinancingRequest:
    if user.organisation_id is None:
        raise Conflict("您尚未加入机构。You are not a member of an organisation yet.")
    _check_subject(session, user, data)
    taxonomy.usable_field(session, data.field_id)
    request = FinancingRequest(
        organisation_id=user.organisation_id, created_by_id=user.id, subject=data.subject,
        achievement_id=data.achievement_id, demand_id=data.demand_id, deal_id=data.deal_id,
        field_id=data.field_id,
        milestones=[m.model_dump(mode="json") for m in data.milestones],
        status=FinancingStatus.DRAFT,
        **{name: getattr(data, name) for name in _SIMPLE})
    session.add(request)
    session.flush()
    _set_named(session, request, data.named_investor_ids)
    audit.record(session, actor, "financing.create", "financing_request", request.id,
                 after=snapshot(session, request))
    return request


def update_request(session: Session, actor: audit.Actor, request: FinancingRequest,
                   data: schemas.FinancingUpdate) -> FinancingRequest:
    if request.status != FinancingStatus.DRAFT:
        raise Conflict("只能修改草稿状态的融资需求。Only a draft can be edited; withdraw it and "
                       "start a new one to change a published request.")
    changes = data.model_dump(exclude_unset=True)
    for name in ("title", "summary", "region", "amount", "instrument", "use_of_funds",
                 "audience", "field_id", "milestones", "trl_current", "trl_target"):
        if name in changes and changes[name] is None:
            raise InvalidInput(name, "该项不能为空。This cannot be empty.")
    current = changes.get("trl_current", request.trl_current)
    target = changes.get("trl_target", request.trl_target)
    if current > target:
        raise InvalidInput("trl_current", "当前技术成熟度不能高于目标技术成熟度。"
                           "The current TRL is above the target TRL.")
    before = snapshot(session, request)
    if "field_id" in changes:
        taxonomy.usable_field(session, changes["field_id"])
        request.field_id = changes["field_id"]
    if "milestones" in changes:
        request.milestones = [m.model_dump(mode="json") for m in data.milestones or []]
    for name in _SIMPLE:
        if name in changes:
            setattr(request, name, getattr(data, name))
    if "named_investor_ids" in changes:
        _set_named(session, request, data.named_investor_ids or [])
    request.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "financing.update", "financing_request", request.id,
                 before=before, after=snapshot(session, request))
    return request


def publish(session: Session, actor: audit.Actor, request: FinancingRequest) -> FinancingRequest:
    if request.status != FinancingStatus.DRAFT:
        raise Conflict("只能发布草稿。Only a draft can be published.")
    if (request.audience == FinancingAudience.NAMED
            and not named_ids(session, [request.id])[request.id]):
        raise Conflict("仅对指定投资机构可见时，请至少指定一家投资机构。Name at least one "
                       "investor when only named investors may see the request.")
    request.status, request.published_at = FinancingStatus.PUBLISHED, utcnow()
    request.updated_at = request.published_at
    session.flush()
    audit.record(session, actor, "financing.publish", "financing_request", request.id,
                 before={"status": FinancingStatus.DRAFT}, after={"status": request.status})
    notices.published(session, request)
    return request


def end(session: Session, actor: audit.Actor, request: FinancingRequest,
        to: FinancingStatus) -> FinancingRequest:
    """Close a published request (money found, or no longer sought) or withdraw a draft or a
    published one."""
    allowed = ((FinancingStatus.PUBLISHED,) if to == FinancingStatus.CLOSED
               else (FinancingStatus.DRAFT, FinancingStatus.PUBLISHED))
    if request.status not in allowed:
        raise Conflict("该融资需求当前状态不允许此操作。The request's state does not allow this.")
    before = request.status
    request.status, request.ended_at = to, utcnow()
    request.updated_at = request.ended_at
    session.flush()
    audit.record(session, actor,
                 "financing.close" if to == FinancingStatus.CLOSED else "financing.withdraw",
                 "financing_request", request.id, before={"status": before},
                 after={"status": to})
    return request


# --- interest and outcomes -------------------------------------------------------------------

def _interest_snapshot(interest: Interest) -> dict[str, Any]:
    return {"request_id": interest.request_id, "organisation_id": interest.organisation_id,
            "status": interest.status, "note": interest.note,
            "decline_reason": interest.decline_reason, "amount": interest.amount,
            "confirmation": interest.confirmation, "dispute_reason": interest.dispute_reason}


def mark_interest(session: Session, actor: audit.Actor, user: User, request_id: int,
                  data: schemas.InterestIn) -> Interest:
    org = _verified_investor_org(session, user)
    request = request_for(session, user, request_id, lock=True)
    if request.status != FinancingStatus.PUBLISHED:
        raise Conflict("该融资需求已不再征集资金。The request no longer seeks money.")
    if session.execute(select(Interest.id).where(
            Interest.request_id == request.id, Interest.organisation_id == org.id)).first():
        raise Conflict("贵机构已表达过意向。Your organisation has already marked interest.")
    interest = Interest(request_id=request.id, organisation_id=org.id, note=data.note,
                        created_by_id=user.id, status=InterestStatus.INTERESTED)
    session.add(interest)
    session.flush()
    audit.record(session, actor, "financing.interest", "financing_interest", interest.id,
                 after=_interest_snapshot(interest))
    return interest


def record_outcome(session: Session, actor: audit.Actor, user: User, request_id: int,
                   data: schemas.OutcomeIn) -> Interest:
    org = _verified_investor_org(session, user)
    request = request_for(session, user, request_id)
    interest = session.execute(select(Interest).where(
        Interest.request_id == request.id, Interest.organisation_id == org.id
    ).with_for_update()).scalar_one_or_none()
    if interest is None:
        raise Conflict("请先表达投资意向，再记录结果。Mark interest before recording an outcome.")
    if request.status == FinancingStatus.WITHDRAWN:
        raise Conflict("该融资需求已撤回，不能再记录结果。The request was withdrawn; no outcome can "
                       "be recorded on it.")
    if interest.confirmation == OutcomeConfirmation.CONFIRMED:
        raise Conflict("融资方已确认该结果，不能再修改。The requesting organisation confirmed this "
                       "outcome; it can no longer be changed.")
    if interest.status == data.status and interest.amount == data.amount:
        raise Conflict("该结果已记录。This outcome is already recorded.")
    if data.amount is not None:
        _check_within_request(session, request, interest, data.amount)
    before = _interest_snapshot(interest)
    interest.status = data.status
    if data.note is not None:
        interest.note = data.note
    declined = data.status == InterestStatus.DECLINED
    interest.decline_reason = data.reason if declined else None
    # A money outcome waits for the owner's word; a decline moves no money.
    interest.amount = None if declined else data.amount
    interest.confirmation = None if declined else OutcomeConfirmation.PENDING
    interest.dispute_reason, interest.confirmed_at, interest.confirmed_by_id = None, None, None
    interest.updated_at = interest.outcome_at = utcnow()
    session.flush()
    audit.record(session, actor, "financing.outcome", "financing_interest", interest.id,
                 before=before, after=_interest_snapshot(interest))
    notices.outcome(session, request, interest, user.id)
    return interest


def _check_within_request(session: Session, request: FinancingRequest, interest: Interest,
                          amount: Decimal) -> None:
    """The money confirmed on a request never exceeds what it asked for: the public totals
    count confirmed outcomes, and two willing parties must not be able to inflate them."""
    confirmed = Decimal(session.execute(select(func.coalesce(func.sum(Interest.amount), 0)).where(
        Interest.request_id == request.id, Interest.id != interest.id,
        Interest.confirmation == OutcomeConfirmation.CONFIRMED)).scalar_one() or 0)
    room = request.amount - confirmed
    if amount > room:
        raise Conflict(
            f"金额 {amount:,.2f} 元超出该融资需求尚未落实的部分（需求 {request.amount:,.2f} 元，"
            f"已确认 {confirmed:,.2f} 元）。The amount {amount:,.2f} yuan is more than the "
            f"request still lacks ({request.amount:,.2f} asked, {confirmed:,.2f} "
            "confirmed).", reason="above_request")


def interests(session: Session, user: User, request_id: int) -> list[schemas.FinancingInterestOut]:
    """Who is interested: for the owner and administrators; an investor sees its own only."""
    request = request_for(session, user, request_id)
    query = select(Interest).where(Interest.request_id == request.id)
    if not (user.role == Role.ADMIN or is_owner(user, request)):
        query = query.where(Interest.organisation_id == user.organisation_id)
    rows = session.execute(query.order_by(Interest.id)).scalars().all()
    return interest_views(session, rows)


def interest_views(session: Session, rows: Sequence[Interest]) -> list[schemas.FinancingInterestOut]:
    names = _org_names(session, (i.organisation_id for i in rows))
    return [schemas.FinancingInterestOut(
        id=i.id, request_id=i.request_id, organisation_id=i.organisation_id,
        organisation_name=names[i.organisation_id], status=i.status, note=i.note,
        decline_reason=i.decline_reason, created_at=i.created_at, updated_at=i.updated_at,
        amount=i.amount, confirmation=i.confirmation, dispute_reason=i.dispute_reason,
        outcome_at=i.outcome_at, confirmed_at=i.confirmed_at)
        for i in rows]


def answer_outcome(session: Session, actor: audit.Actor, user: User, request_id: int,
                   interest_id: int, confirm: bool, reason: str | None = None) -> Interest:
    """The owner confirms an investor's money outcome (it then counts in statistics and
    totals) or disputes it with a reason (it does not; the investor may record it again)."""
    request = owned_request(session, user, request_id)
    interest = session.execute(select(Interest).where(
        Interest.id == interest_id, Interest.request_id == request.id).with_for_update()
    ).scalar_one_or_none()
    if interest is None:
        raise NotFound("未找到该投资意向。No such interest in this request.")
    if interest.confirmation != OutcomeConfirmation.PENDING:
        raise Conflict("没有待确认的结果。There is no outcome waiting for your word.")
    before = _interest_snapshot(interest)
    if confirm:
        _check_within_request(session, request, interest, interest.amount or Decimal(0))
        interest.confirmation = OutcomeConfirmation.CONFIRMED
        interest.confirmed_at, interest.confirmed_by_id = utcnow(), user.id
    else:
        interest.confirmation, interest.dispute_reason = OutcomeConfirmation.DISPUTED, reason
    interest.updated_at = utcnow()
    session.flush()
    audit.record(session, actor,
                 "financing.outcome_confirm" if confirm else "financing.outcome_dispute",
                 "financing_interest", interest.id, before=before,
                 after=_interest_snapshot(interest))
    notices.outcome_answered(session, request, interest, confirm, user.id)
    return interest


# --- question threads: one per (request, investor) ------------------------------------------

def _thread_views(session: Session, request_id: int, rows: Sequence[Question]
                  ) -> list[schemas.ThreadOut]:
    names = _org_names(session, (q.investor_org_id for q in rows))
    authors = {uid: name for uid, name in session.execute(
        select(User.id, User.display_name).where(User.id.in_({q.author_id for q in rows})))
    } if rows else {}
    threads: dict[int, list[Question]] = {}
    for q in rows:
        threads.setdefault(q.investor_org_id, []).append(q)
    return [schemas.ThreadOut(
        request_id=request_id, investor_id=org_id, investor_name=names[org_id],
        messages=[schemas.MessageOut(id=m.id, side=m.side, body=m.body,
                                     author_name=authors.get(m.author_id, ""),
                                     created_at=m.created_at) for m in messages],
        unanswered=messages[-1].side == QuestionSide.INVESTOR)
        for org_id, messages in threads.items()]


def threads(session: Session, user: User, request_id: int) -> list[schemas.ThreadOut]:
    """The owner and administrators see every investor's thread; an investor its own only."""
    request = request_for(session, user, request_id)
    query = select(Question).where(Question.request_id == request.id)
    if not (user.role == Role.ADMIN or is_owner(user, request)):
        query = query.where(Question.investor_org_id == user.organisation_id)
    rows = session.execute(query.order_by(Question.id)).scalars().all()
    return _thread_views(session, request.id, rows)


def ask(session: Session, actor: audit.Actor, user: User, request_id: int,
        data: schemas.QuestionIn) -> schemas.ThreadOut:
    """An investor who sees a published request asks its owner, in its own thread."""
    org = _verified_investor_org(session, user)
    request = request_for(session, user, request_id)
    if request.status != FinancingStatus.PUBLISHED:
        raise Conflict("该融资需求已不再征集资金。The request no longer seeks money.")
    question = Question(request_id=request.id, investor_org_id=org.id,
                        side=QuestionSide.INVESTOR, body=data.body, author_id=user.id)
    session.add(question)
    session.flush()
    audit.record(session, actor, "financing.question", "financing_question", question.id,
                 after={"request_id": request.id, "investor_org_id": org.id})
    notices.question(session, request, user.id)
    return _one_thread(session, request.id, org.id)


def answer(session: Session, actor: audit.Actor, user: User, request_id: int, investor_id: int,
           data: schemas.QuestionIn) -> schemas.ThreadOut:
    """The owner answers in an investor's thread (one the investor opened)."""
    request = owned_request(session, user, request_id)
    if session.execute(select(Question.id).where(
            Question.request_id == request.id, Question.investor_org_id == investor_id)
            .limit(1)).first() is None:
        raise NotFound("该投资机构没有提问。No questions from this investor.")
    message = Question(request_id=request.id, investor_org_id=investor_id,
                       side=QuestionSide.OWNER, body=data.body, author_id=user.id)
    session.add(message)
    session.flush()
    audit.record(session, actor, "financing.answer", "financing_question", message.id,
                 after={"request_id": request.id, "investor_org_id": investor_id})
    notices.answered(session, request, investor_id, user.id)
    return _one_thread(session, request.id, investor_id)


def _one_thread(session: Session, request_id: int, investor_id: int) -> schemas.ThreadOut:
    rows = session.execute(select(Question).where(
        Question.request_id == request_id, Question.investor_org_id == investor_id)
        .order_by(Question.id)).scalars().all()
    return _thread_views(session, request_id, rows)[0]


def own_interest_statuses(session: Session, org_id: int, request_ids: Iterable[int]
                          ) -> dict[int, InterestStatus]:
    ids = set(request_ids)
    if not ids:
        return {}
    return {rid: status for rid, status in session.execute(
        select(Interest.request_id, Interest.status).where(
            Interest.organisation_id == org_id, Interest.request_id.in_(ids)))}


@dataclass(frozen=True)
class FeedContext:
    org: Organisation
    mandate: Mandate


def feed_context(session: Session, user: User) -> FeedContext:
    org = _verified_investor_org(session, user)
    mandate = session.get(Mandate, org.id)
    if mandate is None:
        raise Conflict("请先填写贵机构的投资偏好。Set your organisation's mandate first: the feed "
                       "shows the requests that fit it.")
    return FeedContext(org, mandate)


FEED_LIMIT = 500  # requests considered per call (newest first); the feed is paged after ranking


@dataclass(frozen=True)
class FeedFilter:
    """The investor's own narrowing of its feed (inside the mandate, never beyond it)."""

    field_id: int | None = None
    instrument: str | None = None
    stage: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    region: str | None = None
    poc_passed: bool | None = None


def _keeps(f: FeedFilter, request: FinancingRequest, parents: dict[int, int | None],
           poc: lookup.PocResult | None) -> bool:
    from backend.capital import stats

    if f.field_id is not None and f.field_id not in (request.field_id,
                                                     parents.get(request.field_id)):
        return False
    if f.instrument is not None and str(request.instrument) != f.instrument:
        return False
    trl = poc.reviewed_trl if poc is not None and poc.reviewed_trl else request.trl_current
    if f.stage is not None and stats.stage_of(trl) != f.stage:
        return False
    if f.amount_min is not None and request.amount < f.amount_min:
        return False
    if f.amount_max is not None and request.amount > f.amount_max:
        return False
    if f.region and not request.region.startswith(f.region):
        return False
    passed = poc is not None and poc.passed_on is not None
    return f.poc_passed is None or passed == f.poc_passed


def investor_feed(session: Session, user: User, page: int, page_size: int,
                  narrow: FeedFilter | None = None) -> tuple[list[schemas.FeedItemOut], int]:
    """The published requests this investor may see that fit its mandate, best first,
    narrowed by the investor's filters."""
    from backend.capital import feed  # numpy and the encoder only where the feed is asked for

    context = feed_context(session, user)
    candidates = session.execute(
        select(FinancingRequest).where(FinancingRequest.status == FinancingStatus.PUBLISHED,
                                       _investor_clause(context.org.id))
        .order_by(FinancingRequest.id.desc()).limit(FEED_LIMIT)).scalars().all()
    fields = taxonomy.all_fields(session)
    parents = {f.id: f.parent_id for f in fields}
    wanted = set(context.mandate.field_ids)
    names = [f"{f.name_zh} {f.name_en}" for f in fields if f.id in wanted]
    pocs = poc_of(session, candidates)
    ranked = feed.rank(candidates, context.mandate, names, parents, pocs)
    if narrow is not None:
        if (narrow.amount_min is not None and narrow.amount_max is not None
                and narrow.amount_min > narrow.amount_max):
            raise InvalidInput("amount_min", "金额下限不能高于上限。"
                               "The lowest amount is above the highest.")
        ranked = [r for r in ranked if _keeps(narrow, r.request, parents, pocs.get(r.request.id))]
    chosen = ranked[(page - 1) * page_size: page * page_size]
    outs = views(session, user, [r.request for r in chosen])
    mine = own_interest_statuses(session, context.org.id, (r.request.id for r in chosen))
    return [schemas.FeedItemOut(request=out, score=r.score, similarity=r.similarity,
                                fit=r.fit, reasons=list(r.reasons),
                                interest=mine.get(r.request.id))
            for r, out in zip(chosen, outs, strict=True)], len(ranked)


def verified_investors(session: Session, q: str | None, limit: int = 50
                       ) -> list[schemas.InvestorOut]:
    """Verified investor organisations (to name as a request's audience), by name."""
    query = (select(Organisation, Mandate.investor_kind)
             .outerjoin(Mandate, Mandate.organisation_id == Organisation.id)
             .where(Organisation.kind == OrgKind.INVESTOR,
                    Organisation.verification_status == VerificationStatus.VERIFIED))
    if q:
        query = query.where(Organisation.name.contains(q, autoescape=True))
    rows = session.execute(query.order_by(Organisation.name, Organisation.id).limit(limit)).all()
    return [schemas.InvestorOut(id=org.id, name=org.name, region=org.region, investor_kind=kind)
            for org, kind in rows]
