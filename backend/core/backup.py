"""Backup and restore of the embedded deployment: the SQLite database and uploaded files.

A backup is a .tar.gz holding a consistent copy of the database (SQLite's online backup
API, safe while the server runs), the uploaded files, and a manifest with every table's row
count and the audit chain's head, which restore checks before it declares success.
PostgreSQL deployments use pg_dump/pg_restore instead (see the README).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.config import Settings
from backend.core.types import utcnow

MANIFEST = "manifest.json"
DB_NAME = "techbroker.db"


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: dict[str, int]
    audit_head: dict[str, Any]


def _sqlite_path(settings: Settings) -> Path:
    if not settings.is_sqlite:
        raise BackupError("techbroker backup/restore handles the embedded SQLite database; "
                          "for PostgreSQL use pg_dump / pg_restore (see the README).")
    return Path(settings.database_url.split("///", 1)[1])


def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608 — names come from sqlite_master


def _audit_head(conn: sqlite3.Connection) -> dict[str, Any]:
    row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": None}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(settings: Settings, output: Path | None = None) -> BackupResult:
    source = _sqlite_path(settings)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    output = output or settings.var_dir / "backups" / f"techbroker-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DB_NAME
        with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        with sqlite3.connect(copy) as conn:
            tables, head = _table_counts(conn), _audit_head(conn)
        manifest = {"created_at": utcnow().isoformat(), "tables": tables, "audit_head": head,
                    "database_sha256": _sha256(copy)}
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        with tarfile.open(output, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            tar.add(copy, arcname=DB_NAME)
            if settings.files_dir.is_dir():
                tar.add(settings.files_dir, arcname="files")
    return BackupResult(output, tables, head)


def restore(settings: Settings, archive: Path, force: bool = False) -> BackupResult:
    """Restore an archive over the embedded database; refuses to overwrite without force."""
    target = _sqlite_path(settings)
    if target.exists() and not force:
        raise BackupError(f"{target} exists; stop the server and pass --force to replace it")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / MANIFEST).read_text())
        copy = Path(tmp) / DB_NAME
        if _sha256(copy) != manifest["database_sha256"]:
            raise BackupError("the archive's database does not match its manifest (corrupt)")
        with sqlite3.connect(copy) as conn:
            tables = _table_counts(conn)
        if tables != manifest["tables"]:
            raise BackupError("the archive's row counts do not match its manifest")
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(copy, target)
        if (Path(tmp) / "files").is_dir():
            shutil.copytree(Path(tmp) / "files", settings.files_dir, dirs_exist_ok=True)
    return BackupResult(target, tables, manifest["audit_head"])
