"""Typed builders for reward claims: a deal that is registered and paid, a clean claim on it,
and the review steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import Actor
from backend.core import clock
from backend.core.types import utcnow
from backend.deals import opening
from backend.deals.models import ContractType, Deal, Stage
from backend.integrity import dishonesty
from backend.integrity import service as integrity
from backend.integrity.models import FlagStatus, IntegrityFlag
from backend.rewards import claims, payees, policies, review, schemas
from backend.rewards.calculation import RewardBase
from backend.rewards.models import BrokerPayeeAccount, PayeeStatus, RewardClaim, RewardPolicy
from tests.builders import accounts as b
from tests.builders import deals as d

AMOUNT = d.AMOUNT


def actor(user: User) -> Actor:
    return Actor(user.id, user.username, "127.0.0.1")


def backdate_deal(db: Session, deal_id: int, days: int = 60) -> None:
    """Deals are opened today by the builders while their contracts are signed a month ago;
    move the opening back so the timeline rule has nothing to say."""
    deal = db.get(Deal, deal_id)
    assert deal is not None
    deal.opened_at = utcnow() - timedelta(days=days)
    db.flush()


def paid_world(db: Session, *, amount: Decimal = AMOUNT, stage: Stage = Stage.PAID,
               type_: ContractType = ContractType.DEVELOPMENT,
               uncounted: Decimal | None = None) -> d.World:
    """A deal whose contract is registered and fully paid, opened before it was signed; with
    `uncounted`, a payment of that much whose invoice names another contract came first."""
    if uncounted is None:
        w = d.deal_at(db, stage, amount=amount, type_=type_)
    else:
        w = d.deal_at(db, Stage.REGISTERED, amount=amount, type_=type_)
        d.pay(db, w, uncounted, invoice="发票：另一份合同")
        d.pay(db, w, amount)
    backdate_deal(db, w.id)
    w.deal = d.reload(db, w.id)
    return w


def world_for(db: Session, lead: User, *, amount: Decimal = AMOUNT) -> d.World:
    """Another registered, paid deal brought by the same broker."""
    firm = b.make_firm_user(db)
    institute = b.make_institute_user(db)
    demand = d.make_demand(db, firm)
    achievement = d.make_achievement(db, institute)
    lead = d.with_profile(db, lead)
    deal = opening.open_deal(db, d.actor(lead), lead, demand.id, achievement.id)
    w = d.World(firm, institute, lead, demand, achievement, deal)
    d.accept_both(db, w)
    d.move(db, w, Stage.NEGOTIATING)
    d.record_contract(db, w, amount=amount)
    d.move(db, w, Stage.SIGNED)
    d.register(db, w)
    d.pay(db, w, amount)
    backdate_deal(db, w.id)
    w.deal = d.reload(db, w.id)
    assert w.deal.stage == Stage.PAID
    return w


def broker_ip(user: User) -> str:
    """Each broker submits from their own address unless a test says otherwise."""
    return f"10.{user.id // 65536 % 256}.{user.id // 256 % 256}.{user.id % 256}"


def verified_payee(db: Session, broker_id: int) -> None:
    """The broker's own account on record, verified (written directly: a builder's shortcut
    for tests about something else; `payee_account` goes through the services)."""
    if db.get(BrokerPayeeAccount, broker_id) is None:
        db.add(BrokerPayeeAccount(broker_id=broker_id, holder_name=f"经纪人{broker_id}",
                                  bank_name="中国工商银行福州分行",
                                  account=f"62220202{broker_id:011d}",
                                  status=PayeeStatus.VERIFIED))
        db.flush()


def submit(db: Session, w: d.World, broker: User | None = None, *, ip: str | None = None,
           device_id: str | None = None, payee: bool = True) -> tuple[RewardClaim, bool]:
    """The broker's claim on the deal; with `payee`, the broker has a verified account."""
    who = d.with_profile(db, broker or w.lead)
    if payee:
        verified_payee(db, who.id)
    return claims.submit_claim(db, Actor(who.id, who.username, ip or broker_ip(who)), who,
                               w.id, device_id=device_id)


def claim(db: Session, w: d.World | None = None, **kwargs: object) -> RewardClaim:
    made, created = submit(db, w or paid_world(db), **kwargs)  # type: ignore[arg-type]
    assert created
    return made


def open_flags(db: Session, claim_id: int) -> list[IntegrityFlag]:
    db.flush()
    return list(db.execute(select(IntegrityFlag).where(
        IntegrityFlag.claim_id == claim_id, IntegrityFlag.status == FlagStatus.OPEN)
        .order_by(IntegrityFlag.id)).scalars())


def approved(db: Session, claim_id: int, admin: User) -> RewardClaim:
    review.start_review(db, actor(admin), claim_id)
    return review.approve(db, actor(admin), claim_id)


def payee_account(db: Session, broker_id: int, admin: User) -> None:
    """The broker's own bank account, on record and verified (rewards are paid to it)."""
    existing = payees.get_account(db, broker_id)
    if existing is not None and existing.status == "verified":
        return
    broker = db_user(db, broker_id)
    payees.set_account(db, actor(broker), broker, schemas.PayeeAccountIn(
        holder_name=broker.display_name, bank_name="中国工商银行福州分行",
        account=f"62220202{broker_id:011d}"))
    payees.verify(db, actor(admin), broker_id, "verified", None)


def paid(db: Session, claim_id: int, approver: User, payer: User) -> RewardClaim:
    made = approved(db, claim_id, approver)
    payee_account(db, made.broker_id, approver)
    return review.pay(db, actor(payer), claim_id, "BANK-PAY-1")


def policy(db: Session, admin: User, *, key: str, effective_from: date,
           region: str | None = None, base: RewardBase = RewardBase.MIN_TECHNOLOGY_RECEIVED,
           rates: tuple[str, str] = ("0.015", "0.01"), window: int = 365,
           cap_per_claim: Decimal | None = None, cap_per_broker_year: Decimal | None = None,
           effective_until: date | None = None) -> RewardPolicy:
    return policies.create_policy(db, actor(admin), schemas.PolicyCreate(
        key=key, name=f"政策{key}", region=region, base=base,
        brackets=[schemas.BracketIn(upper=Decimal(1_000_000), rate=Decimal(rates[0])),
                  schemas.BracketIn(upper=None, rate=Decimal(rates[1]))],
        effective_from=effective_from, effective_until=effective_until, claim_window_days=window,
        cap_per_claim=cap_per_claim, cap_per_broker_year=cap_per_broker_year))


def rescan(db: Session, admin: User | None = None) -> integrity.ScanReport:
    db.flush()
    return integrity.scan_open_claims(db, actor(admin) if admin else b_system())


def b_system() -> Actor:
    return Actor(None, "system")


@dataclass
class Admins:
    a: User
    b: User


def admins(db: Session) -> Admins:
    return Admins(b.make_admin(db), b.make_admin(db))


def db_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    assert user is not None
    return user


def today() -> date:
    return clock.today()


def five_years_less_a_day() -> date:
    return dishonesty.add_years(clock.today(), 5) - timedelta(days=1)
