"""The broker's own bank account, where rewards are paid (the policies pay "直接" to the
broker, and a broker without an agency has no other account).

A broker records the account (holder, bank, number); an administrator verifies it, as an
organisation's; changing it sends it back to pending. Only administrators see the number in
full — everyone else, the broker included, sees it masked. No claim is paid, alone or in a
batch, to a broker without a verified account.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.identity import InvalidIdentifier, bank_account, mask_bank_account
from backend.accounts.models import User
from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.rewards import schemas
from backend.rewards.models import BrokerPayeeAccount, PayeeStatus

NOT_FOUND = "未找到该经纪人的收款账户。This broker has no payee account on record."


def _snapshot(row: BrokerPayeeAccount) -> dict[str, object]:
    return {"holder_name": row.holder_name, "bank_name": row.bank_name,
            "account": mask_bank_account(row.account), "status": row.status, "note": row.note}


def get_account(session: Session, broker_id: int) -> BrokerPayeeAccount | None:
    return session.get(BrokerPayeeAccount, broker_id)


def require_broker(user: User) -> None:
    if user.role != Role.BROKER:
        raise PermissionDenied("只有技术经纪人登记本人收款账户。Only brokers keep a payee account "
                               "of their own.")


def set_account(session: Session, actor: audit.Actor, broker: User,
                data: schemas.PayeeAccountIn) -> BrokerPayeeAccount:
    require_broker(broker)
    try:
        number = bank_account(data.account)
    except InvalidIdentifier as exc:
        raise InvalidInput("account", str(exc)) from None
    row = session.execute(select(BrokerPayeeAccount).where(
        BrokerPayeeAccount.broker_id == broker.id).with_for_update()).scalar_one_or_none()
    before = _snapshot(row) if row is not None else None
    if row is None:
        row = BrokerPayeeAccount(broker_id=broker.id)
        session.add(row)
    elif (row.holder_name, row.bank_name, row.account) == (data.holder_name, data.bank_name,
                                                            number):
        return row
    row.holder_name, row.bank_name, row.account = data.holder_name, data.bank_name, number
    row.status, row.note, row.updated_at = PayeeStatus.PENDING, None, utcnow()
    row.verified_by_id = row.verified_at = None
    session.flush()
    audit.record(session, actor, "payee.set", "broker_payee_account", broker.id, before=before,
                 after=_snapshot(row))
    return row


def verify(session: Session, actor: audit.Actor, broker_id: int, status: str,
           note: str | None) -> BrokerPayeeAccount:
    row = one_or_404(session, select(BrokerPayeeAccount).where(
                     BrokerPayeeAccount.broker_id == broker_id).with_for_update()
                     .execution_options(populate_existing=True), NOT_FOUND)
    before = _snapshot(row)
    row.status, row.note = PayeeStatus(status), note
    row.verified_by_id, row.verified_at = actor.user_id, utcnow()
    session.flush()
    audit.record(session, actor, "payee.verify", "broker_payee_account", broker_id,
                 before=before, after=_snapshot(row))
    return row


def list_accounts(session: Session, status: PayeeStatus | None, page: int, page_size: int
                  ) -> tuple[Sequence[BrokerPayeeAccount], int]:
    query = select(BrokerPayeeAccount)
    if status is not None:
        query = query.where(BrokerPayeeAccount.status == status)
    return paging.page_of(session, query.order_by(BrokerPayeeAccount.updated_at.desc()), page,
                          page_size)


def require_verified(session: Session, broker_ids: Iterable[int]) -> None:
    """Refuse to pay brokers without a verified account of their own."""
    wanted = sorted(set(broker_ids))
    verified = set(session.execute(select(BrokerPayeeAccount.broker_id).where(
        BrokerPayeeAccount.broker_id.in_(wanted),
        BrokerPayeeAccount.status == PayeeStatus.VERIFIED)).scalars())
    missing = [b for b in wanted if b not in verified]
    if missing:
        raise Conflict(f"经纪人{missing}没有经审核的本人收款账户，不能支付。Brokers {missing} have "
                       "no verified bank account of their own; the reward cannot be paid.",
                       reason="payee_unverified", broker_ids=missing)


def view(session: Session, viewer: User, row: BrokerPayeeAccount) -> schemas.PayeeAccountOut:
    name = session.execute(select(User.display_name).where(User.id == row.broker_id)
                           ).scalar_one()
    return schemas.PayeeAccountOut(
        broker_id=row.broker_id, broker_name=name, holder_name=row.holder_name,
        bank_name=row.bank_name,
        account=row.account if viewer.role == Role.ADMIN else mask_bank_account(row.account),
        status=row.status, note=row.note, updated_at=row.updated_at,
        verified_at=row.verified_at)
