"""HTTP for deals and notifications: parse, authorise, call the rules, shape the answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from backend.accounts.models import User
from backend.core.deps import ActorDep, CurrentUser, SessionDep, require
from backend.core.errors import NotFound
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals import (
    brokers,
    contracts,
    dashboard,
    files,
    notes,
    notifications,
    opening,
    payments,
    pending,
    pipeline,
    schemas,
    views,
)
from backend.deals.access import deal_for, list_visible
from backend.deals.models import Stage
from backend.deals.storage import ALLOWED_TYPES, FileStore, file_store

deals_router = APIRouter(prefix="/api/v1/deals", tags=["deals"], route_class=UnitOfWorkRoute)
notifications_router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"],
                                 route_class=UnitOfWorkRoute)

DealOpener = Annotated[User, Depends(require(Permission.DEAL_OPEN))]        # brokers (and admins)
DealResponder = Annotated[User, Depends(require(Permission.DEAL_RESPOND))]  # firms, institutes
DealReader = Annotated[User, Depends(require(Permission.DEAL_READ))]
Store = Annotated[FileStore, Depends(file_store)]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]
_CHUNK = 64 * 1024


def _view(session: SessionDep, user: User, deal_id: int) -> schemas.DealOut:
    session.flush()
    return views.deal_view(session, deal_for(session, user, deal_id))


# --- the deal -----------------------------------------------------------------------------

@deals_router.post("", status_code=status.HTTP_201_CREATED)
def open_deal(body: schemas.DealOpen, session: SessionDep, user: DealOpener,
              actor: ActorDep) -> schemas.DealOut:
    deal = opening.open_deal(session, actor, user, body.demand_id, body.achievement_id)
    return _view(session, user, deal.id)


@deals_router.get("")
def list_deals(session: SessionDep, user: DealReader,
               stage: Annotated[list[Stage] | None, Query()] = None, open_only: bool = False,
               page: PageNo = 1, page_size: PageSize = 20) -> Page[schemas.DealSummary]:
    rows, total = list_visible(session, user, stages=stage, open_only=open_only, page=page,
                               page_size=page_size)
    return Page(items=views.deal_summaries(session, user, rows), total=total, page=page,
                page_size=page_size)


@deals_router.get("/dashboard")
def get_dashboard(session: SessionDep, user: DealOpener) -> schemas.DashboardOut:
    return dashboard.dashboard(session, user)


@deals_router.get("/pending")
def get_pending(session: SessionDep, user: CurrentUser) -> schemas.PendingOut:
    """Counts of what waits on the signed-in user (introductions, invitations, re-splits)."""
    return pending.pending(session, user)


@deals_router.get("/{deal_id}")
def get_deal(deal_id: int, session: SessionDep, user: DealReader) -> schemas.DealOut:
    return views.deal_view(session, deal_for(session, user, deal_id))


@deals_router.post("/{deal_id}/accept")
def accept_introduction(deal_id: int, session: SessionDep, user: DealResponder,
                        actor: ActorDep) -> schemas.DealOut:
    opening.respond(session, actor, deal_for(session, user, deal_id, lock=True), True, None)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/decline")
def decline_introduction(deal_id: int, session: SessionDep, user: DealResponder,
                         actor: ActorDep, body: schemas.Decline | None = None
                         ) -> schemas.DealOut:
    opening.respond(session, actor, deal_for(session, user, deal_id, lock=True), False,
                    body.reason if body else None)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/transitions")
def transition_deal(deal_id: int, body: schemas.TransitionIn, session: SessionDep,
                    user: DealOpener, actor: ActorDep) -> schemas.DealOut:
    pipeline.request_transition(session, actor, deal_for(session, user, deal_id, lock=True),
                                body.to_stage, body.reason)
    return _view(session, user, deal_id)


# --- brokers and shares -------------------------------------------------------------------

@deals_router.post("/{deal_id}/brokers")
def invite_broker(deal_id: int, body: schemas.InviteIn, session: SessionDep, user: DealOpener,
                  actor: ActorDep) -> schemas.DealOut:
    brokers.invite(session, actor, deal_for(session, user, deal_id, lock=True), body.broker_id,
                   body.shares)
    return _view(session, user, deal_id)


@deals_router.delete("/{deal_id}/brokers/{broker_id}/invitation")
def withdraw_invitation(deal_id: int, broker_id: int, session: SessionDep, user: DealOpener,
                        actor: ActorDep) -> schemas.DealOut:
    brokers.withdraw_invitation(session, actor, deal_for(session, user, deal_id, lock=True),
                                broker_id)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/invitation/accept")
def accept_invitation(deal_id: int, session: SessionDep, user: DealOpener,
                      actor: ActorDep) -> schemas.DealOut:
    brokers.answer_invitation(session, actor, deal_for(session, user, deal_id, lock=True), True)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/invitation/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline_invitation(deal_id: int, session: SessionDep, user: DealOpener,
                       actor: ActorDep) -> None:
    """No body: having declined, the broker no longer sees the deal."""
    brokers.answer_invitation(session, actor, deal_for(session, user, deal_id, lock=True), False)


@deals_router.put("/{deal_id}/shares")
def propose_shares(deal_id: int, body: schemas.SharesIn, session: SessionDep, user: DealOpener,
                   actor: ActorDep) -> schemas.DealOut:
    brokers.propose_shares(session, actor, deal_for(session, user, deal_id, lock=True),
                           body.shares)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/shares/accept")
def accept_share_proposal(deal_id: int, session: SessionDep, user: DealOpener,
                          actor: ActorDep) -> schemas.DealOut:
    brokers.answer_share_proposal(session, actor, deal_for(session, user, deal_id, lock=True),
                                  True)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/shares/decline")
def decline_share_proposal(deal_id: int, session: SessionDep, user: DealOpener,
                           actor: ActorDep) -> schemas.DealOut:
    brokers.answer_share_proposal(session, actor, deal_for(session, user, deal_id, lock=True),
                                  False)
    return _view(session, user, deal_id)


# --- contract, files, payments ------------------------------------------------------------

@deals_router.put("/{deal_id}/contract")
def record_contract(deal_id: int, body: schemas.ContractIn, session: SessionDep,
                    user: DealOpener, actor: ActorDep) -> schemas.DealOut:
    contracts.record_contract(session, actor, deal_for(session, user, deal_id, lock=True),
                              name=body.name, type_=body.type, amount=body.amount,
                              signed_on=body.signed_on, buyer_org_id=body.buyer_org_id,
                              seller_org_id=body.seller_org_id)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/contract/registration")
def register_contract(deal_id: int, body: schemas.RegistrationIn, session: SessionDep,
                      user: DealOpener, actor: ActorDep) -> schemas.DealOut:
    contracts.register_contract(session, actor, deal_for(session, user, deal_id, lock=True),
                                registration_no=body.registration_no,
                                registered_on=body.registered_on,
                                technology_amount=body.technology_amount)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/files", status_code=status.HTTP_201_CREATED)
@blocking
def upload_contract_file(deal_id: int, file: UploadFile, session: SessionDep, user: DealOpener,
                         actor: ActorDep, store: Store) -> schemas.ContractFileOut:
    row = files.upload(session, actor, deal_for(session, user, deal_id, lock=True), store,
                       file.filename, file.file)
    return schemas.ContractFileOut.model_validate(row)


@deals_router.get("/{deal_id}/files")
def list_contract_files(deal_id: int, session: SessionDep, user: DealReader
                        ) -> list[schemas.ContractFileOut]:
    rows = files.list_files(session, deal_for(session, user, deal_id))
    return [schemas.ContractFileOut.model_validate(r) for r in rows]


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


@deals_router.get("/{deal_id}/files/{file_id}", response_class=StreamingResponse,
                  responses={200: {"content": {t: {} for t in ALLOWED_TYPES},
                                   "description": "The file's bytes."}})
@blocking
def download_contract_file(deal_id: int, file_id: int, session: SessionDep, user: DealReader,
                           store: Store) -> StreamingResponse:
    row = files.get_file(session, deal_for(session, user, deal_id), file_id)
    try:
        stream = store.open(row.sha256)
    except FileNotFoundError:
        raise NotFound("附件内容缺失，请联系管理员。The file's content is missing; contact an "
                       "administrator.") from None
    return StreamingResponse(_chunks(stream), media_type=row.content_type, headers={
        "Content-Length": str(row.size),
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    })


@deals_router.post("/{deal_id}/payments", status_code=status.HTTP_201_CREATED)
def record_payment(deal_id: int, body: schemas.PaymentIn, session: SessionDep, user: DealOpener,
                   actor: ActorDep) -> schemas.DealOut:
    payments.record_payment(session, actor, deal_for(session, user, deal_id, lock=True),
                            paid_on=body.paid_on, amount=body.amount,
                            bank_reference=body.bank_reference,
                            invoice_reference=body.invoice_reference)
    return _view(session, user, deal_id)


# --- notes and timeline -------------------------------------------------------------------

@deals_router.post("/{deal_id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(deal_id: int, body: schemas.NoteIn, session: SessionDep, user: DealOpener,
             actor: ActorDep) -> schemas.EventOut:
    access = deal_for(session, user, deal_id)
    event = notes.add_note(session, actor, access, body.text, body.visible_to_parties)
    return views.event_views(session, access, [event])[0]


@deals_router.get("/{deal_id}/timeline")
def get_timeline(deal_id: int, session: SessionDep, user: DealReader) -> list[schemas.EventOut]:
    access = deal_for(session, user, deal_id)
    return views.event_views(session, access, notes.timeline(session, access))


# --- notifications ------------------------------------------------------------------------

@notifications_router.get("")
def list_notifications(session: SessionDep, user: CurrentUser, unread_only: bool = False,
                       page: PageNo = 1, page_size: PageSize = 20) -> schemas.NotificationPage:
    rows, total, unread = notifications.list_notifications(
        session, user, unread_only=unread_only, page=page, page_size=page_size)
    return schemas.NotificationPage(
        items=[schemas.NotificationOut.model_validate(r) for r in rows], total=total, page=page,
        page_size=page_size, unread=unread)


@notifications_router.post("/{notification_id}/read")
def mark_notification_read(notification_id: int, session: SessionDep, user: CurrentUser
                           ) -> schemas.NotificationOut:
    return schemas.NotificationOut.model_validate(
        notifications.mark_read(session, user, notification_id))


@notifications_router.post("/read-all")
def mark_all_notifications_read(session: SessionDep, user: CurrentUser) -> schemas.MarkedRead:
    return schemas.MarkedRead(marked=notifications.mark_all_read(session, user))
