"""The tables administrators export for the finance office and the bureau: claims, payouts
and claw-backs, filtered by period, broker and region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, Identifier, Organisation, User
from backend.core.tabular import Table
from backend.core.types import to_fen
from backend.rewards.claims import claim_query
from backend.rewards.clawbacks import clawback_query
from backend.rewards.models import (
    BrokerPayeeAccount,
    ClawBack,
    PayoutBatch,
    RewardClaim,
    RewardPolicy,
)
from backend.rewards.payouts import get_batch
from backend.rewards.views import user_names


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None   # inclusive
    until: datetime | None = None   # exclusive
    broker_id: int | None = None
    region: str | None = None


CLAIM_COLUMNS = (
    "申报编号 Claim", "经纪人编号 Broker ID", "经纪人 Broker", "地区 Region", "领域 Field",
    "合同名称 Contract", "登记号 Registration no.", "合同类型 Type", "签订日期 Signed",
    "合同金额 Contract amount", "计奖基数 Base", "分配比例% Share", "奖补金额 Reward",
    "状态 Status", "申报时间 Submitted", "批准人 Approved by", "批准时间 Approved",
    "支付人 Paid by", "支付时间 Paid", "支付凭证 Payment reference", "支付批次 Batch",
    "驳回理由 Rejection reason")


def claims_table(session: Session, admin: User, f: Filters) -> Table:
    query = claim_query(admin, broker_id=f.broker_id, region=f.region, since=f.since,
                        until=f.until)
    claims = session.execute(query.order_by(RewardClaim.id)).scalars().all()
    names = user_names(session, [x for c in claims
                                 for x in (c.broker_id, c.approved_by_id, c.paid_by_id)])
    return Table("claims", CLAIM_COLUMNS, [
        (c.id, c.broker_id, names.get(c.broker_id, ""), c.region, c.field_code, c.contract_name,
         c.registration_no, c.contract_type, c.signed_on, c.contract_amount, c.base_amount,
         c.share_percent, c.amount, c.status, c.submitted_at,
         names.get(c.approved_by_id or 0), c.approved_at, names.get(c.paid_by_id or 0),
         c.paid_at, c.payment_reference, c.payout_batch_id, c.rejection_reason)
        for c in claims])


# The bank's bulk-transfer columns first (批量转账: payee name, account, bank, amount,
# purpose), then what the finance office checks each line against.
PAYOUT_COLUMNS = (
    "序号 No.", "收款人户名 Payee name", "收款人账号 Payee account", "收款银行 Payee bank",
    "金额 Amount", "用途 Purpose", "收款人类型 Payee kind", "批次 Batch",
    "批次状态 Batch status", "申报编号 Claim", "经纪人 Broker", "经纪人证书号 Certificate no.",
    "所属机构 Agency", "地区 Region", "登记号 Registration no.", "批准人 Approved by",
    "批准时间 Approved", "支付时间 Paid", "银行流水号 Bank reference")


def batch_table(session: Session, batch_id: int) -> Table:
    get_batch(session, batch_id)
    return payouts_table(session, Filters(), batch_id=batch_id)


def agency_part(amount: Decimal, percent: Decimal) -> Decimal:
    """The agency's part of a reward under the policy's declared share, rounded half up once;
    the broker gets the rest, so the two always add up to the reward."""
    return to_fen(amount * percent / 100) if percent > 0 else Decimal("0.00")


def payouts_table(session: Session, f: Filters, batch_id: int | None = None) -> Table:
    """One line per payee per claim in a batch (open or paid), for the finance office to pay
    from: the broker, to their own verified account, and, where the policy declares an agency
    share and the broker has an agency, the agency for its part."""
    query = (select(PayoutBatch, RewardClaim, RewardPolicy.agency_share_percent)
             .join(RewardClaim, RewardClaim.payout_batch_id == PayoutBatch.id)
             .join(RewardPolicy, RewardPolicy.id == RewardClaim.policy_id))
    if batch_id is not None:
        query = query.where(PayoutBatch.id == batch_id)
    if f.since is not None:
        query = query.where(PayoutBatch.created_at >= f.since)
    if f.until is not None:
        query = query.where(PayoutBatch.created_at < f.until)
    if f.broker_id is not None:
        query = query.where(RewardClaim.broker_id == f.broker_id)
    if f.region:
        query = query.where(RewardClaim.region == f.region)
    rows = session.execute(query.order_by(PayoutBatch.id, RewardClaim.id)).all()
    broker_ids = sorted({c.broker_id for _, c, _ in rows})
    profiles: dict[int, tuple[str, str, str | None, str | None]] = {}
    accounts: dict[int, BrokerPayeeAccount] = {}
    if broker_ids:
        for user_id, cert, agency_name, bank, number in session.execute(
                select(BrokerProfile.user_id, BrokerProfile.certificate_no, Organisation.name,
                       Organisation.bank_name, Identifier.value)
                .outerjoin(Organisation, Organisation.id == BrokerProfile.agency_id)
                .outerjoin(Identifier, Identifier.id == Organisation.bank_account_id)
                .where(BrokerProfile.user_id.in_(broker_ids))):
            profiles[user_id] = (cert, agency_name or "", bank, number)
        accounts = {a.broker_id: a for a in session.execute(select(BrokerPayeeAccount).where(
            BrokerPayeeAccount.broker_id.in_(broker_ids))).scalars()}
    names = user_names(session, [x for _, c, _ in rows for x in (c.broker_id, c.approved_by_id)])
    table = Table("payouts", PAYOUT_COLUMNS)
    for batch, c, percent in rows:
        cert, agency, agency_bank, agency_account = profiles.get(c.broker_id,
                                                                 ("", "", None, None))
        part = agency_part(c.amount, Decimal(percent)) if agency else Decimal("0.00")
        account = accounts.get(c.broker_id)
        purpose = f"技术经纪人奖补 申报{c.id} {c.registration_no or ''}".strip()
        tail = (batch.id, batch.status, c.id, names.get(c.broker_id, ""), cert, agency,
                c.region, c.registration_no, names.get(c.approved_by_id or 0), c.approved_at,
                c.paid_at, batch.bank_reference)
        table.rows.append((len(table.rows) + 1,
                           account.holder_name if account else names.get(c.broker_id, ""),
                           account.account if account else None,
                           account.bank_name if account else None, c.amount - part, purpose,
                           "经纪人 broker", *tail))
        if part > 0:
            table.rows.append((len(table.rows) + 1, agency, agency_account, agency_bank, part,
                               purpose, "经纪机构 agency", *tail))
    return table


CLAWBACK_COLUMNS = (
    "追回编号 Claw-back", "申报编号 Claim", "经纪人编号 Broker ID", "经纪人 Broker",
    "地区 Region", "奖补金额 Reward", "应追回 To recover", "已支付 Was paid",
    "原状态 Previous status", "状态 Status", "理由 Reason", "风险提示 Flag",
    "决定人 Decided by", "决定时间 Decided", "退回时间 Recovered", "退回凭证 Recovery reference")


def clawbacks_table(session: Session, f: Filters) -> Table:
    query = clawback_query(since=f.since, until=f.until, broker_id=f.broker_id, region=f.region)
    rows = session.execute(query.order_by(ClawBack.id)).scalars().all()
    names = user_names(session, [x for r in rows for x in (r.broker_id, r.decided_by_id)])
    return Table("clawbacks", CLAWBACK_COLUMNS, [
        (r.id, r.claim_id, r.broker_id, names.get(r.broker_id, ""), r.region, r.amount,
         r.to_recover, r.was_paid, r.previous_status, r.status, r.reason, r.flag_id,
         names.get(r.decided_by_id or 0, ""), r.decided_at, r.recovered_at, r.recovery_reference)
        for r in rows])
