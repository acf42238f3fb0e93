"""Files sent to the browser: one response for every download of a stored file (intake's,
and the experts' dossiers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from backend.core.errors import NotFound
from backend.deals.storage import ALLOWED_TYPES, FileStore

_CHUNK = 64 * 1024
FILE_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {"content": {t: {} for t in ALLOWED_TYPES}, "description": "The file's bytes."}}


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


class StoredBytes(Protocol):
    """A row that names stored content: an intake file, a proof-of-concept dossier file."""

    @property
    def sha256(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def filename(self) -> str: ...


def stream_file(store: FileStore, row: StoredBytes) -> StreamingResponse:
    try:
        stream = store.open(row.sha256)
    except FileNotFoundError:
        raise NotFound("附件内容缺失，请联系管理员。The file's content is missing; contact an "
                       "administrator.") from None
    return StreamingResponse(_chunks(stream), media_type=row.content_type, headers={
        "Content-Length": str(row.size),
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    })
