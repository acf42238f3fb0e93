"""Demands a broker drafts for the firm they visited. Nothing is published until a member of the
firm approves it (after editing it, if they wish); the demand is then the firm's, posted by the
approving member, with the drafting broker assigned to it.

  draft ──submit──► submitted ──approve──► approved (a published demand)
    ▲                   │ └─return──► returned ──(broker edits, submits again)
    └───────────────────┘  discard (the broker, before approval) ──► discarded
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from backend.accounts import gates
from backend.accounts.models import User
from backend.accounts.service import is_verified_broker
from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.intake import dossiers, notices
from backend.intake.access import RequestAccess, Seat, insider, request_for, require_broker
from backend.intake.models import DemandDraft, DraftStatus, HelpRequest, HelpStatus
from backend.intake.requests import require_status
from backend.intake.schemas import DraftContent, DraftIn, DraftUpdate
from backend.listings import demands, taxonomy
from backend.listings.models import Demand, Visibility
from backend.listings.schemas import DemandIn

NOT_FOUND = "未找到该需求草稿。No such draft."
BROKER_EDITS = (DraftStatus.DRAFT, DraftStatus.RETURNED)


def _title(draft: DemandDraft, text: str) -> str:
    return f"需求草稿 #{draft.id}：{text}"


def _check(session: Session, content: DraftContent, broker_id: int) -> None:
    taxonomy.usable_field(session, content.field_id, "demand.field_id")
    if content.budget_min is not None and content.budget_max is not None \
            and content.budget_min > content.budget_max:
        raise InvalidInput("demand.budget_max", "最高预算不能低于最低预算。The budget maximum is "
                                                "below the minimum.")
    if content.visibility == Visibility.PRIVATE:
        gates.require_grade(session, gates.Gate.PRIVATE_DEMAND, [broker_id])


def _stored(content: DraftContent) -> dict[str, Any]:
    return content.model_dump(mode="json", exclude={"publish"})


def _status(draft: DemandDraft, allowed: Sequence[DraftStatus], doing: str) -> None:
    if draft.status not in allowed:
        raise Conflict(f"该草稿当前状态为「{draft.status.value}」，不能{doing}。This draft is "
                       f"{draft.status.value}; it cannot be changed so.",
                       current_status=draft.status.value,
                       allowed_statuses=[s.value for s in allowed])


def create_draft(session: Session, actor: audit.Actor, access: RequestAccess, data: DraftIn
                 ) -> DemandDraft:
    insider(access)
    require_broker(access)
    require_status(access.request, [HelpStatus.ACCEPTED], "起草需求")
    _check(session, data.demand, access.user.id)
    draft = DemandDraft(help_request_id=access.request.id,
                        organisation_id=access.request.organisation_id,
                        broker_id=access.user.id, title=data.demand.title,
                        content=_stored(data.demand), status=DraftStatus.DRAFT)
    session.add(draft)
    session.flush()
    audit.record(session, actor, "demand_draft.create", "demand_draft", draft.id,
                 after={"help_request_id": draft.help_request_id, **draft.content})
    return draft


# --- finding ----------------------------------------------------------------------------------

def draft_for(session: Session, user: User, draft_id: int, *, lock: bool = False
              ) -> tuple[DemandDraft, RequestAccess]:
    """A draft on a help request the user is an insider of (404 otherwise)."""
    query = select(DemandDraft).where(DemandDraft.id == draft_id)
    if lock:
        query = query.with_for_update()
    draft = one_or_404(session, query.execution_options(populate_existing=True), NOT_FOUND)
    try:
        access = insider(request_for(session, user, draft.help_request_id))
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    return draft, access


def _drafter(draft: DemandDraft, access: RequestAccess) -> None:
    require_broker(access)
    if draft.broker_id != access.user.id:
        raise PermissionDenied("只有起草人可以进行此操作。Only the broker who drafted it may do "
                               "this.")


def _firm(access: RequestAccess) -> None:
    if access.seat is not Seat.FIRM:
        raise PermissionDenied("只有该企业的成员可以审定草稿。Only the firm's members decide on "
                               "its drafts.")


# --- changes ----------------------------------------------------------------------------------

def update_draft(session: Session, actor: audit.Actor, draft: DemandDraft,
                 access: RequestAccess, data: DraftUpdate) -> DemandDraft:
    """The broker edits while writing (or after a return); the firm edits what was submitted."""
    if access.seat is Seat.FIRM:
        _status(draft, [DraftStatus.SUBMITTED], "由企业修改")
    else:
        _drafter(draft, access)
        _status(draft, BROKER_EDITS, "由经纪人修改")
    sent = data.demand.model_dump(mode="json", exclude_unset=True)
    try:
        content = DraftContent.model_validate({**draft.content, **sent})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in ("demand", *first.get("loc", ())))
        raise InvalidInput(field, f"不能为空或格式不正确。{first.get('msg', 'Invalid value')}"
                           ) from None
    _check(session, content, draft.broker_id)
    before, after = draft.content, _stored(content)
    changed = sorted(k for k in after if after[k] != before.get(k))
    if changed:
        draft.content, draft.title, draft.updated_at = after, content.title, utcnow()
        session.flush()
        audit.record(session, actor, "demand_draft.update", "demand_draft", draft.id,
                     before={k: before.get(k) for k in changed},
                     after={k: after[k] for k in changed})
    return draft


def _move(session: Session, actor: audit.Actor, draft: DemandDraft, target: DraftStatus,
          verb: str, **extra: Any) -> None:
    before = draft.status
    draft.status, draft.updated_at = target, utcnow()
    session.flush()
    audit.record(session, actor, f"demand_draft.{verb}", "demand_draft", draft.id,
                 before={"status": before}, after={"status": target, **extra})


def submit(session: Session, actor: audit.Actor, draft: DemandDraft, access: RequestAccess
           ) -> DemandDraft:
    _drafter(draft, access)
    _status(draft, BROKER_EDITS, "提交")
    draft.firm_note = None
    _move(session, actor, draft, DraftStatus.SUBMITTED, "submit")
    notices.send(session, notices.org_members(session, draft.organisation_id), "draft.submitted",
                 _title(draft, "经纪人起草的需求待您审定"),
                 "A broker drafted a demand for your firm: review, edit and approve it.")
    return draft


def discard(session: Session, actor: audit.Actor, draft: DemandDraft, access: RequestAccess
            ) -> DemandDraft:
    _drafter(draft, access)
    _status(draft, (*BROKER_EDITS, DraftStatus.SUBMITTED), "放弃")
    _move(session, actor, draft, DraftStatus.DISCARDED, "discard")
    return draft


def return_draft(session: Session, actor: audit.Actor, draft: DemandDraft,
                 access: RequestAccess, note: str) -> DemandDraft:
    _firm(access)
    _status(draft, [DraftStatus.SUBMITTED], "退回")
    draft.firm_note = note
    draft.decided_by_id, draft.decided_at = access.user.id, utcnow()
    _move(session, actor, draft, DraftStatus.RETURNED, "return", note=note)
    notices.send(session, [draft.broker_id], "draft.returned", _title(draft, "企业退回修改"),
                 note)
    return draft


def approve(session: Session, actor: audit.Actor, draft: DemandDraft, access: RequestAccess
            ) -> Demand:
    """Publish the draft as the firm's demand (posted by the approving member), assign the
    drafting broker to it and move its dossier onto it."""
    _firm(access)
    _status(draft, [DraftStatus.SUBMITTED], "批准发布")
    content = DraftContent.model_validate(draft.content)
    _check(session, content, draft.broker_id)
    demand = demands.create_demand(session, actor, access.user,
                                   DemandIn.model_validate({**draft.content, "publish": True}))
    demands.assign_broker(session, actor, demand, draft.broker_id)
    draft.demand_id = demand.id
    draft.decided_by_id, draft.decided_at = access.user.id, utcnow()
    _move(session, actor, draft, DraftStatus.APPROVED, "approve", demand_id=demand.id)
    dossiers.move_to_demand(session, actor, draft.id, demand.id, draft.broker_id)
    notices.send(session, [draft.broker_id], "draft.approved",
                 _title(draft, "企业已批准发布"), "The firm approved and published your draft.")
    return demand


# --- lists ------------------------------------------------------------------------------------

def draft_query(user: User, statuses: Sequence[DraftStatus]) -> Select[DemandDraft]:
    query = select(DemandDraft)
    if user.role == Role.FIRM and user.organisation_id is not None:
        query = query.where(DemandDraft.organisation_id == user.organisation_id)
    elif user.role == Role.BROKER:
        # the help requests the broker still holds (a broker who lost verification sees none)
        held = select(HelpRequest.id).where(HelpRequest.broker_id == user.id)
        query = query.where(DemandDraft.broker_id == user.id,
                            DemandDraft.help_request_id.in_(held))
        if not is_verified_broker(user):
            query = query.where(false())
    elif user.role != Role.ADMIN:
        query = query.where(false())
    if statuses:
        query = query.where(DemandDraft.status.in_(statuses))
    return query


def list_drafts(session: Session, user: User, statuses: Sequence[DraftStatus], page: int,
                page_size: int, help_request_id: int | None = None
                ) -> tuple[list[DemandDraft], int]:
    query = draft_query(user, statuses)
    if help_request_id is not None:
        query = query.where(DemandDraft.help_request_id == help_request_id)
    rows, total = paging.page_of(session, query.order_by(
        DemandDraft.updated_at.desc(), DemandDraft.id.desc()), page, page_size)
    return list(rows), total
