"""The dossier of a proof-of-concept request (评审材料): data, prototype photos, IP documents and
the transfer plan the institute attaches for its panel.

Uploads go through the deals' kit (size limit, type by the bytes — PDF, PNG or JPEG —,
content-addressed store, safe display name). Who may list and download them:
- the institute's members (who asked) and administrators (who organise the review);
- an expert seated on that request's panel — invited, accepted or submitted — and only while
  no conflict of interest with the institute is found (a conflict recorded after the seat was
  offered closes the dossier to them at once: 403, explained);
- nobody else: a proposed seat (not yet asked), a declined or swapped-out one, or no seat at
  all sees 404, so the request's existence does not leak.
Only the institute uploads or removes files, and only before the outcome is recorded. Every
download by someone outside the institute is in the audit log.
"""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.core.errors import Conflict, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.deals.files import read_limited, safe_filename
from backend.deals.storage import FileStore, sniff
from backend.experts import conflicts
from backend.experts.models import (
    AssignmentStatus,
    DossierCategory,
    PocFile,
    PocRequest,
    ReviewAssignment,
)
from backend.experts.poc import NO_REQUEST, OPEN

MAX_FILES = 30
NO_FILE = "未找到该材料。No such file."
# Seats whose expert reads the dossier (a proposal has not been put to the expert yet).
SEATED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED)


def readable_request(session: Session, user: User, request_id: int) -> PocRequest:
    """The request if `user` may read its dossier; 404 when it is not in their view, 403 for a
    seated expert with a conflict of interest."""
    request = session.get(PocRequest, request_id)
    if request is None:
        raise NotFound(NO_REQUEST)
    if user.role == Role.ADMIN:
        return request
    if user.role == Role.INSTITUTE and user.organisation_id is not None \
            and user.organisation_id == request.organisation_id:
        return request
    if user.role == Role.EXPERT:
        seated = session.execute(select(ReviewAssignment.id).where(
            ReviewAssignment.request_id == request.id, ReviewAssignment.expert_id == user.id,
            ReviewAssignment.status.in_(SEATED))).first()
        if seated is not None:
            found = conflicts.conflicts_of(session, user.id, request.organisation_id)
            if found:
                raise PermissionDenied(
                    "您与申请单位存在利益冲突，不能查看评审材料：" + "；".join(
                        f.message_zh for f in found) + "。You have a conflict of interest with "
                    "the applicant and may not read the dossier: " + "; ".join(
                        f.message_en for f in found) + ".")
            return request
    raise NotFound(NO_REQUEST)


def _own_open_request(session: Session, user: User, request_id: int) -> PocRequest:
    request = session.get(PocRequest, request_id, with_for_update=True)
    if request is None or user.organisation_id is None \
            or request.organisation_id != user.organisation_id:
        raise NotFound(NO_REQUEST)
    if request.status not in OPEN:
        raise Conflict("评审已结束或未受理，材料不能再修改。The review is over (or was declined): "
                       "its dossier can no longer change.", current_status=request.status.value)
    return request


def files_of(session: Session, request: PocRequest) -> list[PocFile]:
    return list(session.execute(select(PocFile).where(PocFile.request_id == request.id)
                                .order_by(PocFile.id)).scalars())


def attach(session: Session, actor: audit.Actor, user: User, store: FileStore, request_id: int,
           category: DossierCategory, filename: str | None, stream: BinaryIO) -> PocFile:
    """The institute adds a file (checks who and when first, then at most the size limit, then
    the bytes' real type)."""
    request = _own_open_request(session, user, request_id)
    count = session.execute(select(func.count()).select_from(PocFile).where(
        PocFile.request_id == request.id)).scalar_one()
    if count >= MAX_FILES:
        raise Conflict(f"每项申请最多{MAX_FILES}个材料文件，请先删除不需要的文件。A dossier holds at "
                       f"most {MAX_FILES} files; remove one first.", limit=MAX_FILES)
    data = read_limited(stream)
    content_type = sniff(data[:16])
    digest = store.put(data)
    row = PocFile(request_id=request.id, category=category,
                  filename=safe_filename(filename, content_type), content_type=content_type,
                  size=len(data), sha256=digest, uploaded_by_id=user.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "poc_file.upload", "poc_file", row.id, after={
        "request_id": request.id, "category": category, "filename": row.filename,
        "content_type": content_type, "size": row.size, "sha256": digest})
    return row


def remove(session: Session, actor: audit.Actor, user: User, request_id: int, file_id: int
           ) -> None:
    request = _own_open_request(session, user, request_id)
    row = session.get(PocFile, file_id)
    if row is None or row.request_id != request.id:
        raise NotFound(NO_FILE)
    before = {"request_id": request.id, "category": row.category, "filename": row.filename,
              "sha256": row.sha256}
    session.delete(row)
    session.flush()
    audit.record(session, actor, "poc_file.delete", "poc_file", file_id, before=before)


def read_file(session: Session, actor: audit.Actor, user: User, request: PocRequest,
              file_id: int) -> PocFile:
    """A file of a request the caller may read (`readable_request`); a read by anyone outside
    the institute is logged."""
    row = session.get(PocFile, file_id)
    if row is None or row.request_id != request.id:
        raise NotFound(NO_FILE)
    if user.organisation_id != request.organisation_id:
        audit.record(session, actor, "poc_file.read", "poc_file", row.id,
                     after={"request_id": request.id, "filename": row.filename})
    return row
