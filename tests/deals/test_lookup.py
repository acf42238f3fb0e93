"""The reads the rewards and integrity domains use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.core.errors import NotFound
from backend.deals import brokers, lookup
from backend.deals.models import BrokerRole, ContractType, Stage
from tests.builders import accounts as b
from tests.builders import deals as d


def test_contract_for_claim_summarises_a_paid_contract(db: Session) -> None:
    w = d.deal_at(db, Stage.REGISTERED, type_=ContractType.TRANSFER)
    helper = d.with_profile(db, b.make_broker(db))
    brokers.invite(db, d.actor(w.lead), d.access(db, w.lead, w.id), helper.id,
                   {w.lead.id: Decimal("80.00"), helper.id: Decimal("20.00")})
    brokers.answer_invitation(db, d.actor(helper), d.access(db, helper, w.id), True)
    d.pay(db, w, Decimal("1000.00"), invoice="货款")  # not counted
    d.pay(db, w, Decimal("100000.00"))
    d.pay(db, w, Decimal("200000.00"))
    s = lookup.contract_for_claim(db, w.id)
    contract = d.reload(db, w.id).contract
    assert contract is not None
    assert (s.contract_id, s.deal_id, s.type, s.amount, s.technology_amount) == (
        contract.id, w.id, ContractType.TRANSFER, d.AMOUNT, d.AMOUNT)
    assert (s.signed_on, s.registration_no, s.registered_on) == (
        contract.signed_on, contract.registration_no, contract.registered_on)
    assert (s.buyer_org_id, s.seller_org_id) == (w.deal.demand_org_id, w.deal.achievement_org_id)
    assert s.received_amount == Decimal("300000.00")
    assert [p.amount for p in s.uncounted_payments] == [Decimal("1000.00")]
    assert len(s.payments) == 3
    assert s.deal_stage == Stage.PAID
    assert s.deal_opened_at == w.deal.opened_at
    assert [(x.broker_id, x.role, x.share) for x in s.brokers] == [
        (w.lead.id, BrokerRole.LEAD, Decimal("80.00")),
        (helper.id, BrokerRole.INVITED, Decimal("20.00"))]
    assert sum((x.share for x in s.brokers), Decimal(0)) == Decimal("100.00")
    assert audit.verify(db).ok  # every step went through the hash-chained audit log


def test_contract_for_claim_without_a_contract_or_a_deal_is_not_found(db: Session) -> None:
    w = d.deal_at(db, Stage.NEGOTIATING)
    with pytest.raises(NotFound):
        lookup.contract_for_claim(db, w.id)
    with pytest.raises(NotFound):
        lookup.contract_for_claim(db, 999_999)


def test_deal_is_visible(db: Session) -> None:
    w = d.open_world(db)
    for user in (w.lead, w.firm, w.institute, b.make_admin(db)):
        assert lookup.deal_is_visible(db, d.with_profile(db, user), w.id) is True
    for user in (b.make_broker(db), b.make_firm_user(db)):
        assert lookup.deal_is_visible(db, d.with_profile(db, user), w.id) is False
    assert lookup.deal_is_visible(db, d.with_profile(db, w.lead), 999_999) is False
