"""One bank reference names one payment not voided on the whole platform (compared without
spaces, in upper case); a partial unique index backs the check."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core.errors import Conflict
from backend.deals.models import Payment, reference_key_of


def _reference_taken(reference: str) -> Conflict:
    return Conflict(f"银行流水号“{reference}”已用于平台上另一笔到账记录，同一笔银行流水不能登记两次；"
                    f"如那笔记录有误，请先作废它。The bank reference “{reference}” is already "
                    f"used by another payment on the platform; one bank transfer cannot be "
                    f"recorded twice (void the other payment first if it is wrong).",
                    reason="bank_reference_taken", bank_reference=reference)


def refuse_reused_reference(session: Session, reference: str, *,
                            exclude: int | None = None) -> None:
    """One bank reference names one payment not voided, platform-wide."""
    query = select(Payment.id).where(Payment.reference_key == reference_key_of(reference),
                                     Payment.voided_at.is_(None))
    if exclude is not None:
        query = query.where(Payment.id != exclude)
    if session.execute(query.limit(1)).first() is not None:
        raise _reference_taken(reference)


def flush_unique(session: Session, reference: str) -> None:
    """Flush; two payments with one reference written at once meet the unique index."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if "reference_key" in str(exc.orig):
            raise _reference_taken(reference) from None
        raise
