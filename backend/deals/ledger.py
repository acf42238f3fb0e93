"""Sums over a contract's payments: the amount received (到账金额) counts only payments whose
invoice names the contract, that no party disputes and that were not voided; the confirmed
amount received, which rewards read, only those both parties confirmed (never a voided one)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.deals.models import EvidenceStatus, Payment

ZERO = Decimal("0.00")


def received(session: Session, contract_id: int, *, counted: bool = True) -> Decimal:
    total = session.execute(select(func.sum(Payment.amount)).where(
        Payment.contract_id == contract_id, Payment.counted.is_(counted),
        Payment.evidence_status != EvidenceStatus.DISPUTED,
        Payment.voided_at.is_(None))).scalar_one()
    return Decimal(total) if total is not None else ZERO


def confirmed_received(session: Session, contract_id: int) -> Decimal:
    total = session.execute(select(func.sum(Payment.confirmed_amount)).where(
        Payment.contract_id == contract_id, Payment.counted.is_(True),
        Payment.voided_at.is_(None))).scalar_one()
    return Decimal(total) if total is not None else ZERO
