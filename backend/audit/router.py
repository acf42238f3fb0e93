"""Administrators read and verify the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from backend.accounts.deps import require
from backend.accounts.models import User
from backend.audit import checkpoint, schemas, service
from backend.config import get_settings
from backend.core.deps import LogPageSize, PageNo, PeriodDep, SessionDep
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], route_class=UnitOfWorkRoute)

AuditReader = Annotated[User, Depends(require(Permission.AUDIT_READ))]


@router.get("/entries")
def list_entries(session: SessionDep, _: AuditReader, when: PeriodDep,
                 action: str | None = None, object_type: str | None = None,
                 object_id: str | None = None, actor_id: int | None = None,
                 page: PageNo = 1, page_size: LogPageSize = 50
                 ) -> Page[schemas.AuditEntryOut]:
    """Entries by action, object and actor, recorded on the days `since`..`until`
    (Beijing time, inclusive)."""
    rows, total = service.list_entries(session, action=action, object_type=object_type,
                                       object_id=object_id, actor_id=actor_id,
                                       since=when.start, until=when.end, page=page,
                                       page_size=page_size)
    return Page(items=[schemas.AuditEntryOut.model_validate(r) for r in rows], total=total,
                page=page, page_size=page_size)


@router.get("/verify")
@blocking
def verify(session: SessionDep, _: AuditReader) -> schemas.VerifyOut:
    return schemas.VerifyOut.model_validate(service.verify(session))


@router.get("/checkpoint")
@blocking
def take_checkpoint(session: SessionDep, _: AuditReader) -> schemas.CheckpointOut:
    """The chain's head signed with this instance's key, to keep outside the system."""
    key = checkpoint.instance_key(get_settings().var_dir)
    return schemas.CheckpointOut.model_validate(
        checkpoint.take_checkpoint(session, key), from_attributes=True)


@router.post("/checkpoint/verify")
@blocking
def verify_checkpoint(body: schemas.CheckpointOut, session: SessionDep, _: AuditReader
                      ) -> schemas.CheckpointVerifyOut:
    """Prove against a kept checkpoint that nothing up to it was rewritten."""
    trusted = checkpoint.instance_key(get_settings().var_dir).public_key()
    report = checkpoint.verify_checkpoint(session, checkpoint.Checkpoint(**body.model_dump()),
                                          trusted)
    return schemas.CheckpointVerifyOut(ok=report.ok, reason=report.reason,
                                       chain=schemas.VerifyOut.model_validate(report.chain))


@router.get("/public-key")
def public_key(_: AuditReader) -> schemas.PublicKeyOut:
    key = checkpoint.instance_key(get_settings().var_dir).public_key()
    return schemas.PublicKeyOut(pem=checkpoint.public_pem(key))
