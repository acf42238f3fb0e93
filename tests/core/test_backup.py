"""A backup restores every row and an intact audit chain (run as the CLI runs it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _cli(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'techbroker.db'}",
           "ENVIRONMENT": "development"}
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env, text=True,
                          capture_output=True, timeout=300, check=False)


def _rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_backup_then_restore_into_an_empty_instance(tmp_path: Path) -> None:
    source, target = tmp_path / "a", tmp_path / "b"
    assert _cli(source, "seed-demo").returncode == 0
    (source / "files").mkdir(exist_ok=True)  # the demo payments attach receipts there
    (source / "files" / "contract.pdf").write_bytes(b"%PDF-1.4 demo")
    archive = tmp_path / "backup.tar.gz"
    result = _cli(source, "backup", "--output", str(archive))
    assert result.returncode == 0, result.stderr

    result = _cli(target, "restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert "audit chain intact" in result.stdout
    assert _rows(target / "techbroker.db") == _rows(source / "techbroker.db")
    # the demo logins of the README: administrators, firms, institutes, brokers, experts, investor
    assert _rows(target / "techbroker.db")["users"] == 18
    assert (target / "files" / "contract.pdf").read_bytes() == b"%PDF-1.4 demo"
    assert _cli(target, "audit", "verify").returncode == 0


def test_restore_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    assert _cli(tmp_path, "seed-demo").returncode == 0
    archive = tmp_path / "b.tar.gz"
    assert _cli(tmp_path, "backup", "--output", str(archive)).returncode == 0
    result = _cli(tmp_path, "restore", str(archive))
    assert result.returncode == 2
    assert "--force" in result.stderr
    assert _cli(tmp_path, "restore", str(archive), "--force").returncode == 0
