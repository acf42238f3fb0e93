"""Bulk import of achievements: all rows or none, errors named by row and column. An upload
starts a job (202), run by the task (eagerly here, after the request's commit), and its result
is read at `…/imports/{id}`."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.config import get_settings
from backend.core import jobs
from backend.listings.importer import COLUMNS
from backend.listings.imports import IMPORT_TASK
from backend.listings.models import Achievement, AchievementStatus, IpItem
from tests.builders import accounts as b
from tests.builders import listings as lb

HEADER = [h for h, _ in COLUMNS]
URL = "/api/v1/achievements/import"
PRICE = "价格（元）"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """The jobs sent after a commit, but the import itself, which runs."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    send = jobs.send

    def capture(pending: list[jobs.Job]) -> None:
        send([job for job in pending if job[0] == IMPORT_TASK])
        calls.extend((n, a) for n, a, _ in pending if n != IMPORT_TASK)

    monkeypatch.setattr(jobs, "send", capture)
    yield calls


def row(n: int, **overrides: str) -> list[str]:
    values = {
        "标题": f"海水淡化反渗透膜抗污染改性技术{n}",
        "摘要": "通过表面接枝两性离子聚合物，提高反渗透膜的抗污染性能，通量衰减降低40%。",
        "领域代码": "environment.water",
        "关键词": "反渗透; 抗污染、膜材料",
        "技术成熟度": str(n % 9 + 1),
        "阶段": ["实验室", "中试", "产业化"][n % 3],
        "知识产权": f"发明专利:{lb.VALID_PATENT}:一种抗污染反渗透膜; 技术秘密::接枝工艺",
        "价格（元）": "" if n % 4 == 0 else str(100000 + n),
        "面议": "是" if n % 4 == 0 else "否",
        "合作方式": "技术转让、技术许可",
        "团队负责人": "陈教授",
        "地区": "厦门市",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig"
              ) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def submit(client: TestClient, headers: dict[str, str], files: dict[str, Any],
           data: dict[str, str] | None = None) -> dict[str, Any]:
    """Upload, then the job as its uploader reads it once the task has run."""
    r = client.post(URL, files=files, data=data, headers=headers)
    assert r.status_code == 202, r.text[:2000]
    assert r.json()["status"] == "queued"
    job = client.get(f"/api/v1/achievements/imports/{r.json()['id']}", headers=headers)
    assert job.status_code == 200
    return dict(job.json())


def _count(db: Session) -> int:
    return db.execute(select(func.count()).select_from(Achievement)).scalar_one()


