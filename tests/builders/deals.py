"""Typed builders for deals, and for the listings they rest on.

Demands and achievements are made as rows directly (the listings service is written
elsewhere); deals go through the deals services, so a built deal is one the rules allow.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import load_user
from backend.audit.service import Actor
from backend.core import clock
from backend.deals import contracts, evidence, files, opening, payments, pipeline, registry
from backend.deals.access import DealAccess, deal_for, load_deal
from backend.deals.models import (
    Acceptance,
    Contract,
    ContractFile,
    ContractType,
    Deal,
    EvidenceKind,
    EvidenceStatus,
    Payment,
    Stage,
)
from backend.deals.storage import file_store
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandStatus,
    Field,
    Visibility,
)
from backend.listings.models import (
    Stage as TechStage,
)
from tests.builders import accounts as b

_seq = itertools.count(1)
AMOUNT = Decimal("300000.00")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAYER_ACCOUNT = "6222020200112233445"
PAYEE_ACCOUNT = "6222020200998877665"


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def field_id(db: Session, code: str = "electronics") -> int:
    return db.execute(select(Field.id).where(Field.code == code)).scalar_one()


def make_demand(db: Session, user: User, *, status: DemandStatus = DemandStatus.PUBLISHED,
                visibility: Visibility = Visibility.PUBLIC, anonymous: bool = False,
                hidden: bool = False, title: str | None = None) -> Demand:
    assert user.organisation_id is not None
    demand = Demand(organisation_id=user.organisation_id, created_by_id=user.id,
                    title=title or f"需求{next(_seq)}：工业视觉缺陷检测", field_id=field_id(db),
                    keywords="视觉,检测", modes_mask=1 | 2, region="福州市",
                    description="需要一套产线视觉检测方案。", budget_min=Decimal("100000.00"),
                    budget_max=Decimal("500000.00"), min_trl=5, visibility=visibility,
                    anonymous=anonymous, status=status, hidden=hidden)
    db.add(demand)
    db.flush()
    return demand


def make_achievement(db: Session, user: User, *,
                     status: AchievementStatus = AchievementStatus.PUBLISHED,
                     hidden: bool = False, title: str | None = None) -> Achievement:
    assert user.organisation_id is not None
    achievement = Achievement(organisation_id=user.organisation_id, created_by_id=user.id,
                              title=title or f"成果{next(_seq)}：深度学习表面缺陷识别",
                              field_id=field_id(db), keywords="深度学习", modes_mask=2 | 4,
                              region="厦门市", abstract="基于深度学习的缺陷识别。", trl=6,
                              stage=TechStage.PILOT, price=Decimal("400000.00"),
                              team_lead="李教授", status=status, hidden=hidden)
    db.add(achievement)
    db.flush()
    return achievement


def actor(user: User) -> Actor:
    return Actor(user.id, user.username, "127.0.0.1")


def with_profile(db: Session, user: User) -> User:
    """The user with their organisation and broker profile loaded, as the request sees them."""
    loaded = load_user(db, user.id)
    assert loaded is not None
    return loaded


def access(db: Session, user: User, deal_id: int, *, lock: bool = False) -> DealAccess:
    db.flush()
    return deal_for(db, with_profile(db, user), deal_id, lock=lock)


def reload(db: Session, deal_id: int) -> Deal:
    db.flush()
    deal = load_deal(db, deal_id)
    assert deal is not None
    return deal


@dataclass
class World:
    firm: User
    institute: User
    lead: User
    demand: Demand
    achievement: Achievement
    deal: Deal

    @property
    def id(self) -> int:
        return self.deal.id


def open_world(db: Session, *, anonymous: bool = False,
               visibility: Visibility = Visibility.PUBLIC) -> World:
    """Two parties with a listing each and a verified broker who has opened a deal on them."""
    firm = b.make_firm_user(db)
    institute = b.make_institute_user(db)
    lead = with_profile(db, b.make_broker(db))
    demand = make_demand(db, firm, anonymous=anonymous, visibility=visibility)
    achievement = make_achievement(db, institute)
    deal = opening.open_deal(db, actor(lead), lead, demand.id, achievement.id)
    return World(firm, institute, lead, demand, achievement, deal)


def accept_both(db: Session, w: World) -> None:
    """The firm (first: it may be a request on an anonymous or private demand) and the
    institute accept, those of them who have not yet."""
    for party, side in ((w.firm, "demand_acceptance"), (w.institute, "achievement_acceptance")):
        if getattr(reload(db, w.id), side) == Acceptance.PENDING:
            opening.respond(db, actor(party), access(db, party, w.id), True, None)


def accept_request(db: Session, w: World) -> None:
    """The firm accepts a deal opened as a request (on an anonymous or private demand)."""
    opening.respond(db, actor(w.firm), access(db, w.firm, w.id), True, None)


def move(db: Session, w: World, to: Stage, reason: str | None = None) -> None:
    pipeline.transition(db, actor(w.lead), reload(db, w.id), to, reason)


def record_contract(db: Session, w: World, *, amount: Decimal = AMOUNT,
                    type_: ContractType = ContractType.DEVELOPMENT,
                    signed_on: date | None = None, name: str = "工业视觉检测技术开发合同",
                    confirm: bool = True) -> None:
    """Record the contract; with `confirm`, both parties confirm it (evidence before money)."""
    contracts.record_contract(
        db, actor(w.lead), access(db, w.lead, w.id), name=name, type_=type_, amount=amount,
        signed_on=signed_on or days_ago(30), buyer_org_id=w.deal.demand_org_id,
        seller_org_id=w.deal.achievement_org_id)
    if confirm:
        confirm_all(db, w)


def new_registration_no() -> str:
    return f"{clock.today().year}350100{next(_seq):06d}"


def parties(w: World) -> tuple[User, User]:
    return w.firm, w.institute


def answer(db: Session, w: World, party: User, kind: EvidenceKind, item_id: int | None,
           *, confirm: bool = True, reason: str | None = None) -> EvidenceStatus:
    """One party answers the item's current version."""
    deal = reload(db, w.id)
    assert deal.contract is not None
    version = (deal.contract.evidence_version if kind == EvidenceKind.CONTRACT else
               db.get(Payment, item_id).evidence_version)  # type: ignore[union-attr]
    return evidence.answer(db, actor(party), access(db, party, w.id, lock=True), kind, item_id,
                           version, confirm, reason)


