"""HTTP for deals and notifications: parse, authorise, call the rules, shape the answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, UploadFile, status
from fastapi.responses import Response, StreamingResponse

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.errors import NotFound
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals import (
    brokers,
    contracts,
    dashboard,
    evidence,
    files,
    notes,
    notifications,
    opening,
    payments,
    pending,
    pipeline,
    registry,
    schemas,
    views,
)
from backend.deals.access import deal_for, list_visible
from backend.deals.models import Contract, EvidenceKind, RegistryStatus, Stage
from backend.deals.storage import ALLOWED_TYPES, FileStore, file_store
from backend.rewards.recompute import recompute_deal, recompute_deals

deals_router = APIRouter(prefix="/api/v1/deals", tags=["deals"], route_class=UnitOfWorkRoute)
notifications_router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"],
                                 route_class=UnitOfWorkRoute)
registry_router = APIRouter(prefix="/api/v1/registry", tags=["registry"],
                            route_class=UnitOfWorkRoute)

DealOpener = Annotated[User, Depends(require(Permission.DEAL_OPEN))]        # brokers (and admins)
DealResponder = Annotated[User, Depends(require(Permission.DEAL_RESPOND))]  # firms, institutes
# The parties answer for their organisations; administrators for amounts above the ceiling.
EvidenceAnswerer = Annotated[User, Depends(require(Permission.EVIDENCE_CONFIRM))]
DealReader = Annotated[User, Depends(require(Permission.DEAL_READ))]
RegistryKeeper = Annotated[User, Depends(require(Permission.REGISTRY_IMPORT))]
Store = Annotated[FileStore, Depends(file_store)]
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


@deals_router.get("/confirmations")
def awaiting_confirmation(session: SessionDep, user: DealReader) -> schemas.AwaitingOut:
    """What awaits this user's confirmation: for a firm or institute, the contract versions
    and payments their organisation has not answered yet; for an administrator, contract
    amounts above the ceiling."""
    items = evidence.awaiting(session, user)
    return schemas.AwaitingOut(count=len(items), items=[
        schemas.AwaitingItem(deal_id=i.deal_id, kind=i.kind, item_id=i.item_id,
                             version=i.version, side=i.side, amount=i.amount,
                             declared_at=i.declared_at) for i in items])


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
    if body.to_stage in (Stage.CANCELLED, Stage.LOST):
        recompute_deal(session, actor, deal_id)  # what was paid on it becomes a claw-back
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


@deals_router.put("/{deal_id}/contract/registration")
def amend_registration(deal_id: int, body: schemas.RegistrationIn, session: SessionDep,
                       user: DealOpener, actor: ActorDep) -> schemas.DealOut:
    """Correct a registered contract's registration; the parties confirm it again."""
    contracts.amend_registration(session, actor, deal_for(session, user, deal_id, lock=True),
                                 registration_no=body.registration_no,
                                 registered_on=body.registered_on,
                                 technology_amount=body.technology_amount)
    recompute_deal(session, actor, deal_id)
    return _view(session, user, deal_id)


def _answer(session: SessionDep, user: User, actor: ActorDep, deal_id: int,
            kind: EvidenceKind, item_id: int | None, version: int, confirm: bool,
            reason: str | None) -> schemas.DealOut:
    evidence.answer(session, actor, deal_for(session, user, deal_id, lock=True), kind, item_id,
                    version, confirm, reason)
    recompute_deal(session, actor, deal_id)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/contract/confirm")
def confirm_contract(deal_id: int, body: schemas.EvidenceConfirmIn, session: SessionDep,
                     user: EvidenceAnswerer, actor: ActorDep) -> schemas.DealOut:
    """A party (or, above the amount ceiling, an administrator) confirms the contract's
    current version."""
    return _answer(session, user, actor, deal_id, EvidenceKind.CONTRACT, None, body.version,
                   True, None)


@deals_router.post("/{deal_id}/contract/dispute")
def dispute_contract(deal_id: int, body: schemas.EvidenceDisputeIn, session: SessionDep,
                     user: EvidenceAnswerer, actor: ActorDep) -> schemas.DealOut:
    return _answer(session, user, actor, deal_id, EvidenceKind.CONTRACT, None, body.version,
                   False, body.reason)


@deals_router.post("/{deal_id}/payments/{payment_id}/confirm")
def confirm_payment(deal_id: int, payment_id: int, body: schemas.EvidenceConfirmIn,
                    session: SessionDep, user: EvidenceAnswerer, actor: ActorDep
                    ) -> schemas.DealOut:
    return _answer(session, user, actor, deal_id, EvidenceKind.PAYMENT, payment_id,
                   body.version, True, None)


