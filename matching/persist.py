"""Index directories: versioned file sets behind an atomically replaced manifest.

    var/index/<name>/manifest.json        {"version": 7, "dir": "v000007", "files": {name: sha256}, ...}
    var/index/<name>/v000007/...          the files of version 7
    var/index/<name>/v000006/...          kept a little while for readers still loading it

A writer fills a fresh version directory, then writes the manifest to a temporary file
and `os.replace`s it, so a reader sees either the old or the new version, never a mix: the
manifest is written last, and a version directory it does not name yet (still being
written, or left by a writer that died) is never read. Readers need no lock, so several
hosts can follow one directory on a shared volume.
A reader checks the manifest's format, model names and dimensions (IndexMismatch) and
every file's checksum (IndexCorrupt) before it uses anything: a bad index is rebuilt,
never served. `read_version` reads only the manifest, for a cheap "is there a newer
index?" check.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMAT = 2  # 2 (2026-12-02): the approximate vector index became "pca-hnsw" (vectors.full.faiss)
MANIFEST = "manifest.json"
KEEP_VERSIONS = 3


class MatchingError(Exception):
    """Base class of the matching library's errors."""


class IndexCorrupt(MatchingError):
    """The index on disk is unreadable, incomplete or fails its checksums: rebuild it."""


class IndexMismatch(MatchingError):
    """The index on disk was built with another model, dimension or tokeniser: rebuild it."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{path}: unreadable manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexMismatch(f"{path}: manifest format {manifest.get('format')!r}, expected {FORMAT}")
    for key in ("version", "dir", "files"):
        if key not in manifest:
            raise IndexCorrupt(f"{path}: manifest lacks {key!r}")
    return manifest


def read_version(directory: Path) -> int | None:
    """The version of the index saved in `directory`, or None if there is none (manifest only)."""
    try:
        return int(read_manifest(directory)["version"])
    except FileNotFoundError:
        return None


def verify_files(directory: Path, manifest: dict[str, Any]) -> Path:
    """Check every file listed in the manifest; return the version directory."""
    version_dir = directory / str(manifest["dir"])
    if Path(str(manifest["dir"])).name != str(manifest["dir"]):
        raise IndexCorrupt(f"{directory}: manifest names a bad directory {manifest['dir']!r}")
    for name, expected in dict(manifest["files"]).items():
        path = version_dir / name
        if not path.is_file():
            raise IndexCorrupt(f"{path}: missing")
        if sha256_file(path) != expected:
            raise IndexCorrupt(f"{path}: checksum mismatch")
    return version_dir


@contextlib.contextmanager
def writer_lock(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_version_dir(directory: Path, version: int) -> Path:
    path = directory / f"v{version:06d}"
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some network file systems refuse to sync a directory: the rename stands
        pass
    finally:
        os.close(fd)


def publish(directory: Path, version_dir: Path, manifest: dict[str, Any], files: list[str]) -> None:
    """Checksum the files, write the manifest atomically, and prune old versions."""
    for name in files:
        with open(version_dir / name, "rb+") as fh:
            os.fsync(fh.fileno())
    manifest = {
        **manifest,
        "format": FORMAT,
        "dir": version_dir.name,
        "files": {name: sha256_file(version_dir / name) for name in files},
    }
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".manifest-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / MANIFEST)
        _fsync_directory(directory)  # the rename itself survives a crash of the host
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    versions = sorted(p for p in directory.glob("v[0-9]*") if p.is_dir() and p != version_dir)
    for old in versions[: max(0, len(versions) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
