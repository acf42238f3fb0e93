"""On-disk embedding cache: sha256(text) + encoder name -> float32 vector.

One SQLite file per cache directory (WAL mode, so an API process and a worker
may share it). A rebuild of an index then re-encodes only texts that changed.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]

_CHUNK = 500  # keys per SELECT: below SQLite's bound-parameter limit


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "embeddings.sqlite3"
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS embedding ("
            " model TEXT NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL,"
            " PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        self._conn.commit()

    def get_many(self, model: str, keys: Sequence[bytes], dim: int) -> dict[bytes, FloatMatrix]:
        found: dict[bytes, FloatMatrix] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT key, vec FROM embedding WHERE model = ? AND key IN ({marks})",  # noqa: S608
                    (model, *chunk),
                ).fetchall()
                for key, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape == (dim,):
                        found[bytes(key)] = vec
        return found

    def put_many(self, model: str, items: Sequence[tuple[bytes, FloatMatrix]]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO embedding (model, key, vec) VALUES (?, ?, ?)",
                [(model, key, np.ascontiguousarray(vec, dtype=np.float32).tobytes()) for key, vec in items],
            )
            self._conn.commit()

    def count(self, model: str | None = None) -> int:
        with self._lock:
            if model is None:
                row = self._conn.execute("SELECT COUNT(*) FROM embedding").fetchone()
            else:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM embedding WHERE model = ?", (model,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