def confirm_all(db: Session, w: World) -> None:
    """Both parties confirm whatever awaits them on this deal: the contract's current version
    and every payment not yet confirmed."""
    deal = reload(db, w.id)
    contract = deal.contract
    assert contract is not None
    for party in parties(w):
        mine = {(a.kind, a.item_id) for a in evidence.awaiting(db, with_profile(db, party))
                if a.deal_id == w.id}
        for kind, item_id in sorted(mine):
            answer(db, w, party, kind, None if kind == EvidenceKind.CONTRACT else item_id)


def registry_csv(rows: list[tuple[str, str, str, str, Decimal, date, str]]) -> bytes:
    header = "登记号,买方统一社会信用代码,卖方统一社会信用代码,合同类型,成交金额,登记日期,状态"
    lines = [header] + [",".join([no, buyer, seller, type_, str(amount), day.isoformat(), state])
                        for no, buyer, seller, type_, amount, day, state in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def record_in_registry(db: Session, w: World, *, amount: Decimal | None = None,
                       registered_on: date | None = None, cancelled: bool = False,
                       uploader: User | None = None) -> registry.ImportOutcome:
    """The registration office's export names the contract as declared (or as told)."""
    contract = reload(db, w.id).contract
    assert contract is not None and contract.registration_no and contract.registered_on
    codes = registry.credit_codes(db, [contract.buyer_org_id, contract.seller_org_id])
    content = registry_csv([(contract.registration_no, codes[contract.buyer_org_id],
                             codes[contract.seller_org_id], contract.type.value,
                             amount or contract.amount, registered_on or contract.registered_on,
                             "撤销" if cancelled else "有效")])
    who = uploader or w.lead
    return registry.import_export(db, actor(who), who.id, "registry.csv", content)


def register(db: Session, w: World, registration_no: str | None = None, *,
             confirm: bool = True, in_registry: bool = True) -> str:
    """Register the contract; by default the office's export names it and both parties
    confirm the registration."""
    number = registration_no or new_registration_no()
    contract = reload(db, w.id).contract
    assert contract is not None
    contracts.register_contract(db, actor(w.lead), access(db, w.lead, w.id),
                                registration_no=number, registered_on=days_ago(10),
                                technology_amount=contract.amount)
    if in_registry:
        record_in_registry(db, w)
    if confirm:
        confirm_all(db, w)
    return number


def evidence_file(db: Session, w: World) -> ContractFile:
    return files.upload(db, actor(w.lead), access(db, w.lead, w.id), file_store(),
                        "银行回单.pdf", io.BytesIO(PDF))


def pay(db: Session, w: World, amount: Decimal, *, invoice: str | None = None,
        confirm: bool = True) -> Payment:
    """A payment with its evidence; by default both parties confirm it."""
    contract = reload(db, w.id).contract
    assert contract is not None
    receipt = evidence_file(db, w)
    made = payments.record_payment(
        db, actor(w.lead), access(db, w.lead, w.id), paid_on=days_ago(5), amount=amount,
        bank_reference=f"BANK{next(_seq):08d}",
        invoice_reference=invoice or f"发票：{contract.registration_no or contract.name}",
        invoice_no=f"INV{next(_seq):08d}", payer_account=PAYER_ACCOUNT,
        payee_account=PAYEE_ACCOUNT, evidence_file_id=receipt.id)
    if confirm:
        confirm_all(db, w)
    return made


def deal_at(db: Session, stage: Stage, *, ready: bool = False,
            type_: ContractType = ContractType.DEVELOPMENT, amount: Decimal = AMOUNT,
            anonymous: bool = False, visibility: Visibility = Visibility.PUBLIC) -> World:
    """A deal brought to `stage` by the rules. With `ready`, the guard of the next forward
    stage also holds (both accepted / contract recorded / registration on file / fully paid)
    — the latter two written directly, since the services move the deal on by themselves.
    A `requested` deal is a request on an anonymous demand; `ready`, the firm's acceptance is
    written directly (accepting through the service introduces it at once)."""
    if stage == Stage.REQUESTED:
        w = open_world(db, anonymous=True, visibility=visibility)
        if ready:
            w.deal.demand_acceptance = Acceptance.ACCEPTED
            db.flush()
        w.deal = reload(db, w.id)
        return w
    w = open_world(db, anonymous=anonymous, visibility=visibility)
    if w.deal.stage == Stage.REQUESTED:
        accept_request(db, w)
    if stage in (Stage.LOST, Stage.CANCELLED):
        move(db, w, stage, "测试：项目终止")
        return w
    path = [Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.PAID, Stage.CLOSED]
    target = path.index(stage) + 1 if stage in path else 0
    if target >= 1 or ready:
        accept_both(db, w)
    for step in path[:target]:
        if step == Stage.NEGOTIATING:
            move(db, w, step)
        elif step == Stage.SIGNED:
            record_contract(db, w, type_=type_, amount=amount)
            move(db, w, step)
        elif step == Stage.REGISTERED:
            register(db, w)
        elif step == Stage.PAID:
            pay(db, w, amount)
        else:
            move(db, w, step)
    if ready:
        deal = reload(db, w.id)
        if stage == Stage.NEGOTIATING:
            record_contract(db, w, type_=type_, amount=amount)
        elif stage == Stage.SIGNED and deal.contract is not None:
            deal.contract.registration_no = new_registration_no()
            deal.contract.registered_on = days_ago(10)
            deal.contract.technology_amount = amount
        elif stage == Stage.REGISTERED and deal.contract is not None:
            db.add(Payment(contract_id=deal.contract.id, paid_on=days_ago(5), amount=amount,
                           bank_reference="BANK-READY", invoice_reference="ready",
                           counted=True, recorded_by_id=w.lead.id))
        db.flush()
        if deal.contract is not None:
            confirm_all(db, w)
    w.deal = reload(db, w.id)
    assert w.deal.stage == stage, (w.deal.stage, stage)
    return w


def reload_contract(w: World) -> Contract:
    contract = w.deal.contract
    assert contract is not None
    return contract
