"""Bulk imports as jobs (listings/imports.py): the upload only checks the limits and stores the
file; the task checks the rows with progress saved as it goes, imports all or none, runs
again harmlessly, and says so when it breaks; a job is seen by its uploader and
administrators only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.core import jobs
from backend.db import session_scope
from backend.listings import importer, imports, tasks
from backend.listings.models import Achievement, AchievementImport, ImportStatus
from tests.builders import accounts as b
from tests.listings.test_import import URL, csv_bytes, row

JOB = "/api/v1/achievements/imports/{}"


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[jobs.Job]]:
    """Jobs sent after a commit are kept, not run: as when a worker will take them."""
    kept: list[jobs.Job] = []
    monkeypatch.setattr(jobs, "send", kept.extend)
    yield kept


def _achievements(db: Session) -> int:
    return db.execute(select(func.count()).select_from(Achievement)).scalar_one()


def _upload(client: TestClient, headers: dict[str, str], rows: int = 5) -> dict[str, Any]:
    content = csv_bytes([row(n) for n in range(rows)])
    r = client.post(URL, files={"file": ("成果.csv", content, "text/csv")}, headers=headers)
    assert r.status_code == 202, r.text
    return dict(r.json())


def test_the_upload_stores_the_file_and_leaves_the_rows_to_the_task(
        client: TestClient, db: Session, held: list[jobs.Job]) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    job = _upload(client, institute.headers)
    assert (job["status"], job["rows_total"], job["rows_checked"]) == ("queued", 5, 0)
    assert held == [(imports.IMPORT_TASK, (job["id"],), {})]
    assert _achievements(db) == 0
    stored = db.get(AchievementImport, job["id"])
    assert stored is not None and stored.content == csv_bytes([row(n) for n in range(5)])

    assert tasks.import_achievements(job["id"]) == "succeeded"
    done = client.get(JOB.format(job["id"]), headers=institute.headers).json()
    assert (done["status"], done["imported"], done["rows_checked"]) == ("succeeded", 5, 5)
    assert _achievements(db) == 5
    db.expire_all()
    assert db.get(AchievementImport, job["id"]).content is None  # type: ignore[union-attr]


def test_progress_is_saved_while_the_rows_are_checked(
        client: TestClient, db: Session, held: list[jobs.Job],
        monkeypatch: pytest.MonkeyPatch) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    job_id = _upload(client, institute.headers, rows=5)["id"]
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    seen: list[tuple[str, int]] = []
    check_rows = importer.check_rows

    def observed(fields: importer.Fields, rows: Iterator[list[str]], progress: Any) -> Any:
        def note(count: int) -> None:
            progress(count)
            with session_scope() as s:  # what a poll would read, committed
                stored = s.get(AchievementImport, job_id)
                assert stored is not None
                seen.append((stored.status.value, stored.rows_checked))
        return check_rows(fields, rows, note)

    monkeypatch.setattr(importer, "check_rows", observed)
    assert imports.run(job_id) == ImportStatus.SUCCEEDED
    assert seen == [("running", 2), ("running", 4), ("running", 5)]


def test_a_finished_job_runs_again_to_no_effect(client: TestClient, db: Session,
                                                held: list[jobs.Job]) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    job_id = _upload(client, institute.headers)["id"]
    assert imports.run(job_id) == ImportStatus.SUCCEEDED
    assert imports.run(job_id) == ImportStatus.SUCCEEDED  # redelivered
    assert _achievements(db) == 5
    assert imports.run(999_999) is None


def test_a_broken_task_fails_its_job_rather_than_leave_it_running(
        client: TestClient, db: Session, held: list[jobs.Job],
        monkeypatch: pytest.MonkeyPatch) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    job_id = _upload(client, institute.headers)["id"]

    def broken(*_: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(importer, "check_rows", broken)
    with pytest.raises(RuntimeError):
        tasks.import_achievements(job_id)
    job = client.get(JOB.format(job_id), headers=institute.headers).json()
    assert (job["status"], job["detail"]) == ("failed", imports.UNEXPECTED)
    assert _achievements(db) == 0


def test_a_job_is_seen_by_its_uploader_and_administrators_only(
        client: TestClient, db: Session, held: list[jobs.Job]) -> None:
    uploader = b.make_institute_user(db)
    job_id = _upload(client, b.login_as(db, uploader).headers)["id"]
    organisation = db.get(Organisation, uploader.organisation_id)
    colleague = b.make_user(db, uploader.role, organisation)
    answers = {who: client.get(JOB.format(job_id), headers=b.login_as(db, user).headers
                               ).status_code
               for who, user in (("uploader", uploader), ("colleague", colleague),
                                 ("other institute", b.make_institute_user(db)),
                                 ("firm", b.make_firm_user(db)), ("broker", b.make_broker(db)),
                                 ("admin", b.make_admin(db)))}
    assert answers == {"uploader": 200, "colleague": 404, "other institute": 404, "firm": 404,
                       "broker": 404, "admin": 200}
    assert client.get(JOB.format(job_id)).status_code == 401
    missing = client.get(JOB.format(job_id + 1000), headers=b.login_as(db, uploader).headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "没有这个导入任务。No such import."
