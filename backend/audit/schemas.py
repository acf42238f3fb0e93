from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.core.schemas import Schema


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    ip: str | None
    hash: str


class VerifyOut(Schema):
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    first_broken_seq: int | None
    reason: str | None


class CheckpointOut(Schema):
    format: str
    seq: int
    count: int
    hash: str
    at: str
    public_key: str
    signature: str


class CheckpointVerifyOut(Schema):
    ok: bool
    reason: str
    chain: VerifyOut


class PublicKeyOut(Schema):
    pem: str
