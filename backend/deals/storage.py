"""Contract files: what may be uploaded, and where the bytes live.

The bytes live behind `FileStore`, addressed by their SHA-256, so identical uploads are
stored once and a row can never point at content other than what was checked. The embedded
default keeps them under var/files; an object-storage implementation (S3, MinIO, OSS)
only has to provide the same three methods.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from backend.config import get_settings
from backend.core.errors import DomainError

# Only these kinds, recognised by their first bytes: the client's Content-Type is not trusted.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ALLOWED_TYPES = tuple(kind for _, kind in _SIGNATURES)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UnsupportedMediaType(DomainError):
    status_code = 415
    title = "不支持的类型 Unsupported media type"
    type_slug = "unsupported-media-type"


def sniff(head: bytes) -> str:
    """The content type the bytes really are, or UnsupportedMediaType."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    raise UnsupportedMediaType("只接受 PDF、PNG 或 JPEG 文件。Only PDF, PNG or JPEG files are "
                               "accepted.", allowed=list(ALLOWED_TYPES))


def max_upload_bytes() -> int:
    return get_settings().max_upload_mb * 1024 * 1024


class FileStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store the bytes (once per content) and return their SHA-256 hex digest."""

    def open(self, sha256: str) -> BinaryIO:
        """A readable binary stream of stored content; FileNotFoundError if absent."""

    def exists(self, sha256: str) -> bool: ...


class LocalFileStore:
    """Content-addressed files on local disk: root/ab/cd/abcd…, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise FileNotFoundError(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)  # atomic: readers see the whole file or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def open(self, sha256: str) -> BinaryIO:
        return self._path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).is_file()
        except FileNotFoundError:
            return False


def file_store() -> FileStore:
    """The configured store (a dependency the router uses; tests may override it)."""
    return LocalFileStore(get_settings().files_dir)
