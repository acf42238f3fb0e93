"""Visit log (走访记录): the broker who accepted a request records each visit or call; the firm,
that broker and administrators read it."""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import NotFound
from backend.core.types import utcnow
from backend.deals.storage import FileStore
from backend.intake import files
from backend.intake.access import RequestAccess, insider, require_broker
from backend.intake.models import HelpStatus, StoredFile, Visit
from backend.intake.requests import require_status
from backend.intake.schemas import VisitIn, VisitUpdate

NOT_FOUND = "未找到该走访记录。No such visit."


def _snapshot(v: Visit) -> dict[str, Any]:
    return {"kind": v.kind, "visited_on": v.visited_on, "attendees": v.attendees,
            "findings": v.findings, "follow_ups": v.follow_ups}


def record_visit(session: Session, actor: audit.Actor, access: RequestAccess, data: VisitIn
                 ) -> Visit:
    insider(access)
    require_broker(access)
    require_status(access.request, [HelpStatus.ACCEPTED], "记录走访")
    visit = Visit(help_request_id=access.request.id, broker_id=access.user.id, kind=data.kind,
                  visited_on=data.visited_on, attendees=data.attendees, findings=data.findings,
                  follow_ups=data.follow_ups)
    session.add(visit)
    session.flush()
    audit.record(session, actor, "visit.create", "visit", visit.id,
                 after={"help_request_id": visit.help_request_id, **_snapshot(visit)})
    return visit


def visit_for(session: Session, access: RequestAccess, visit_id: int) -> Visit:
    insider(access)
    visit = session.get(Visit, visit_id)
    if visit is None or visit.help_request_id != access.request.id:
        raise NotFound(NOT_FOUND)
    return visit


def update_visit(session: Session, actor: audit.Actor, access: RequestAccess, visit_id: int,
                 data: VisitUpdate) -> Visit:
    visit = visit_for(session, access, visit_id)
    require_broker(access)
    before = _snapshot(visit)
    for name in data.model_fields_set:
        value = getattr(data, name)
        if value is not None:
            setattr(visit, name, value)
    after = _snapshot(visit)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        visit.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "visit.update", "visit", visit.id,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return visit


def list_visits(session: Session, access: RequestAccess) -> list[Visit]:
    insider(access)
    return list(session.execute(select(Visit).where(Visit.help_request_id == access.request.id)
                                .order_by(Visit.visited_on, Visit.id)).scalars())


def attach(session: Session, actor: audit.Actor, access: RequestAccess, visit_id: int,
           store: FileStore, filename: str | None, stream: BinaryIO) -> StoredFile:
    visit = visit_for(session, access, visit_id)
    require_broker(access)
    return files.store_file(session, actor, store, filename, stream, visit_id=visit.id)


def visit_file(session: Session, access: RequestAccess, visit_id: int, file_id: int
               ) -> StoredFile:
    visit = visit_for(session, access, visit_id)
    return files.file_of(session, file_id, visit_id=visit.id)
