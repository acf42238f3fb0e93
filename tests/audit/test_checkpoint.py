"""Signed checkpoints prove that the chain up to them was not rewritten; pruning past the
retention period keeps what remains verifiable."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backend.audit import checkpoint as cp
from backend.audit import service as audit
from backend.audit.models import AuditEntry, AuditHead
from backend.cli import app as cli
from backend.config import get_settings
from backend.core.types import utcnow
from tests.builders import accounts as b

ACTOR = audit.Actor(7, "tester", "10.0.0.1")


def write(db: Session, n: int) -> None:
    for i in range(n):
        audit.record(db, ACTOR, "thing.change", "thing", i, after={"v": i})
    db.flush()


def key() -> Ed25519PrivateKey:
    return cp.instance_key(get_settings().var_dir)


def rewrite_whole_chain(db: Session, seq: int) -> None:
    """What an attacker with database access would do: change an entry and recompute every
    hash after it, and the head, so that `verify` alone passes."""
    db.execute(update(AuditEntry).where(AuditEntry.seq == seq).values(after={"v": "forged"}))
    db.expire_all()
    prev = "0" * 64
    for entry in db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
        entry.prev_hash = prev
        entry.hash = audit.chain_hash(prev, entry)
        prev = entry.hash
    head = db.get(AuditHead, 1)
    assert head is not None
    head.hash = prev
    db.flush()


def test_the_key_is_made_once_and_kept_private() -> None:
    first, second = key(), key()
    assert cp.public_pem(first.public_key()) == cp.public_pem(second.public_key())
    path = cp.key_path(get_settings().var_dir)
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_untouched_chain_matches_its_checkpoint(db: Session) -> None:
    write(db, 4)
    kept = cp.take_checkpoint(db, key())
    assert (kept.seq, kept.count) == (4, 4)
    write(db, 2)  # the chain may grow after the checkpoint
    report = cp.verify_checkpoint(db, cp.Checkpoint.from_json(kept.to_json()),
                                  key().public_key())
    assert report.ok, report.reason
    assert report.chain.head_seq == 6


def test_a_rewritten_chain_passes_verify_but_not_the_checkpoint(db: Session) -> None:
    write(db, 5)
    kept = cp.take_checkpoint(db, key())
    rewrite_whole_chain(db, 2)
    assert audit.verify(db).ok  # the chain alone cannot tell
    report = cp.verify_checkpoint(db, kept, key().public_key())
    assert not report.ok
    assert report.reason == ("entry 5 is not the one the checkpoint was taken over: the chain "
                             "up to it was rewritten")


def test_truncation_behind_the_checkpoint_is_caught(db: Session) -> None:
    write(db, 5)
    kept = cp.take_checkpoint(db, key())
    last = db.execute(select(AuditEntry).where(AuditEntry.seq == 3)).scalar_one()
    db.execute(AuditEntry.__table__.delete().where(AuditEntry.seq > 3))
    head = db.get(AuditHead, 1)
    assert head is not None
    head.seq, head.hash = 3, last.hash
    db.flush()
    assert audit.verify(db).ok
    report = cp.verify_checkpoint(db, kept, key().public_key())
    assert not report.ok and "entries were deleted" in report.reason


def test_a_forged_or_foreign_checkpoint_is_refused(db: Session) -> None:
    write(db, 3)
    kept = cp.take_checkpoint(db, key())
    altered = cp.Checkpoint(**{**json.loads(kept.to_json()), "seq": 2})
    assert "signature is not valid" in cp.verify_checkpoint(db, altered,
                                                            key().public_key()).reason
    other = Ed25519PrivateKey.generate()
    foreign = cp.take_checkpoint(db, other)
    assert "another key" in cp.verify_checkpoint(db, foreign, key().public_key()).reason
    assert cp.verify_checkpoint(db, foreign, other.public_key()).ok


def test_pruning_keeps_the_rest_verifiable(db: Session,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    old = utcnow() - timedelta(days=4 * 365)
    with monkeypatch.context() as m:  # four entries written four years ago
        m.setattr(audit, "utcnow", lambda: old)
        write(db, 3)
        before_anchor = cp.take_checkpoint(db, key())
        write(db, 1)
        at_anchor = cp.take_checkpoint(db, key())
    write(db, 2)
    late = cp.take_checkpoint(db, key())
    result = cp.prune(db, audit.SYSTEM, get_settings().audit_retention_days)
    assert (result.pruned, result.base_seq) == (4, 4)
    report = audit.verify(db)
    assert report.ok and report.count == 3 and report.head_seq == 7  # 5, 6 and the prune entry
    assert db.execute(select(AuditEntry.action).where(AuditEntry.seq == 7)).scalar_one() == \
        "audit.prune"
    assert cp.verify_checkpoint(db, late, key().public_key()).ok
    assert cp.verify_checkpoint(db, at_anchor, key().public_key()).ok
    assert "pruned" in cp.verify_checkpoint(db, before_anchor, key().public_key()).reason
    assert cp.prune(db, audit.SYSTEM, 3 * 365).pruned == 0
    with pytest.raises(ValueError):
        cp.prune(db, audit.SYSTEM, 30)


def test_cli_checkpoint_and_verify(db: Session, tmp_path: Path) -> None:
    write(db, 3)
    runner = CliRunner()
    path = tmp_path / "checkpoint.json"
    taken = runner.invoke(cli, ["audit", "checkpoint", "--output", str(path)])
    assert taken.exit_code == 0, taken.output
    assert json.loads(path.read_text())["seq"] == 3
    ok = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(path)])
    assert ok.exit_code == 0 and "intact against checkpoint 3" in ok.output
    pem = runner.invoke(cli, ["audit", "public-key"])
    assert pem.output.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "key.pem").write_text(pem.output)
    assert runner.invoke(cli, ["audit", "verify", "--checkpoint", str(path), "--public-key",
                               str(tmp_path / "key.pem")]).exit_code == 0
    rewrite_whole_chain(db, 1)
    broken = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(path)])
    assert broken.exit_code == 1 and "rewritten" in broken.output


def test_checkpoint_api(client: TestClient, db: Session) -> None:
    write(db, 2)
    headers = b.login_as(db, b.make_admin(db)).headers
    kept = client.get("/api/v1/audit/checkpoint", headers=headers)
    assert kept.status_code == 200
    checked = client.post("/api/v1/audit/checkpoint/verify", json=kept.json(), headers=headers)
    assert checked.status_code == 200 and checked.json()["ok"] is True
    assert client.get("/api/v1/audit/public-key", headers=headers).json()["pem"].startswith(
        "-----BEGIN PUBLIC KEY-----")
    broker = b.login_as(db, b.make_broker(db)).headers
    assert client.get("/api/v1/audit/checkpoint", headers=broker).status_code == 403
