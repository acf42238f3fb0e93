"""Visit photos and dossier drawings: the deals' upload kit (size limit, type by the bytes,
content-addressed store, safe display name), attached to a visit or a dossier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import NotFound
from backend.deals.files import read_limited, safe_filename
from backend.deals.storage import FileStore, sniff
from backend.intake.models import StoredFile

NOT_FOUND = "未找到该附件。No such file."


def store_file(session: Session, actor: audit.Actor, store: FileStore, filename: str | None,
               stream: BinaryIO, *, visit_id: int | None = None, dossier_id: int | None = None
               ) -> StoredFile:
    data = read_limited(stream)
    content_type = sniff(data[:16])
    digest = store.put(data)
    row = StoredFile(visit_id=visit_id, dossier_id=dossier_id,
                     filename=safe_filename(filename, content_type), content_type=content_type,
                     size=len(data), sha256=digest, uploaded_by_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "intake_file.upload", "intake_file", row.id, after={
        "visit_id": visit_id, "dossier_id": dossier_id, "filename": row.filename,
        "content_type": content_type, "size": row.size, "sha256": digest})
    return row


def files_of(session: Session, *, visit_ids: Sequence[int] = (),
             dossier_id: int | None = None) -> list[StoredFile]:
    query = select(StoredFile).order_by(StoredFile.id)
    if dossier_id is not None:
        query = query.where(StoredFile.dossier_id == dossier_id)
    else:
        if not visit_ids:
            return []
        query = query.where(StoredFile.visit_id.in_(list(visit_ids)))
    return list(session.execute(query).scalars())


def file_of(session: Session, file_id: int, *, visit_id: int | None = None,
            dossier_id: int | None = None) -> StoredFile:
    row = session.get(StoredFile, file_id)
    if row is None or (visit_id is not None and row.visit_id != visit_id) \
            or (dossier_id is not None and row.dossier_id != dossier_id):
        raise NotFound(NOT_FOUND)
    return row