@deals_router.post("/{deal_id}/payments/{payment_id}/dispute")
def dispute_payment(deal_id: int, payment_id: int, body: schemas.EvidenceDisputeIn,
                    session: SessionDep, user: EvidenceAnswerer, actor: ActorDep
                    ) -> schemas.DealOut:
    return _answer(session, user, actor, deal_id, EvidenceKind.PAYMENT, payment_id,
                   body.version, False, body.reason)


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
                            invoice_reference=body.invoice_reference,
                            invoice_no=body.invoice_no, payer_account=body.payer_account,
                            payee_account=body.payee_account,
                            evidence_file_id=body.evidence_file_id, note=body.note)
    return _view(session, user, deal_id)


@deals_router.patch("/{deal_id}/payments/{payment_id}")
def correct_payment(deal_id: int, payment_id: int, body: schemas.PaymentCorrectIn,
                    session: SessionDep, user: DealOpener, actor: ActorDep) -> schemas.DealOut:
    """Correct a payment the parties have not confirmed (amount, date, bank reference,
    note); the parties are asked to confirm the new version."""
    fields = body.model_dump(include={"note"}, exclude_unset=True)
    payments.correct_payment(session, actor, deal_for(session, user, deal_id, lock=True),
                             payment_id, paid_on=body.paid_on, amount=body.amount,
                             bank_reference=body.bank_reference, **fields)
    return _view(session, user, deal_id)


@deals_router.post("/{deal_id}/payments/{payment_id}/void")
def void_payment(deal_id: int, payment_id: int, body: schemas.PaymentVoidIn,
                 session: SessionDep, user: DealOpener, actor: ActorDep) -> schemas.DealOut:
    """Void a payment the parties have not confirmed, with the reason."""
    payments.void_payment(session, actor, deal_for(session, user, deal_id, lock=True),
                          payment_id, body.reason)
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


# --- the registration office's export -------------------------------------------------------

def _registry_contracts(session: SessionDep, rows: list[Contract]
                        ) -> list[schemas.RegistryContractOut]:
    codes = registry.credit_codes(session, [o for c in rows
                                            for o in (c.buyer_org_id, c.seller_org_id)])
    records = registry.records_for(session, [c.registration_no for c in rows
                                             if c.registration_no])
    out = []
    for c in rows:
        record = records.get(c.registration_no or "")
        out.append(schemas.RegistryContractOut(
            contract_id=c.id, deal_id=c.deal_id, name=c.name, registration_no=c.registration_no,
            type=c.type, amount=c.amount, registered_on=c.registered_on,
            buyer_credit_code=codes.get(c.buyer_org_id, ""),
            seller_credit_code=codes.get(c.seller_org_id, ""),
            registry_status=c.registry_status, registry_issues=list(c.registry_issues or []),
            record=None if record is None else schemas.RegistryRecordOut.model_validate(record)))
    return out


@registry_router.post("/imports", status_code=status.HTTP_201_CREATED)
@blocking
def import_registry(file: UploadFile, session: SessionDep, user: RegistryKeeper,
                    actor: ActorDep) -> schemas.RegistryImportResult:
    """Upload the registration office's export (CSV or XLSX): every contract bearing one of
    its numbers is matched, mismatches are named, and claims on contracts whose registration
    changed or was cancelled are re-computed."""
    outcome = registry.import_export(session, actor, user.id, file.filename,
                                     files.read_limited(file.file))
    recompute_deals(session, actor, outcome.changed_deal_ids)
    mismatched = registry.contracts_by_ids(session, outcome.mismatched)
    return schemas.RegistryImportResult(
        registry_import=schemas.RegistryImportOut.model_validate(outcome.row),
        matched=len(outcome.matched), mismatched=_registry_contracts(session, mismatched))


@registry_router.get("/imports")
def list_registry_imports(session: SessionDep, _: RegistryKeeper, page: PageNo = 1,
                          page_size: PageSize = 20) -> Page[schemas.RegistryImportOut]:
    rows, total = registry.list_imports(session, page, page_size)
    return Page(items=[schemas.RegistryImportOut.model_validate(r) for r in rows], total=total,
                page=page, page_size=page_size)


@registry_router.get("/contracts")
def list_registry_contracts(
        session: SessionDep, _: RegistryKeeper,
        status_: Annotated[list[RegistryStatus] | None, Query(alias="status")] = None,
        page: PageNo = 1, page_size: PageSize = 20) -> Page[schemas.RegistryContractOut]:
    """Registered contracts by their standing against the registry (default: mismatched or
    cancelled)."""
    statuses = status_ or [RegistryStatus.MISMATCH, RegistryStatus.CANCELLED]
    rows, total = registry.contracts_by_status(session, statuses, page, page_size)
    return Page(items=_registry_contracts(session, list(rows)), total=total, page=page,
                page_size=page_size)


@registry_router.get("/template", response_class=Response,
                     responses={200: {"content": {"text/csv": {}},
                                      "description": "An example export, with its columns."}})
def registry_template(_: RegistryKeeper) -> Response:
    return Response(registry.template_csv(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": "attachment; filename*=UTF-8''registry-template.csv"})
