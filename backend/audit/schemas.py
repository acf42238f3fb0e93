from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.audit.vocabulary import ACTIONS, OBJECT_TYPES
from backend.core.schemas import Schema, documented_codes


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str = documented_codes(ACTIONS, "what was done, e.g. claim.pay")
    object_type: str = documented_codes(OBJECT_TYPES, "what it was done to")
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
