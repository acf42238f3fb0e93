"""Demo rewards for `techbroker seed-demo`: three deals taken to a registered, paid contract by
the demo brokers, and their claims at three points of the review — one paid (approved by
`admin`, paid by `admin2`), one under review with an integrity flag beside it (a payment whose
invoice names another contract), one just submitted. Everything goes through the services,
so the audit log records it as it would in use."""

from __future__ import annotations

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
from backend.deals import contracts, opening, payments, pipeline
from backend.deals.access import deal_for
from backend.deals.models import ContractType, Deal, Stage
from backend.listings.models import Achievement, AchievementStatus, Demand, DemandStatus, Visibility
from backend.rewards import claims, review
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


def _deal(session: Session, broker: User, demand: Demand, achievement: Achievement,
          amount: Decimal, type_: ContractType, n: int) -> Deal:
    today = clock.today()
    deal = opening.open_deal(session, _actor(broker), broker, demand.id, achievement.id)
    for party_org in (demand.organisation_id, achievement.organisation_id):
        first = session.execute(select(User.id).where(User.organisation_id == party_org)
                                .order_by(User.id)).scalars().first()
        party = load_user(session, first or 0)
        if party is None:
            raise LookupError(f"organisation {party_org} has no user to accept the deal")
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
    payments.record_payment(session, _actor(broker), deal_for(session, broker, deal.id),
                            paid_on=today - timedelta(days=30), amount=amount,
                            bank_reference=f"DEMO-BANK-{n:04d}",
                            invoice_reference=f"发票：技术合同登记号{registration_no}")
    return deal_for(session, broker, deal.id).deal


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
    for n, (username, amount, type_, outcome) in enumerate(DEALS):
        broker = _user(session, username)
        if broker.role != Role.BROKER:
            continue
        deal = _deal(session, broker, demands[n], achievements[n], amount, type_, n)
        if outcome == "flagged":
            payments.record_payment(session, _actor(broker), deal_for(session, broker, deal.id),
                                    paid_on=clock.today() - timedelta(days=20),
                                    amount=Decimal("50000.00"),
                                    bank_reference=f"DEMO-BANK-{n:04d}-2",
                                    invoice_reference="发票：设备采购合同")
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
