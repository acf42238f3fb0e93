"""Sums over a contract's payments: the amount received (到账金额) counts only payments whose
invoice names the contract."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.deals.models import Payment

ZERO = Decimal("0.00")


def received(session: Session, contract_id: int, *, counted: bool = True) -> Decimal:
    total = session.execute(select(func.sum(Payment.amount)).where(
        Payment.contract_id == contract_id, Payment.counted.is_(counted))).scalar_one()
    return Decimal(total) if total is not None else ZERO