def test_500_csv_rows_import_in_one_go(client: TestClient, db: Session,
                                       sent: list[tuple[str, tuple[Any, ...]]]) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    content = csv_bytes([row(n) for n in range(500)])
    body = submit(client, institute.headers, {"file": ("成果.csv", content, "text/csv")})
    assert body["status"] == "succeeded"
    assert body["imported"] == 500 and len(body["ids"]) == 500
    assert body["rows_total"] == 500 and body["rows_checked"] == 500
    assert body["filename"] == "成果.csv" and body["errors"] == [] and body["detail"] is None
    assert body["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert _count(db) == 500
    first = db.get(Achievement, body["ids"][0])
    last = db.get(Achievement, body["ids"][-1])
    assert first is not None and last is not None
    assert first.title == "海水淡化反渗透膜抗污染改性技术0" and first.price is None
    assert first.negotiable is True and first.status == AchievementStatus.DRAFT
    assert last.title == "海水淡化反渗透膜抗污染改性技术499" and str(last.price) == "100499.00"
    assert last.trl == 499 % 9 + 1 and last.keywords == "反渗透,抗污染,膜材料"
    assert "反渗透" in last.search_text
    assert db.execute(select(func.count()).select_from(IpItem)).scalar_one() == 1000
    entries = db.execute(select(AuditEntry).where(AuditEntry.action == "achievement.import")
                         ).scalars().all()
    assert len(entries) == 1
    assert entries[0].after["count"] == 500
    assert entries[0].after["file_sha256"] == body["file_sha256"]
    assert entries[0].after["ids"] == body["ids"]
    assert sent == [("listings.index_batch", ("achievement", body["ids"]))]
    r = client.get("/api/v1/achievements", params={"mine": True, "q": "反渗透"},
                   headers=institute.headers)
    assert r.json()["total"] == 500


def test_one_bad_row_imports_nothing_and_names_row_and_column(client: TestClient,
                                                              db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    rows = [row(n) for n in range(500)]
    rows[136] = row(136, 技术成熟度="10")  # the 138th line of the sheet (the header is line 1)
    job = submit(client, institute.headers, {"file": ("成果.csv", csv_bytes(rows), "text/csv")})
    assert job["status"] == "failed" and job["imported"] == 0 and job["ids"] == []
    assert job["errors"] == [{"row": 138, "column": "技术成熟度", "field": "第138行 技术成熟度",
                              "message": "技术成熟度应为1到9的整数。TRL is a whole number from 1 to 9."}]
    assert job["error_count"] == 1
    assert job["detail"] == ("有1行存在错误，未导入任何数据；请修改后重新上传。1 problem(s) in 1 row(s); "
                             "nothing was imported.")
    assert _count(db) == 0
    assert db.execute(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "achievement.import")).scalar_one() == 0


def test_every_error_is_reported(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    rows = [
        row(0, 标题=""),
        row(1, 领域代码="space.rockets"),
        row(2, 阶段="量产", 面议="也许"),
        row(3, 知识产权="发明专利:201710601862.4:错误校验位"),
        row(4, 知识产权="商标:123:品牌"),
        row(5, **{PRICE: "十万", "面议": "否"}),
        row(6, **{PRICE: "", "面议": "否"}),
        row(7, 合作方式="技术入股"),
        row(8, **{PRICE: "-1", "面议": "否"}),
        row(9, 标题="题" * 201),
        row(10),
    ]
    job = submit(client, institute.headers, {"file": ("a.csv", csv_bytes(rows), "text/csv")})
    assert job["status"] == "failed"
    found = [(e["row"], e["column"]) for e in job["errors"]]
    assert found == [(2, "标题"), (3, "领域代码"), (4, "阶段"), (4, "面议"), (5, "知识产权"),
                     (6, "知识产权"), (7, "价格（元）"), (8, "价格（元）"), (9, "合作方式"),
                     (10, "价格（元）"), (11, "标题")]
    messages = {(e["row"], e["column"]): e["message"] for e in job["errors"]}
    assert "校验位" in messages[(5, "知识产权")] and messages[(5, "知识产权")].startswith("第1项")
    assert "最多200" in messages[(11, "标题")]
    assert _count(db) == 0


def test_xlsx_from_the_template_imports(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    r = client.get(f"{URL}/template", params={"format": "xlsx"}, headers=institute.headers)
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert book.sheetnames == ["科技成果", "填写说明", "领域代码"]
    codes = [c.value for c in book["领域代码"]["A"]]
    assert "environment.water" in codes and "materials.composites" in codes
    numeric = row(7)
    numeric[HEADER.index("技术成熟度")] = 7  # typed as numbers in Excel
    numeric[HEADER.index("价格（元）")] = 250000.5
    sheet.append(numeric)
    sheet.append(row(8, 阶段="产业化阶段"))
    buffer = io.BytesIO()
    book.save(buffer)
    job = submit(client, institute.headers,
                 {"file": ("成果.xlsx", buffer.getvalue(), "application/octet-stream")},
                 {"publish": "true"})
    assert job["status"] == "succeeded", job
    assert job["imported"] == 2 and job["publish"] is True
    first = db.get(Achievement, job["ids"][0])
    assert first is not None and first.trl == 7 and str(first.price) == "250000.50"
    assert first.status == AchievementStatus.PUBLISHED and first.published_at is not None
    assert client.get(f"/api/v1/achievements/{first.id}").status_code == 200


def test_xlsx_errors_name_rows_as_the_sheet_shows_them(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    content = xlsx_bytes([row(0), [], row(2, 阶段="")])  # a blank line keeps its number
    job = submit(client, institute.headers, {"file": ("x.xlsx", content)})
    assert job["status"] == "failed"
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(4, "阶段")]


def test_csv_template_and_gbk_files_and_field_names(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    r = client.get(f"{URL}/template", params={"format": "csv"}, headers=institute.headers)
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[0] == HEADER
    # Then what each column wants, in both languages, and an example: rows marked "#".
    assert len(lines) == 3 and all(line[0].startswith("# ") for line in lines[1:])
    assert lines[1][HEADER.index("技术成熟度")] == (
        "必填，1–9 的整数（TRL）｜required, a whole number 1–9 (TRL)")
    assert lines[2][HEADER.index("阶段")] == "中试"
    # Uploaded unchanged, it imports nothing and says why.
    job = submit(client, institute.headers, {"file": ("template.csv", r.content, "text/csv")},
                 {"publish": "true"})
    assert job["status"] == "failed" and job["imported"] == 0 and _count(db) == 0
    assert "以 # 开头的说明、示例行不会导入" in job["errors"][0]["message"]
    # The example with its mark taken off is a valid row.
    lines[2][0] = lines[2][0].removeprefix("# 示例 Example: ")
    job = submit(client, institute.headers, {"file": ("t.csv", csv_bytes(lines[1:]), "text/csv")})
    assert job["status"] == "succeeded" and job["imported"] == 1, job
    assert db.get(Achievement, job["ids"][0]).title == "一种高强度碳纤维复合材料的低温固化方法"  # type: ignore[union-attr]
    header = [h if h != "领域代码" else "领域" for h in HEADER]
    rows = [row(1, 领域代码="水污染治理")]
    job = submit(client, institute.headers,
                 {"file": ("gbk.csv", csv_bytes(rows, header, "gb18030"))})
    assert job["status"] == "succeeded", job
    imported = db.get(Achievement, job["ids"][0])
    assert imported is not None and imported.field_id == lb.field_id(db, "environment.water")


def test_the_header_is_checked(client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    header = [h for h in HEADER if h != "阶段"] + ["备注"]
    job = submit(client, institute.headers, {"file": ("a.csv", csv_bytes([], header))})
    assert job["status"] == "failed"
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(1, "备注"), (1, "阶段")]
    job = submit(client, institute.headers, {"file": ("a.csv", b"")})
    assert job["status"] == "failed" and job["errors"][0]["row"] == 1
    job = submit(client, institute.headers, {"file": ("a.csv", csv_bytes([]))})
    assert job["status"] == "failed" and job["errors"][0]["row"] == 2
    r = client.post(URL, files={"file": ("a.xlsx", b"PK\x03\x04broken")},
                    headers=institute.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"


def test_a_file_over_the_limit_is_413(client: TestClient, db: Session,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    institute = b.login_as(db, b.make_institute_user(db))
    content = csv_bytes([row(1)]) + b"#" * (1024 * 1024)
    r = client.post(URL, files={"file": ("big.csv", content)}, headers=institute.headers)
    assert r.status_code == 413
    assert _count(db) == 0


def test_who_may_import(client: TestClient, db: Session) -> None:
    files = {"file": ("a.csv", csv_bytes([row(1)]))}
    assert client.post(URL, files=files).status_code == 401
    assert client.get(f"{URL}/template").status_code == 401
    for user in (b.make_firm_user(db), b.make_broker(db), b.make_admin(db)):
        r = client.post(URL, files=files, headers=b.login_as(db, user).headers)
        assert r.status_code == 403, user.role
    unverified = b.login_as(db, b.make_institute_user(db, verified=False))
    r = client.post(URL, files=files, data={"publish": "true"}, headers=unverified.headers)
    assert r.status_code == 409
    assert submit(client, unverified.headers, files)["status"] == "succeeded"
