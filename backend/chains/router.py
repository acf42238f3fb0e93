"""HTTP for industry chains (产业链图谱): parse, authorise, call the service, shape the answer.

Administrators edit chains; everyone signed in reads them; the public sees none."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, UploadFile, status

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.chains import schemas, service, workbook
from backend.config import get_settings
from backend.core import clock, sheets
from backend.core.deps import SessionDep
from backend.core.errors import PayloadTooLarge
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.tabular import MEDIA_TYPES

router = APIRouter(prefix="/api/v1/chains", tags=["chains"], route_class=UnitOfWorkRoute)

Editor = Annotated[User, Depends(require(Permission.CHAIN_EDIT))]   # administrators
_XLSX: dict[int | str, dict[str, Any]] = {200: {
    "content": {MEDIA_TYPES["xlsx"]: {}}, "description": "The chain as an XLSX workbook."}}


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
