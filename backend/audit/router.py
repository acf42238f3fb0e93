"""Administrators read and verify the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from backend.accounts.models import User
from backend.audit import schemas, service
from backend.core.deps import SessionDep, require
from backend.core.permissions import Permission
from backend.core.schemas import Page

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

AuditReader = Annotated[User, Depends(require(Permission.AUDIT_READ))]


@router.get("/entries")
def list_entries(session: SessionDep, _: AuditReader, action: str | None = None,
                 object_type: str | None = None, object_id: str | None = None,
                 actor_id: int | None = None, since: datetime | None = None,
                 until: datetime | None = None,
                 page: Annotated[int, Query(ge=1)] = 1,
                 page_size: Annotated[int, Query(ge=1, le=500)] = 50
                 ) -> Page[schemas.AuditEntryOut]:
    rows, total = service.list_entries(session, action=action, object_type=object_type,
                                       object_id=object_id, actor_id=actor_id, since=since,
                                       until=until, page=page, page_size=page_size)
    return Page(items=[schemas.AuditEntryOut.model_validate(r) for r in rows], total=total,
                page=page, page_size=page_size)


@router.get("/verify")
def verify(session: SessionDep, _: AuditReader) -> schemas.VerifyOut:
    return schemas.VerifyOut.model_validate(service.verify(session))
