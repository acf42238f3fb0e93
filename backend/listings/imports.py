"""Bulk import as a job, off the request path.

The upload is checked against the import limits at once (`sheets.check`: a 413 or 422 before
anything is kept), then kept in an `AchievementImport` row and handed to the task
`listings.import_achievements` (eager in the embedded default). The task checks every row,
saving its progress as it goes, then inserts all the rows in one transaction — or none, with
every error by row and column in the job's result. A job is seen by the user who uploaded it
and by administrators only (404 for anyone else).
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.config import get_settings
from backend.core import jobs, sheets
from backend.core.errors import DomainError, NotFound
from backend.core.types import utcnow
from backend.db import session_scope
from backend.listings import achievements as achievement_service
from backend.listings import importer
from backend.listings.models import AchievementImport, ImportStatus
from backend.listings.service import enqueue_index, require_verified_organisation
from backend.listings.visibility import is_admin

log = logging.getLogger(__name__)

IMPORT_TASK = "listings.import_achievements"
FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
UNEXPECTED = ("导入时出现意外错误，已记录；请稍后重试。An unexpected error stopped the import; it has "
              "been logged. Try again later.")


def submit(session: Session, actor: audit.Actor, user: User, content: bytes,
           filename: str | None, publish: bool) -> AchievementImport:
    """Check the file against the limits and queue its import."""
    organisation_id = achievement_service.require_institute(user)
    if publish:
        require_verified_organisation(session, organisation_id)
    shape = sheets.check(content, filename, sheets.Limits.of(get_settings()))
    job = AchievementImport(
        organisation_id=organisation_id, created_by_id=user.id, requested_from=actor.ip,
        filename=(filename or "")[:255], file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content), content=content, publish=publish,
        status=ImportStatus.QUEUED, rows_total=max(shape.rows - 1, 0), rows_checked=0,
        imported=0, achievement_ids=[], errors=[], error_count=0)
    session.add(job)
    session.flush()
    jobs.enqueue(session, IMPORT_TASK, job.id)
    return job


def get_visible(session: Session, user: User, job_id: int) -> AchievementImport:
    job = session.get(AchievementImport, job_id)
    if job is None or (job.created_by_id != user.id and not is_admin(user)):
        raise NotFound("没有这个导入任务。No such import.")
    return job


def run(job_id: int) -> ImportStatus | None:
    """The task's body: check every row (progress saved every few hundred), then one unit of
    work that imports them all or records every error. Runs again safely: a finished job is
    left alone, and only one run can finish a job."""
    with session_scope() as session:
        job = session.get(AchievementImport, job_id)
        if job is None or job.status in FINISHED:
            return None if job is None else job.status
        job.status, job.started_at, job.rows_checked = ImportStatus.RUNNING, utcnow(), 0
        content, filename = job.content or b"", job.filename
        fields = importer.Fields(session)

    def progress(rows: int) -> None:
        with session_scope() as s:
            s.execute(update(AchievementImport).where(AchievementImport.id == job_id)
                      .values(rows_checked=rows))

    try:
        rows = sheets.read_rows(content, filename, sheets.Limits.of(get_settings()))
        valid, errors = importer.check_rows(fields, rows, progress)
    except DomainError as exc:  # the file itself (its limits were checked at upload)
        return _finish_failed(job_id, exc.detail, [], 0)
    with session_scope() as session:
        job = session.execute(select(AchievementImport).where(AchievementImport.id == job_id)
                              .with_for_update()).scalar_one()
        if job.status in FINISHED:  # another delivery of the task got here first
            return job.status
        if errors:
            items, summary = importer.reported(errors)
            _fail(job, summary, items, len(errors))
            return job.status
        try:
            if job.publish:
                require_verified_organisation(session, job.organisation_id)
        except DomainError as exc:
            _fail(job, exc.detail, [], 0)
            return job.status
        if job.publish:
            duplicates = importer.duplicate_errors(session, job.organisation_id, valid)
            if duplicates:
                items, summary = importer.reported(duplicates)
                _fail(job, summary, items, len(duplicates))
                return job.status
        user = session.get(User, job.created_by_id)
        label = user.username if user is not None else "user"
        actor = audit.Actor(job.created_by_id, label, job.requested_from)
        ids = importer.insert_achievements(session, job.organisation_id, job.created_by_id,
                                           [d for _, d in valid], job.publish)
        audit.record(session, actor, "achievement.import", "organisation", job.organisation_id,
                     after={"count": len(ids), "file_sha256": job.file_sha256,
                            "filename": job.filename, "published": job.publish, "ids": ids,
                            "import_id": job.id})
        enqueue_index(session, "achievement", ids)
        job.status, job.imported, job.achievement_ids = ImportStatus.SUCCEEDED, len(ids), ids
        job.finished_at, job.content = utcnow(), None
        return job.status


def fail_unexpectedly(job_id: int) -> None:
    """The task broke (a bug, its time limit): say so on the job rather than leave it running."""
    _finish_failed(job_id, UNEXPECTED, [], 0)


def _finish_failed(job_id: int, detail: str, items: list[dict[str, object]],
                   count: int) -> ImportStatus:
    with session_scope() as session:
        job = session.execute(select(AchievementImport).where(AchievementImport.id == job_id)
                              .with_for_update()).scalar_one()
        if job.status not in FINISHED:
            _fail(job, detail, items, count)
        return job.status


def _fail(job: AchievementImport, detail: str, items: list[dict[str, object]],
          count: int) -> None:
    job.status, job.detail, job.errors, job.error_count = (
        ImportStatus.FAILED, detail, items, count)
    job.finished_at, job.content = utcnow(), None
