"""The tables administrators export for the finance office and the bureau: claims, payouts
and claw-backs, filtered by period, broker and region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, Identifier, Organisation, User
from backend.core.tabular import Table
from backend.rewards.claims import claim_query
from backend.rewards.clawbacks import clawback_query
from backend.rewards.models import ClawBack, PayoutBatch, RewardClaim
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


PAYOUT_COLUMNS = (
    "批次 Batch", "批次状态 Batch status", "申报编号 Claim", "经纪人 Broker",
    "经纪人证书号 Certificate no.", "所属机构 Agency", "开户行 Bank", "收款账号 Account",
    "地区 Region", "登记号 Registration no.", "奖补金额 Amount", "批准人 Approved by",
    "批准时间 Approved", "支付时间 Paid", "银行流水号 Bank reference")


def batch_table(session: Session, batch_id: int) -> Table:
    get_batch(session, batch_id)
    return payouts_table(session, Filters(), batch_id=batch_id)


def payouts_table(session: Session, f: Filters, batch_id: int | None = None) -> Table:
    """One line per claim in a batch (open or paid), for the finance office to pay from."""
    query = (select(PayoutBatch, RewardClaim)
             .join(RewardClaim, RewardClaim.payout_batch_id == PayoutBatch.id))
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
    broker_ids = sorted({c.broker_id for _, c in rows})
    payees: dict[int, tuple[str, str, str | None, str | None]] = {}
    if broker_ids:
        for user_id, cert, agency_name, bank, number in session.execute(
                select(BrokerProfile.user_id, BrokerProfile.certificate_no, Organisation.name,
                       Organisation.bank_name, Identifier.value)
                .outerjoin(Organisation, Organisation.id == BrokerProfile.agency_id)
                .outerjoin(Identifier, Identifier.id == Organisation.bank_account_id)
                .where(BrokerProfile.user_id.in_(broker_ids))):
            payees[user_id] = (cert, agency_name or "", bank, number)
    names = user_names(session, [x for _, c in rows for x in (c.broker_id, c.approved_by_id)])
    table = Table("payouts", PAYOUT_COLUMNS)
    for batch, c in rows:
        cert, agency, bank_name, account = payees.get(c.broker_id, ("", "", None, None))
        table.rows.append((batch.id, batch.status, c.id, names.get(c.broker_id, ""), cert,
                           agency, bank_name, account, c.region, c.registration_no, c.amount,
                           names.get(c.approved_by_id or 0), c.approved_at, c.paid_at,
                           batch.bank_reference))
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
         names.get(r.decided_by_id, ""), r.decided_at, r.recovered_at, r.recovery_reference)
        for r in rows])
