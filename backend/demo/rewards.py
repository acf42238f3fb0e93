"""Demo rewards for `techbroker seed-demo`: three deals taken to a registered, paid contract by
the demo brokers, and their claims at three points of the review — one paid (approved by
`admin`, paid by `admin2`), one under review with an integrity flag beside it (a payment whose
invoice names another contract), one just submitted. Evidence before money: the parties
confirm each contract version and payment, `admin` uploads the registration office's export
naming the three contracts, and each broker's own bank account is on record and verified.
Everything goes through the services, so the audit log records it as it would in use."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import load_user
from backend.audit.service import Actor
from backend.core import clock
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.deals import contracts, evidence, files, opening, payments, pipeline, registry
from backend.deals.access import deal_for
from backend.deals.models import Contract, ContractType, Deal, EvidenceKind, Stage
from backend.deals.storage import file_store
from backend.integrity import service as _integrity  # noqa: F401 — installs the claim checks
from backend.listings.models import Achievement, AchievementStatus, Demand, DemandStatus, Visibility
from backend.rewards import claims, payees, review, schemas
from backend.rewards.models import RewardClaim

DEALS = [  # broker, amount, contract type, what happens to the claim
    ("broker1", Decimal("800000.00"), ContractType.DEVELOPMENT, "paid"),
    ("broker2", Decimal("2500000.00"), ContractType.TRANSFER, "flagged"),
    ("broker3", Decimal("300000.00"), ContractType.SERVICE, "submitted"),
]


def _user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one()
    return load_user(session, user.id) or user


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, f"192.0.2.{user.id % 250 + 1}")


# A one-page PDF standing in for the bank receipts the brokers attach.
RECEIPT = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _parties(session: Session, demand: Demand, achievement: Achievement) -> list[User]:
    users = []
    for party_org in (demand.organisation_id, achievement.organisation_id):
        first = session.execute(select(User.id).where(User.organisation_id == party_org)
                                .order_by(User.id)).scalars().first()
        party = load_user(session, first or 0)
        if party is None:
            raise LookupError(f"organisation {party_org} has no user to answer for it")
        users.append(party)
    return users


def _confirm(session: Session, parties: list[User], deal_id: int) -> None:
    """Each party confirms what awaits it on the deal (the contract's version, payments)."""
    for party in parties:
        for item in evidence.awaiting(session, party):
            if item.deal_id != deal_id:
                continue
            evidence.answer(session, _actor(party), deal_for(session, party, deal_id, lock=True),
                            item.kind, None if item.kind == EvidenceKind.CONTRACT
                            else item.item_id, item.version, True, None)


def _pay(session: Session, broker: User, deal_id: int, amount: Decimal, invoice: str,
         n: int, days_ago: int) -> None:
    receipt = files.upload(session, _actor(broker), deal_for(session, broker, deal_id),
                           file_store(), f"银行回单{n}.pdf", io.BytesIO(RECEIPT))
    payments.record_payment(session, _actor(broker), deal_for(session, broker, deal_id),
                            paid_on=clock.today() - timedelta(days=days_ago), amount=amount,
                            bank_reference=f"DEMO-BANK-{n:04d}", invoice_reference=invoice,
                            invoice_no=f"3500261{n:013d}", payer_account="6222020200112233445",
                            payee_account="6222020200998877665", evidence_file_id=receipt.id)


def _deal(session: Session, broker: User, demand: Demand, achievement: Achievement,
          amount: Decimal, type_: ContractType, n: int, *, uncounted: Decimal | None = None
          ) -> Deal:
    today = clock.today()
    deal = opening.open_deal(session, _actor(broker), broker, demand.id, achievement.id)
    parties = _parties(session, demand, achievement)
    for party in parties:
        opening.respond(session, _actor(party), deal_for(session, party, deal.id, lock=True),
                        True, None)
    deal.opened_at = utcnow() - timedelta(days=90)  # the introduction happened months ago
    pipeline.transition(session, _actor(broker), deal, Stage.NEGOTIATING, None)
    access = deal_for(session, broker, deal.id, lock=True)
    contracts.record_contract(session, _actor(broker), access,
                              name=f"{achievement.title[:40]}技术合同", type_=type_, amount=amount,
                              signed_on=today - timedelta(days=60),
                              buyer_org_id=demand.organisation_id,
                              seller_org_id=achievement.organisation_id)
    pipeline.transition(session, _actor(broker), deal_for(session, broker, deal.id).deal,
                        Stage.SIGNED, None)
    registration_no = f"{today.year}350100{900 + n:06d}"
    contracts.register_contract(session, _actor(broker), deal_for(session, broker, deal.id),
                                registration_no=registration_no,
                                registered_on=today - timedelta(days=50),
                                technology_amount=amount)
    if uncounted is not None:  # money for another contract between them, recorded here
        _pay(session, broker, deal.id, uncounted, "发票：设备采购合同", 100 + n, 31)
    _pay(session, broker, deal.id, amount, f"发票：技术合同登记号{registration_no}", n, 30)
    _confirm(session, parties, deal.id)
    return deal_for(session, broker, deal.id).deal


def _registry(session: Session, admin: User, deals: list[Deal]) -> None:
    """The registration office's export, naming the demo contracts as they were registered."""
    rows = session.execute(select(Contract).where(
        Contract.deal_id.in_([d.id for d in deals])).order_by(Contract.id)).scalars().all()
    codes = registry.credit_codes(session, [o for c in rows
                                            for o in (c.buyer_org_id, c.seller_org_id)])
    lines = ["登记号,买方统一社会信用代码,卖方统一社会信用代码,合同类型,成交金额,登记日期,状态"] + [
        f"{c.registration_no},{codes[c.buyer_org_id]},{codes[c.seller_org_id]},{c.type.value},"
        f"{c.amount},{c.registered_on},有效" for c in rows]
    registry.import_export(session, _actor(admin), admin.id, "技术合同登记数据.csv",
                           ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def _payee(session: Session, broker: User, admin: User) -> None:
    payees.set_account(session, _actor(broker), broker, schemas.PayeeAccountIn(
        holder_name=broker.display_name, bank_name="中国工商银行福州分行",
        account=f"6222020210{broker.id:09d}"))
    payees.verify(session, _actor(admin), broker.id, "verified", "已核对开户证明")


def seed_rewards(session: Session) -> list[RewardClaim]:
    if session.execute(select(RewardClaim.id)).first():
        return []
    admins = [_user(session, name) for name in ("admin", "admin2")]
    demands = session.execute(select(Demand).where(
        Demand.status == DemandStatus.PUBLISHED, Demand.visibility == Visibility.PUBLIC,
        Demand.anonymous.is_(False), Demand.hidden.is_(False)).order_by(Demand.id)).scalars().all()
    achievements = session.execute(select(Achievement).where(
        Achievement.status == AchievementStatus.PUBLISHED, Achievement.hidden.is_(False))
        .order_by(Achievement.id)).scalars().all()
    if len(demands) < len(DEALS) or len(achievements) < len(DEALS):
        return []
    made = []
    deals: list[tuple[User, Deal, str]] = []
    for n, (username, amount, type_, outcome) in enumerate(DEALS):
        broker = _user(session, username)
        if broker.role != Role.BROKER:
            continue
        deal = _deal(session, broker, demands[n], achievements[n], amount, type_, n,
                     uncounted=Decimal("50000.00") if outcome == "flagged" else None)
        _payee(session, broker, admins[0])
        deals.append((broker, deal, outcome))
    _registry(session, admins[0], [deal for _, deal, _ in deals])
    for broker, deal, outcome in deals:
        claim, _ = claims.submit_claim(session, _actor(broker), broker, deal.id,
                                       device_id=f"demo-device-{broker.id}")
        if outcome == "paid":
            review.start_review(session, _actor(admins[0]), claim.id)
            review.approve(session, _actor(admins[0]), claim.id)
            review.pay(session, _actor(admins[1]), claim.id, "DEMO-PAY-0001")
        elif outcome == "flagged":
            review.start_review(session, _actor(admins[0]), claim.id)
        made.append(claim)
    return made
