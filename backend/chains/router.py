"""HTTP for industry chains (产业链图谱): parse, authorise, call the service, shape the answer.

Administrators edit chains; everyone signed in reads them; the public sees none."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, UploadFile, status

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.chains import figures, placement, report, report_pdf, schemas, service, workbook
from backend.chains.models import ListingKind
from backend.config import get_settings
from backend.core import clock, sheets
from backend.core.dates import Period
from backend.core.deps import PeriodDep, SessionDep
from backend.core.errors import PayloadTooLarge
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.tabular import MEDIA_TYPES

router = APIRouter(prefix="/api/v1/chains", tags=["chains"], route_class=UnitOfWorkRoute)

Placer = Annotated[User, Depends(require(Permission.PROFILE_READ))]  # admins; owners their own
Issuer = Annotated[User, Depends(require(Permission.CHALLENGE_ISSUE))]  # firms, the bureau
Reporter = Annotated[User, Depends(require(Permission.EXPORT))]         # the bureau
UnmetAfter = Annotated[int, Query(ge=1, le=365, description="a demand is unmet after this many "
                                                             "days without an introduction")]
Editor = Annotated[User, Depends(require(Permission.CHAIN_EDIT))]   # administrators
_XLSX: dict[int | str, dict[str, Any]] = {200: {
    "content": {MEDIA_TYPES["xlsx"]: {}}, "description": "The chain as an XLSX workbook."}}
_PDF: dict[int | str, dict[str, Any]] = {200: {
    "content": {"application/pdf": {}}, "description": "The report as a PDF."}}
Year = Annotated[int, Query(ge=2000, le=2100)]
Quarter = Annotated[int, Query(ge=1, le=4)]


def _upload(file: UploadFile) -> bytes:
    limit = get_settings().max_upload_mb * 1024 * 1024
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"文件不能超过 {limit // (1024 * 1024)} MB（MAX_UPLOAD_MB）。"
                              f"The file is larger than {limit // (1024 * 1024)} MB "
                              "(MAX_UPLOAD_MB).", limit="MAX_UPLOAD_MB",
                              max=limit // (1024 * 1024))
    return content


@router.get("")
def list_chains(session: SessionDep, user: CurrentUser) -> list[schemas.ChainSummary]:
    return [schemas.ChainSummary.model_validate(c) for c in service.list_chains(session)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_chain(body: schemas.ChainIn, session: SessionDep, user: Editor, actor: ActorDep
                 ) -> schemas.ChainOut:
    return service.chain_out(session, service.create(session, actor, user, body))


@router.post("/import", status_code=status.HTTP_201_CREATED)
@blocking
def import_chain(file: UploadFile, session: SessionDep, user: Editor, actor: ActorDep
                 ) -> schemas.ChainOut:
    """A new chain from an XLSX workbook (the export's layout): all of it, or nothing with
    every error by sheet and row."""
    doc = workbook.parse(_upload(file), sheets.Limits.of(get_settings()))
    return service.chain_out(session, service.create(session, actor, user, doc, imported=True))


@router.get("/listings/{listing_kind}/{listing_id}/placements")
def listing_placements(listing_kind: ListingKind, listing_id: int, session: SessionDep,
                       user: CurrentUser) -> schemas.ListingChainsOut:
    """On which chains' nodes a listing sits (automatic and manual), for those who may see the
    listing, and whether the caller may place it by hand."""
    return placement.of_listing(session, user, listing_kind, listing_id)


@router.get("/{chain_id}")
def get_chain(chain_id: int, session: SessionDep, user: CurrentUser) -> schemas.ChainOut:
    return service.chain_out(session, service.chain_for(session, chain_id))


@router.put("/{chain_id}")
def save_chain(chain_id: int, body: schemas.GraphIn, session: SessionDep, user: Editor,
               actor: ActorDep) -> schemas.ChainOut:
    """Replace the chain's graph (nodes with their marks, edges): a new version."""
    chain = service.chain_for(session, chain_id, lock=True)
    return service.chain_out(session, service.save(session, actor, user, chain, body))


@router.put("/{chain_id}/import")
@blocking
def reimport_chain(chain_id: int, file: UploadFile, session: SessionDep, user: Editor,
                   actor: ActorDep) -> schemas.ChainOut:
    """Replace the chain's graph from an XLSX workbook (its code must be the chain's)."""
    chain = service.chain_for(session, chain_id, lock=True)
    doc = workbook.parse(_upload(file), sheets.Limits.of(get_settings()))
    service.require_code(chain, doc)
    return service.chain_out(session, service.save(session, actor, user, chain, doc,
                                                   imported=True))


@router.get("/{chain_id}/export", response_class=Response, responses=_XLSX)
def export_chain(chain_id: int, session: SessionDep, user: CurrentUser) -> Response:
    chain = service.chain_for(session, chain_id)
    name = f"techbroker-chain-{chain.code}-v{chain.version}-{clock.today():%Y%m%d}.xlsx"
    return Response(workbook.to_xlsx(service.document(session, chain)),
                    media_type=MEDIA_TYPES["xlsx"], headers={
                        "Content-Disposition": f'attachment; filename="{name}"',
                        "Cache-Control": "private, no-store",
                        "X-Content-Type-Options": "nosniff"})


@router.get("/{chain_id}/versions")
def list_versions(chain_id: int, session: SessionDep, user: CurrentUser
                  ) -> list[schemas.VersionSummary]:
    chain = service.chain_for(session, chain_id)
    return [schemas.VersionSummary.model_validate(v) for v in service.versions(session, chain)]


@router.get("/{chain_id}/versions/{number}")
def get_version(chain_id: int, number: int, session: SessionDep, user: CurrentUser
                ) -> schemas.VersionOut:
    row = service.version(session, service.chain_for(session, chain_id), number)
    return schemas.VersionOut(number=row.number, note=row.note, created_at=row.created_at,
                              created_by_id=row.created_by_id,
                              graph=schemas.ChainIn.model_validate(row.snapshot))


@router.post("/{chain_id}/placements/auto")
@blocking
def auto_place(chain_id: int, session: SessionDep, user: Editor, actor: ActorDep
               ) -> schemas.AutoPlacementOut:
    """Re-run the automatic placement over every published listing (manual ones stay)."""
    chain = service.chain_for(session, chain_id, lock=True)
    return placement.auto_place(session, actor, chain)


@router.get("/{chain_id}/placements")
def list_placements(chain_id: int, session: SessionDep, user: CurrentUser,
                    node_key: str | None = None) -> list[schemas.PlacementOut]:
    """Placements of listings the caller may see."""
    chain = service.chain_for(session, chain_id)
    return placement.listed(session, user, chain, node_key)


@router.post("/{chain_id}/placements", status_code=status.HTTP_201_CREATED)
def place_listing(chain_id: int, body: schemas.PlacementIn, session: SessionDep, user: Placer,
                  actor: ActorDep) -> schemas.PlacementOut:
    """By hand: administrators any published listing; a firm or institute its own."""
    chain = service.chain_for(session, chain_id, lock=True)
    row = placement.place(session, actor, user, chain, body)
    return next(p for p in placement.listed(session, user, chain, body.node_key)
                if p.id == row.id)


@router.delete("/{chain_id}/placements/{placement_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_placement(chain_id: int, placement_id: int, session: SessionDep, user: Placer,
                     actor: ActorDep) -> None:
    chain = service.chain_for(session, chain_id, lock=True)
    placement.remove(session, actor, user, chain, placement_id)


def _period(when: Period) -> tuple[date, date]:
    """The period asked for; by default the current quarter (Beijing time)."""
    today = clock.today()
    start, end = figures.quarter(today.year, (today.month - 1) // 3 + 1)
    return when.since or start, when.until or end


@router.get("/{chain_id}/figures")
def chain_figures(chain_id: int, session: SessionDep, user: CurrentUser, when: PeriodDep,
                  unmet_after_days: UnmetAfter = figures.UNMET_AFTER_DAYS
                  ) -> schemas.ChainFigures:
    """Per node over the period: local demands and achievements, deals, confirmed contract
    value, unmet demands, open challenges, and the gaps they show."""
    chain = service.chain_for(session, chain_id)
    start, end = _period(when)
    return figures.chain_figures(session, chain, start, end, unmet_after_days)


@router.get("/{chain_id}/gaps")
def chain_gaps(chain_id: int, session: SessionDep, user: CurrentUser, when: PeriodDep,
               unmet_after_days: UnmetAfter = figures.UNMET_AFTER_DAYS) -> list[schemas.GapOut]:
    """Nodes ranked by unmet demand, each with the best achievements placed on it."""
    chain = service.chain_for(session, chain_id)
    start, end = _period(when)
    data = figures.chain_figures(session, chain, start, end, unmet_after_days)
    return figures.gaps(session, user, chain, data)


@router.get("/{chain_id}/gaps/{node_key}/challenge-draft")
def challenge_draft(chain_id: int, node_key: str, session: SessionDep, user: Issuer
                    ) -> schemas.ChallengeDraft:
    """A challenge pre-filled for the node, to complete and post to `POST /api/v1/challenges`
    (nothing is stored)."""
    chain = service.chain_for(session, chain_id)
    start, end = _period(Period())
    data = figures.chain_figures(session, chain, start, end)
    return report.challenge_draft(session, user, chain, node_key, data)


@router.get("/{chain_id}/report", response_class=Response, responses=_XLSX)
@blocking
def quarterly_report(chain_id: int, session: SessionDep, user: Reporter,
                     year: Year, quarter: Quarter) -> Response:
    """The quarter's report for the bureau (XLSX): figures, gaps, challenges and outcomes."""
    chain = service.chain_for(session, chain_id)
    name = f"techbroker-chain-{chain.code}-{year}Q{quarter}.xlsx"
    return Response(report.build(session, user, chain, year, quarter),
                    media_type=MEDIA_TYPES["xlsx"], headers={
                        "Content-Disposition": f'attachment; filename="{name}"',
                        "Cache-Control": "private, no-store",
                        "X-Content-Type-Options": "nosniff"})


@router.get("/{chain_id}/report.pdf", response_class=Response, responses=_PDF)
@blocking
def quarterly_report_pdf(chain_id: int, session: SessionDep, user: Reporter, year: Year,
                         quarter: Quarter) -> Response:
    """The quarter's report as a PDF (labels, not codes; Chinese with English beside): the
    figures per node, the top gaps, the challenges and their outcomes."""
    chain = service.chain_for(session, chain_id)
    name = f"techbroker-chain-{chain.code}-{year}Q{quarter}.pdf"
    return Response(report_pdf.build(session, user, chain, year, quarter),
                    media_type="application/pdf", headers={
                        "Content-Disposition": f'attachment; filename="{name}"',
                        "Cache-Control": "private, no-store",
                        "X-Content-Type-Options": "nosniff"})
