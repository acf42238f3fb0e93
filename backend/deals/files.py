"""Contract documents: uploaded by the deal's brokers, checked by their bytes, stored by hash."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import Conflict, NotFound, PayloadTooLarge
from backend.core.text import clean_line
from backend.deals.access import DealAccess, insider, require_broker, require_open
from backend.deals.events import add_event
from backend.deals.models import ContractFile
from backend.deals.storage import FileStore, max_upload_bytes, sniff

_RESERVED = set('<>:"/\\|?*')


def too_large() -> PayloadTooLarge:
    limit = max_upload_bytes() // (1024 * 1024)
    return PayloadTooLarge(f"文件不能超过{limit} MB。Files may be at most {limit} MB.",
                           limit_mb=limit)


def read_limited(stream: BinaryIO) -> bytes:
    """The whole upload, or PayloadTooLarge as soon as it passes the limit."""
    limit = max_upload_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large()
    return data


def safe_filename(raw: str | None, content_type: str) -> str:
    """A display name: the text rule, then no directories (either style) and no characters
    that a file system reserves."""
    text = clean_line(raw or "")
    name = PureWindowsPath(PurePosixPath(text).name).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in _RESERVED)
    name = name.strip(". ")[:255]
    if not name:
        name = "contract" + {"application/pdf": ".pdf", "image/png": ".png"}.get(content_type,
                                                                                  ".jpg")
    return name


def upload(session: Session, actor: audit.Actor, access: DealAccess, store: FileStore,
           filename: str | None, stream: BinaryIO) -> ContractFile:
    """Check who and when first, then read at most the limit, then the bytes' real type."""
    deal = access.deal
    require_broker(access)
    require_open(deal)
    if deal.contract is None:
        raise Conflict("请先录入合同再上传附件。Record the contract before attaching files.")
    data = read_limited(stream)
    content_type = sniff(data[:16])
    digest = store.put(data)
    row = ContractFile(contract_id=deal.contract.id, filename=safe_filename(filename, content_type),
                       content_type=content_type, size=len(data), sha256=digest,
                       uploaded_by_id=access.user.id)
    session.add(row)
    session.flush()
    add_event(session, deal, access.user.id, "file_uploaded",
              text=f"上传合同附件：{row.filename}。Attached {row.filename}.",
              data={"file_id": row.id, "filename": row.filename, "size": row.size,
                    "sha256": digest})
    audit.record(session, actor, "contract_file.upload", "contract_file", row.id, after={
        "contract_id": row.contract_id, "filename": row.filename,
        "content_type": content_type, "size": row.size, "sha256": digest})
    return row


def list_files(session: Session, access: DealAccess) -> Sequence[ContractFile]:
    insider(access)
    contract = access.deal.contract
    if contract is None:
        return []
    return session.execute(select(ContractFile).where(ContractFile.contract_id == contract.id)
                           .order_by(ContractFile.id)).scalars().all()


def get_file(session: Session, access: DealAccess, file_id: int) -> ContractFile:
    insider(access)
    contract = access.deal.contract
    row = session.get(ContractFile, file_id)
    if row is None or contract is None or row.contract_id != contract.id:
        raise NotFound("未找到该附件。No such file.")
    return row
