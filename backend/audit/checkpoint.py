"""Signed checkpoints of the audit chain, and pruning past the retention period.

`verify` proves the chain links up, but someone with write access to the database could
rewrite the whole chain and recompute every hash. A checkpoint closes that gap: the head's
sequence number and hash, signed with this instance's Ed25519 key, printed for the bureau to
keep outside the system. Verifying against a kept checkpoint proves that the entries up to it
are the ones that existed when it was taken: a rewritten chain has another hash there.

The key is generated once under `var/` (`audit_signing_key.pem`, mode 0600); its public half
can be printed and kept with the checkpoints, so a checkpoint can also be checked by anyone
with the public key and the `cryptography` package.

Retention: entries older than AUDIT_RETENTION_DAYS (at least 183, three years by default)
may be pruned; the head then records the last pruned entry as the chain's new anchor, so
what is kept still verifies, and the pruning itself is an audit entry.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.audit import service
from backend.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from backend.core.types import utcnow

KEY_FILE = "audit_signing_key.pem"
FORMAT = "techbroker-audit-checkpoint/1"


# --- the instance key ---------------------------------------------------------------------

def key_path(var_dir: Path) -> Path:
    return var_dir / KEY_FILE


def instance_key(var_dir: Path) -> Ed25519PrivateKey:
    """This instance's signing key, generated on first use and kept under var/."""
    path = key_path(var_dir)
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return key
    var_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.touch(mode=0o600)
    path.write_bytes(pem)
    path.chmod(0o600)
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_pem(text: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(text.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def _raw(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)).decode("ascii")


# --- checkpoints ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    format: str
    seq: int          # the head entry's sequence number
    count: int        # entries in the chain when taken (pruned ones included)
    hash: str         # the head entry's hash
    at: str           # when taken, ISO 8601 UTC
    public_key: str   # the signer's Ed25519 public key, raw, base64
    signature: str    # base64 Ed25519 signature over `signed_bytes`

    def signed_bytes(self) -> bytes:
        body = {"format": self.format, "seq": self.seq, "count": self.count,
                "hash": self.hash, "at": self.at, "public_key": self.public_key}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        data: dict[str, Any] = json.loads(text)
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def take_checkpoint(session: Session, key: Ed25519PrivateKey) -> Checkpoint:
    """The chain's head now, signed. Lock the head so the checkpoint is of a settled chain."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                           ).scalar_one()
    unsigned = Checkpoint(FORMAT, head.seq, head.seq, head.hash,
                          utcnow().isoformat(timespec="seconds"), _raw(key.public_key()), "")
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode("ascii")
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    reason: str
    chain: service.VerifyReport


def verify_checkpoint(session: Session, checkpoint: Checkpoint, trusted: Ed25519PublicKey
                      ) -> CheckpointReport:
    """Whether the chain is intact and still holds, at the checkpoint's place, the entry the
    checkpoint was signed over (signed by the trusted key)."""
    chain = service.verify(session)

    def fail(reason: str) -> CheckpointReport:
        return CheckpointReport(False, reason, chain)

    if checkpoint.format != FORMAT:
        return fail(f"unknown checkpoint format {checkpoint.format!r}")
    if checkpoint.public_key != _raw(trusted):
        return fail("the checkpoint was signed by another key than the trusted one")
    try:
        trusted.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return fail("the checkpoint's signature is not valid: the file was altered")
    if not chain.ok:
        return fail(f"the chain is broken: {chain.reason}")
    head = session.get(AuditHead, 1)
    base_seq, base_hash = (head.base_seq, head.base_hash) if head else (0, GENESIS_HASH)
    if chain.head_seq < checkpoint.seq:
        return fail(f"the chain ends at entry {chain.head_seq}, before the checkpoint's entry "
                    f"{checkpoint.seq}: entries were deleted")
    if checkpoint.seq == 0:
        at_checkpoint = GENESIS_HASH
    elif checkpoint.seq == base_seq:
        at_checkpoint = base_hash
    elif checkpoint.seq < base_seq:
        return fail(f"entries up to {base_seq} were pruned after the retention period; this "
                    f"checkpoint (entry {checkpoint.seq}) predates what is kept")
    else:
        found = session.execute(select(AuditEntry.hash).where(
            AuditEntry.seq == checkpoint.seq)).scalar_one_or_none()
        at_checkpoint = found or ""
    if at_checkpoint != checkpoint.hash:
        return fail(f"entry {checkpoint.seq} is not the one the checkpoint was taken over: "
                    "the chain up to it was rewritten")
    return CheckpointReport(True, f"intact: entries 1-{checkpoint.seq} are as they were at "
                                  f"{checkpoint.at}, and the chain continues intact to entry "
                                  f"{chain.head_seq}", chain)


# --- retention ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PruneResult:
    pruned: int
    base_seq: int
    cutoff: datetime


def prune(session: Session, actor: service.Actor, retention_days: int,
          now: datetime | None = None) -> PruneResult:
    """Delete the entries older than the retention period (a prefix of the chain) and anchor
    the kept chain on the last of them."""
    if retention_days < 183:
        raise ValueError("audit entries are kept at least six months (183 days)")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                           ).scalar_one()
    last = session.execute(select(func.max(AuditEntry.seq)).where(AuditEntry.at < cutoff)
                           ).scalar_one()
    if last is None or last <= head.base_seq:
        return PruneResult(0, head.base_seq, cutoff)
    anchor = session.execute(select(AuditEntry.hash).where(AuditEntry.seq == last)).scalar_one()
    pruned = session.execute(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.seq <= last)).scalar_one()
    session.execute(delete(AuditEntry).where(AuditEntry.seq <= last))
    before = {"base_seq": head.base_seq, "base_hash": head.base_hash}
    head.base_seq, head.base_hash = last, anchor
    session.flush()
    service.record(session, actor, "audit.prune", "audit_head", 1, before=before, after={
        "base_seq": last, "base_hash": anchor, "pruned": pruned, "cutoff": cutoff,
        "retention_days": retention_days})
    return PruneResult(pruned, last, cutoff)
