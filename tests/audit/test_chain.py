"""The audit chain detects an edited, a deleted and a truncated entry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.audit.models import AuditEntry, AuditHead
from tests.builders import accounts as b

ACTOR = audit.Actor(7, "tester", "10.0.0.1")


def write_entries(db: Session, n: int) -> None:
    for i in range(n):
        audit.record(db, ACTOR, "thing.change", "thing", i, before={"v": i},
                     after={"v": i + 1, "amount": "1000000.00", "名称": "技术合同"})


def test_intact_chain_verifies(db: Session) -> None:
    write_entries(db, 5)
    report = audit.verify(db)
    assert report.ok
    assert report.count == 5
    head = db.get(AuditHead, 1)
    assert head is not None and report.head_hash == head.hash


def test_entries_link_to_their_predecessor(db: Session) -> None:
    write_entries(db, 3)
    rows = db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == "0" * 64
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[0].hash == audit.chain_hash("0" * 64, rows[0])


def test_an_edited_entry_is_reported(db: Session) -> None:
    write_entries(db, 5)
    db.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(after={"v": 999}))
    db.expire_all()
    report = audit.verify(db)
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.reason == "entry 3 was altered: its content no longer matches its hash"


def test_an_edited_actor_is_reported(db: Session) -> None:
    write_entries(db, 2)
    db.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(actor_label="someone else"))
    db.expire_all()
    assert audit.verify(db).first_broken_seq == 1


def test_a_deleted_entry_is_reported(db: Session) -> None:
    write_entries(db, 5)
    db.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    db.expire_all()
    report = audit.verify(db)
    assert not report.ok
    assert report.first_broken_seq == 2
    assert report.reason == "entry 2 is missing (deleted)"


def test_a_deleted_last_entry_is_reported(db: Session) -> None:
    write_entries(db, 4)
    db.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    db.expire_all()
    report = audit.verify(db)
    assert not report.ok
    assert report.first_broken_seq == 4
    assert "entries after it were deleted" in (report.reason or "")


def test_a_rewritten_chain_does_not_match_the_head(db: Session) -> None:
    """Recomputing every hash after an edit still fails: the head row remembers the old one."""
    write_entries(db, 3)
    rows = db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    rows[1].after = {"v": 42}
    prev = rows[0].hash
    for row in rows[1:]:
        row.prev_hash = prev
        row.hash = audit.chain_hash(prev, row)
        prev = row.hash
    db.flush()
    assert not audit.verify(db).ok


def test_admin_api_verifies_and_others_are_refused(client: TestClient, db: Session) -> None:
    write_entries(db, 2)
    admin = b.login_as(db, b.make_admin(db))
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.get("/api/v1/audit/verify", headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["ok"] is True and r.json()["count"] == 2
    assert client.get("/api/v1/audit/verify", headers=firm.headers).status_code == 403
    assert client.get("/api/v1/audit/verify").status_code == 401
    db.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(action="thing.hidden"))
    r = client.get("/api/v1/audit/verify", headers=admin.headers)
    assert r.json()["ok"] is False and r.json()["first_broken_seq"] == 1


def test_admin_lists_entries_newest_first(client: TestClient, db: Session) -> None:
    write_entries(db, 3)
    admin = b.login_as(db, b.make_admin(db))
    r = client.get("/api/v1/audit/entries", params={"page_size": 2}, headers=admin.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3
    assert [e["seq"] for e in body["items"]] == [3, 2]


def test_cli_verify_exit_codes(db: Session) -> None:
    from typer.testing import CliRunner

    from backend.cli import app

    write_entries(db, 2)
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit chain intact: 2 entries" in result.output
    db.execute(delete(AuditEntry).where(AuditEntry.seq == 1))
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "AUDIT CHAIN BROKEN at entry 1" in result.output
