"""Each integrity rule on its own: a case that raises it and one that does not, with the exact
severity, blocking and evidence."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from backend.integrity.context import (
    BrokerInfo,
    ClaimContext,
    ClaimInfo,
    ComparableStats,
    ContextMismatch,
    ContractInfo,
    DishonestyEntry,
    Flag,
    HolderKind,
    Party,
    PaymentInfo,
    RuleSettings,
    Severity,
    Shareholder,
    SubjectKind,
)
from backend.integrity.rules import RULES, run_rules
from backend.rewards.calculation import Bracket
from backend.rewards.sides import ClaimSide

D = Decimal
TODAY = date(2026, 6, 30)
BUYER, SELLER, AGENCY, BROKER = 1, 2, 50, 100


# ---------------------------------------------------------------------------------------------
# Builders

def credit_code(org_id: int) -> str:
    return f"91350100MA{org_id:08d}"


def party(org_id: int, **changes: Any) -> Party:
    base = Party(
        org_id=org_id, credit_code=credit_code(org_id), legal_rep=f"p{org_id}-rep",
        shareholders=(Shareholder(f"p{org_id}-owner", D(60)),), officers=(f"p{org_id}-ceo",),
        address=f"addr-{org_id}", phone=f"tel-{org_id}", email_domain=f"org{org_id}.cn",
        bank_account=f"bank-{org_id}", name=f"测试机构{org_id}")
    return replace(base, **changes)


def broker(**changes: Any) -> BrokerInfo:
    return replace(BrokerInfo(user_id=BROKER, person="p-broker", employer_org_id=AGENCY,
                              phone="tel-broker", address="addr-broker",
                              bank_account="bank-broker"), **changes)


def payment(id: int, amount: int | str, paid_on: date, counted: bool = True) -> PaymentInfo:
    return PaymentInfo(id=id, amount=D(amount), paid_on=paid_on, counted=counted)


def contract(id: int = 10, **changes: Any) -> ContractInfo:
    base = ContractInfo(
        id=id, deal_id=id + 10, buyer_org_id=BUYER, seller_org_id=SELLER, type="transfer",
        field="advanced-materials", amount=D(800_000), signed_on=date(2026, 3, 1),
        deal_opened_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC), technology_amount=D(800_000),
        registered_on=date(2026, 3, 10), registration_no=f"2026350100{id:06d}",
        payments=(payment(1, 800_000, date(2026, 4, 1)),))
    return replace(base, **changes)


def claim(id: int = 1000, **changes: Any) -> ClaimInfo:
    base = ClaimInfo(id=id, contract_id=10, broker_user_id=BROKER, share_percent=D(100),
                     base_amount=D(800_000), submitted_at=datetime(2026, 5, 1, 2, 0, tzinfo=UTC),
                     ip="203.0.113.10", device_id="device-a")
    return replace(base, **changes)


def other_claim(id: int, **changes: Any) -> ClaimInfo:
    """A claim by another broker from another address and device."""
    fields: dict[str, Any] = {"broker_user_id": 101, "share_percent": D(0),
                              "ip": "198.51.100.7", "device_id": "device-z"}
    fields.update(changes)
    return claim(id, **fields)


def context(**changes: Any) -> ClaimContext:
    fields: dict[str, Any] = {
        "claim": claim(), "contract": contract(), "buyer": party(BUYER),
        "seller": party(SELLER), "broker": broker(), "broker_employer": party(AGENCY),
        "today": TODAY}
    fields.update(changes)
    return ClaimContext(**fields)


def flags(rule: str, ctx: ClaimContext) -> list[Flag]:
    return RULES[rule](ctx)


def only(rule: str, ctx: ClaimContext) -> Flag:
    raised = flags(rule, ctx)
    assert len(raised) == 1, raised
    return raised[0]


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f")


def test_a_clean_claim_raises_nothing() -> None:
    assert run_rules(context()) == []


def test_rules_in_order() -> None:
    assert list(RULES) == ["related_party", "same_submitter", "dishonesty_list",
                           "duplicate_claim", "contract_splitting", "round_trip",
                           "unbacked_amount", "payment_evidence", "timeline", "amount_outlier",
                           "unconfirmed_evidence", "registry_mismatch",
                           "share_change_after_claim"]


# ---------------------------------------------------------------------------------------------
# related_party: buyer and seller

def buyer_seller(*links: dict[str, Any]) -> dict[str, Any]:
    return {"between": ["buyer", "seller"], "parties": {"buyer": BUYER, "seller": SELLER},
            "links": list(links)}


def test_related_same_legal_representative() -> None:
    flag = only("related_party", context(seller=party(SELLER, legal_rep="p1-rep")))
    assert (flag.rule, flag.severity, flag.blocking) == ("related_party", Severity.CRITICAL, False)
    assert flag.evidence == buyer_seller({"attribute": "legal_representative", "key": "p1-rep"})
    assert flag.message_zh == "买方与卖方存在关联关系：法定代表人相同。"
    assert flag.message_en == "Buyer and seller are related: same legal representative."


def test_related_common_officer() -> None:
    flag = only("related_party", context(seller=party(SELLER, officers=("p2-ceo", "p1-ceo"))))
    assert (flag.severity, flag.blocking) == (Severity.CRITICAL, False)
    assert flag.evidence == buyer_seller({"attribute": "officer", "key": "p1-ceo"})


@pytest.mark.parametrize("side", ["buyer", "seller"])
@pytest.mark.parametrize(("percent", "related"), [(D("24.99"), False), (D(25), True),
                                                   (D("25.00"), True)])
def test_related_common_shareholder_at_25_percent(side: str, percent: Decimal,
                                                  related: bool) -> None:
    held = {"buyer": D(60), "seller": D(60), side: percent}
    buyer = party(BUYER, shareholders=(Shareholder("p-owner", held["buyer"]),
                                       Shareholder("p1-other", D(40))))
    seller = party(SELLER, shareholders=(Shareholder("p2-other", D(40)),
                                         Shareholder("p-owner", held["seller"])))
    raised = flags("related_party", context(buyer=buyer, seller=seller))
    if not related:
        assert raised == []
        return
    assert len(raised) == 1
    assert (raised[0].severity, raised[0].blocking) == (Severity.CRITICAL, False)
    assert raised[0].evidence == buyer_seller(
        {"attribute": "shareholder", "key": "p-owner",
         "percent": {k: _pct(v) for k, v in held.items()}})


def test_related_shareholder_holdings_of_one_person_add_up() -> None:
    seller = party(SELLER, shareholders=(Shareholder("p1-owner", D(15)),
                                         Shareholder("p1-owner", D(10))))
    flag = only("related_party", context(seller=seller))
    assert flag.evidence == buyer_seller(
        {"attribute": "shareholder", "key": "p1-owner", "percent": {"buyer": "60", "seller": "25"}})


def test_related_one_person_in_different_roles() -> None:
    flag = only("related_party", context(seller=party(SELLER, officers=("p1-rep",))))
    assert flag.severity is Severity.CRITICAL
    assert flag.evidence == buyer_seller(
        {"attribute": "person", "key": "p1-rep",
         "roles": {"buyer": ["legal_representative"], "seller": ["officer"]}})


@pytest.mark.parametrize("side", ["buyer", "seller"])
@pytest.mark.parametrize(("percent", "related"), [(D("24.99"), False), (D(25), True)])
def test_related_common_corporate_shareholder_at_25_percent(side: str, percent: Decimal,
                                                            related: bool) -> None:
    parent = credit_code(900)
    held = {"buyer": D(40), "seller": D(40), side: percent}
    buyer = party(BUYER, shareholders=(Shareholder(parent, held["buyer"], HolderKind.ORG),))
    seller = party(SELLER, shareholders=(Shareholder(parent, held["seller"], HolderKind.ORG),))
    raised = flags("related_party", context(buyer=buyer, seller=seller))
    if not related:
        assert raised == []
        return
    assert [(f.severity, f.blocking) for f in raised] == [(Severity.CRITICAL, False)]
    assert raised[0].evidence == buyer_seller(
        {"attribute": "org_shareholder", "key": parent,
         "percent": {k: _pct(v) for k, v in held.items()}})


@pytest.mark.parametrize(("percent", "related"), [(D("24.99"), False), (D(25), True)])
def test_related_buyer_holds_25_percent_of_seller(percent: Decimal, related: bool) -> None:
    seller = party(SELLER, shareholders=(Shareholder(credit_code(BUYER), percent, HolderKind.ORG),))
    raised = flags("related_party", context(seller=seller))
    if not related:
        assert raised == []
        return
    assert [(f.severity, f.blocking) for f in raised] == [(Severity.CRITICAL, False)]
    assert raised[0].evidence == buyer_seller(
        {"attribute": "control", "key": credit_code(BUYER), "holder": "buyer", "held": "seller",
         "percent": "25"})


@pytest.mark.parametrize(("percent", "related"), [(D("24.99"), False), (D(25), True)])
def test_related_seller_holds_25_percent_of_the_buyer(percent: Decimal, related: bool) -> None:
    buyer = party(BUYER, shareholders=(Shareholder(credit_code(SELLER), percent, HolderKind.ORG),))
    raised = flags("related_party", context(buyer=buyer))
    if not related:
        assert raised == []
        return
    assert [(f.severity, f.blocking) for f in raised] == [(Severity.CRITICAL, False)]
    assert raised[0].evidence == buyer_seller(
        {"attribute": "control", "key": credit_code(SELLER), "holder": "seller", "held": "buyer",
         "percent": "25"})


def test_a_person_holder_is_not_an_org_holder_with_the_same_key() -> None:
    # A person key that happens to equal a credit code is still a person.
    seller = party(SELLER, shareholders=(Shareholder(credit_code(BUYER), D(90)),))
    assert flags("related_party", context(seller=seller)) == []


@pytest.mark.parametrize(("attribute", "severity"), [
    ("address", Severity.WARNING),
    ("phone", Severity.WARNING),
    ("email_domain", Severity.WARNING),
    ("bank_account", Severity.CRITICAL),
])
def test_related_shared_identifier(attribute: str, severity: Severity) -> None:
    shared = getattr(party(BUYER), attribute)
    flag = only("related_party", context(seller=party(SELLER, **{attribute: shared})))
    assert (flag.severity, flag.blocking) == (severity, False)
    assert flag.evidence == buyer_seller({"attribute": attribute, "key": shared})


def test_missing_identifiers_do_not_match_each_other() -> None:
    ctx = context(buyer=party(BUYER, bank_account=None, address=None),
                  seller=party(SELLER, bank_account=None, address=None))
    assert flags("related_party", ctx) == []


def test_public_email_domains_are_not_a_link() -> None:
    ctx = context(buyer=party(BUYER, email_domain="qq.com"),
                  seller=party(SELLER, email_domain="qq.com"))
    assert flags("related_party", ctx) == []
    strict = RuleSettings(ignored_email_domains=frozenset())
    assert len(flags("related_party", replace(ctx, settings=strict))) == 1


def test_related_names_every_link_in_one_flag() -> None:
    seller = party(SELLER, legal_rep="p1-rep", address="addr-1", phone="tel-1")
    flag = only("related_party", context(seller=seller))
    assert flag.evidence == buyer_seller(
        {"attribute": "legal_representative", "key": "p1-rep"},
        {"attribute": "address", "key": "addr-1"},
        {"attribute": "phone", "key": "tel-1"})
    assert flag.message_zh == "买方与卖方存在关联关系：法定代表人相同、注册地址相同、联系电话相同。"
    assert flag.message_en == ("Buyer and seller are related: same legal representative; "
                               "same registered address; same phone.")


# ---------------------------------------------------------------------------------------------
# related_party: the broker and either side

def broker_and(side: str, org_id: int, *links: dict[str, Any]) -> dict[str, Any]:
    return {"between": ["broker", side], "parties": {"broker": BROKER, side: org_id},
            "links": list(links)}


def test_broker_employed_by_the_buyer() -> None:
    ctx = context(broker=broker(employer_org_id=BUYER), broker_employer=party(BUYER))
    flag = only("related_party", ctx)
    assert (flag.severity, flag.blocking) == (Severity.CRITICAL, False)
    assert flag.evidence == broker_and("buyer", BUYER,
                                       {"attribute": "employer", "key": BUYER, "via": "broker"})
    assert flag.message_zh == "经纪人与买方存在关联关系：经纪人受雇于该方。"
    assert flag.message_en == "The broker and buyer are related: the broker is employed by it."


def test_broker_is_the_sellers_legal_representative() -> None:
    flag = only("related_party", context(seller=party(SELLER, legal_rep="p-broker")))
    assert flag.severity is Severity.CRITICAL
    assert flag.evidence == broker_and(
        "seller", SELLER, {"attribute": "legal_representative", "key": "p-broker", "via": "broker"})
    assert flag.message_zh == "经纪人与卖方存在关联关系：经纪人是其法定代表人。"


def test_broker_is_an_officer_of_the_buyer() -> None:
    flag = only("related_party", context(buyer=party(BUYER, officers=("p1-ceo", "p-broker"))))
    assert flag.severity is Severity.CRITICAL
    assert flag.evidence == broker_and(
        "buyer", BUYER, {"attribute": "officer", "key": "p-broker", "via": "broker"})


def test_broker_holding_any_shares_of_a_party() -> None:
    seller = party(SELLER, shareholders=(Shareholder("p2-owner", D(95)),
                                         Shareholder("p-broker", D(5))))
    flag = only("related_party", context(seller=seller))
    assert flag.severity is Severity.CRITICAL
    assert flag.evidence == broker_and(
        "seller", SELLER,
        {"attribute": "shareholder", "key": "p-broker", "percent": "5", "via": "broker"})


def test_broker_shares_a_phone_with_the_buyer() -> None:
    flag = only("related_party", context(broker=broker(phone="tel-1")))
    assert (flag.severity, flag.blocking) == (Severity.WARNING, False)
    assert flag.evidence == broker_and("buyer", BUYER,
                                       {"attribute": "phone", "key": "tel-1", "via": "broker"})


def test_broker_paid_into_the_sellers_bank_account() -> None:
    flag = only("related_party", context(broker=broker(bank_account="bank-2")))
    assert flag.severity is Severity.CRITICAL
    assert flag.evidence == broker_and(
        "seller", SELLER, {"attribute": "bank_account", "key": "bank-2", "via": "broker"})


def test_brokers_agency_shares_an_address_with_the_buyer() -> None:
    flag = only("related_party", context(broker_employer=party(AGENCY, address="addr-1")))
    assert (flag.severity, flag.blocking) == (Severity.WARNING, False)
    assert flag.evidence == broker_and("buyer", BUYER,
                                       {"attribute": "address", "key": "addr-1", "via": "agency"})
    assert flag.message_zh == "经纪人与买方存在关联关系：所在机构注册地址相同。"
    assert flag.message_en == ("The broker and buyer are related: "
                               "its agency: same registered address.")


def test_brokers_agency_has_the_sellers_legal_representative() -> None:
    flag = only("related_party", context(broker_employer=party(AGENCY, legal_rep="p2-rep")))
    assert flag.severity is Severity.CRITICAL
    assert flag.evidence == broker_and(
        "seller", SELLER, {"attribute": "legal_representative", "key": "p2-rep", "via": "agency"})


def test_broker_without_person_or_agency_on_record() -> None:
    ctx = context(broker=broker(person=None, employer_org_id=None), broker_employer=None)
    assert flags("related_party", ctx) == []


# ---------------------------------------------------------------------------------------------
# same_submitter

def test_other_brokers_claim_from_another_device_and_address_is_fine() -> None:
    ctx = context(claim=claim(share_percent=D(50)),
                  other_claims=(other_claim(1001, share_percent=D(50)),))
    assert flags("same_submitter", ctx) == []


def test_other_broker_same_device_on_the_same_contract() -> None:
    ctx = context(other_claims=(other_claim(1001, device_id="device-a"),))
    flag = only("same_submitter", ctx)
    assert (flag.rule, flag.severity, flag.blocking) == ("same_submitter", Severity.WARNING, False)
    assert flag.evidence == {"claim_id": 1000, "matches": [
        {"claim_id": 1001, "contract_id": 10, "broker_user_id": 101, "reason": "other_broker",
         "matched": {"device_id": "device-a"}}]}


def test_other_broker_same_ip_only_is_info() -> None:
    ctx = context(other_claims=(other_claim(1001, ip="203.0.113.10"),))
    flag = only("same_submitter", ctx)
    assert (flag.severity, flag.blocking) == (Severity.INFO, False)
    assert flag.evidence == {"claim_id": 1000, "matches": [
        {"claim_id": 1001, "contract_id": 10, "broker_user_id": 101, "reason": "other_broker",
         "matched": {"ip": "203.0.113.10"}}]}


def test_two_brokers_claims_submitted_by_one_account() -> None:
    ctx = context(other_claims=(other_claim(1001, account_id=BROKER),))
    flag = only("same_submitter", ctx)
    assert flag.severity is Severity.WARNING
    assert flag.evidence["matches"] == [
        {"claim_id": 1001, "contract_id": 10, "broker_user_id": 101, "reason": "other_broker",
         "matched": {"account_id": BROKER}}]


def test_one_broker_claiming_for_both_sides() -> None:
    ctx = context(claim=claim(side=ClaimSide.BUYER),
                  other_claims=(claim(1001, side=ClaimSide.SELLER, ip="198.51.100.7",
                                      device_id="device-z"),))
    flag = only("same_submitter", ctx)
    assert flag.severity is Severity.WARNING
    assert flag.evidence == {"claim_id": 1000, "matches": [
        {"claim_id": 1001, "contract_id": 10, "broker_user_id": BROKER, "reason": "other_side",
         "matched": {"account_id": BROKER}}]}


def test_same_broker_same_side_is_not_a_submitter_match() -> None:
    ctx = context(claim=claim(side=ClaimSide.BUYER),
                  other_claims=(claim(1001, side=ClaimSide.BUYER),))
    assert flags("same_submitter", ctx) == []


def test_other_brokers_claim_elsewhere_from_this_device_within_the_window() -> None:
    elsewhere = other_claim(2001, contract_id=77, device_id="device-a",
                            submitted_at=datetime(2026, 3, 1, tzinfo=UTC))
    flag = only("same_submitter", context(same_origin_claims=(elsewhere,)))
    assert flag.evidence == {"claim_id": 1000, "matches": [
        {"claim_id": 2001, "contract_id": 77, "broker_user_id": 101, "reason": "other_broker",
         "matched": {"device_id": "device-a"}}]}


def test_other_brokers_claim_elsewhere_outside_the_window() -> None:
    elsewhere = other_claim(2001, contract_id=77, device_id="device-a",
                            submitted_at=datetime(2025, 12, 1, tzinfo=UTC))
    assert flags("same_submitter", context(same_origin_claims=(elsewhere,))) == []


def test_own_claims_elsewhere_from_the_same_device_are_normal() -> None:
    elsewhere = claim(2001, contract_id=77)
    assert flags("same_submitter", context(same_origin_claims=(elsewhere,))) == []


def test_brokers_known_addresses_count() -> None:
    ctx = context(broker=broker(known_ips=frozenset({"192.0.2.44"})),
                  same_origin_claims=(other_claim(2001, contract_id=77, ip="192.0.2.44"),))
    flag = only("same_submitter", ctx)
    assert flag.severity is Severity.INFO
    assert flag.evidence["matches"] == [
        {"claim_id": 2001, "contract_id": 77, "broker_user_id": 101, "reason": "other_broker",
         "matched": {"ip": "192.0.2.44"}}]


# ---------------------------------------------------------------------------------------------
# dishonesty_list

def listed(kind: SubjectKind, key: int | str, until: date = TODAY, entry_id: int = 7
           ) -> DishonestyEntry:
    return DishonestyEntry(subject=kind, key=key, listed_until=until, entry_id=entry_id)


@pytest.mark.parametrize(("entry", "subject", "zh"), [
    (listed(SubjectKind.ORG, credit_code(BUYER)), "buyer", "买方"),
    (listed(SubjectKind.ORG, credit_code(SELLER)), "seller", "卖方"),
    (listed(SubjectKind.BROKER, BROKER), "broker", "经纪人"),
    (listed(SubjectKind.PERSON, "p-broker"), "broker", "经纪人"),
])
def test_listed_party_or_broker_blocks(entry: DishonestyEntry, subject: str, zh: str) -> None:
    flag = only("dishonesty_list", context(dishonesty=(entry,)))
    assert (flag.rule, flag.severity, flag.blocking) == ("dishonesty_list", Severity.CRITICAL, True)
    assert flag.evidence == {"subject": subject, "kind": entry.subject.value, "key": entry.key,
                             "listed_until": "2026-06-30", "entry_id": 7}
    assert flag.message_zh == f"{zh}在严重失信名单上（至2026-06-30），不得申报奖补。"


def test_expired_listing_is_ignored() -> None:
    entry = listed(SubjectKind.ORG, credit_code(BUYER), until=date(2026, 6, 29))
    assert flags("dishonesty_list", context(dishonesty=(entry,))) == []


def test_listing_of_someone_else_is_ignored() -> None:
    entries = (listed(SubjectKind.ORG, credit_code(999)), listed(SubjectKind.BROKER, 101),
               listed(SubjectKind.PERSON, credit_code(BUYER)))  # a person key is not an org
    assert flags("dishonesty_list", context(dishonesty=entries)) == []


def test_listed_legal_representative_or_agency_warns() -> None:
    entries = (listed(SubjectKind.PERSON, "p2-rep", entry_id=8),
               listed(SubjectKind.ORG, credit_code(AGENCY), entry_id=9))
    raised = flags("dishonesty_list", context(dishonesty=entries))
    assert [(f.severity, f.blocking, f.evidence) for f in raised] == [
        (Severity.WARNING, False, {"subject": "seller_legal_representative", "kind": "person",
                                   "key": "p2-rep", "listed_until": "2026-06-30",
                                   "entry_id": 8}),
        (Severity.WARNING, False, {"subject": "broker_agency", "kind": "org",
                                   "key": credit_code(AGENCY), "listed_until": "2026-06-30",
                                   "entry_id": 9}),
    ]


# ---------------------------------------------------------------------------------------------
# duplicate_claim

def test_same_broker_claims_the_contract_twice() -> None:
    ctx = context(claim=claim(share_percent=D(50)),
                  other_claims=(claim(1001, share_percent=D(50)),))
    flag = only("duplicate_claim", ctx)
    assert (flag.rule, flag.severity, flag.blocking) == ("duplicate_claim", Severity.CRITICAL, False)
    assert flag.evidence == {"contract_id": 10, "broker_user_id": BROKER,
                             "claim_ids": [1000, 1001]}


def test_shares_over_100() -> None:
    ctx = context(claim=claim(share_percent=D(60)),
                  other_claims=(other_claim(1001, share_percent=D("40.01")),))
    flag = only("duplicate_claim", ctx)
    assert (flag.severity, flag.blocking) == (Severity.CRITICAL, False)
    assert flag.evidence == {"contract_id": 10, "total_share": "100.01", "claims": [
        {"claim_id": 1000, "broker_user_id": BROKER, "share": "60"},
        {"claim_id": 1001, "broker_user_id": 101, "share": "40.01"}]}
    assert flag.message_zh == "该合同全部申报的分配比例合计100.01%，超过100%。"


def test_shares_of_exactly_100_by_two_brokers_are_fine() -> None:
    ctx = context(claim=claim(share_percent=D(60)),
                  other_claims=(other_claim(1001, share_percent=D(40)),
                                claim(1002, contract_id=11, share_percent=D(100))))
    assert flags("duplicate_claim", ctx) == []


# ---------------------------------------------------------------------------------------------
# contract_splitting

def test_two_contracts_under_the_boundary_together_over_it() -> None:
    earlier = contract(11, amount=D(600_000), signed_on=date(2026, 1, 20))
    flag = only("contract_splitting", context(pair_contracts=(earlier,)))
    assert (flag.rule, flag.severity, flag.blocking) == ("contract_splitting", Severity.WARNING,
                                                         False)
    assert flag.evidence == {"boundary": "1000000.00", "window_days": 90, "total": "1400000.00",
                             "contracts": [
                                 {"contract_id": 11, "amount": "600000.00",
                                  "signed_on": "2026-01-20"},
                                 {"contract_id": 10, "amount": "800000.00",
                                  "signed_on": "2026-03-01"}]}
    assert flag.message_zh == ("同一买卖双方在90天内签订2份合同，每份不超过1,000,000.00元，"
                               "合计1,400,000.00元，疑似拆分合同。")


def test_a_contract_exactly_at_the_boundary_counts_as_under_it() -> None:
    ctx = context(contract=contract(amount=D(1_000_000)),
                  pair_contracts=(contract(11, amount=D("0.01"), signed_on=date(2026, 3, 2)),))
    assert only("contract_splitting", ctx).evidence["total"] == "1000000.01"


@pytest.mark.parametrize(("signed_on", "split"), [
    (date(2025, 12, 1), True), (date(2025, 11, 30), False),   # 90 and 91 days earlier
    (date(2026, 5, 30), True), (date(2026, 5, 31), False),    # 90 and 91 days later
])
def test_splitting_window_is_inclusive(signed_on: date, split: bool) -> None:
    ctx = context(pair_contracts=(contract(11, amount=D(600_000), signed_on=signed_on),))
    assert len(flags("contract_splitting", ctx)) == (1 if split else 0)


@pytest.mark.parametrize("other", [
    contract(11, amount=D(600_000), signed_on=date(2025, 11, 30)),   # 91 days earlier
    contract(11, amount=D(150_000), signed_on=date(2026, 2, 1)),     # together not over
    contract(11, amount=D(1_200_000), signed_on=date(2026, 2, 1)),   # itself over
    contract(11, amount=D(600_000), signed_on=date(2026, 2, 1),      # the reverse direction
             buyer_org_id=SELLER, seller_org_id=BUYER),
    contract(11, amount=D(600_000), signed_on=date(2026, 2, 1), seller_org_id=3),  # other pair
])
def test_no_splitting(other: ContractInfo) -> None:
    assert flags("contract_splitting", context(pair_contracts=(other,))) == []


def test_splitting_checks_every_boundary_of_the_policy() -> None:
    brackets = (Bracket(D(500_000), D("0.02")), Bracket(D(1_000_000), D("0.015")),
                Bracket(None, D("0.01")))
    ctx = context(contract=contract(amount=D(450_000)), brackets=brackets,
                  pair_contracts=(contract(11, amount=D(400_000), signed_on=date(2026, 2, 1)),))
    assert [f.evidence["boundary"] for f in flags("contract_splitting", ctx)] == ["500000.00"]
    settings = RuleSettings(window_days=10)
    assert flags("contract_splitting", replace(ctx, settings=settings)) == []


# ---------------------------------------------------------------------------------------------
# round_trip

def test_seller_bought_from_the_buyer_within_the_window() -> None:
    back = contract(12, buyer_org_id=SELLER, seller_org_id=BUYER, amount=D(750_000),
                    signed_on=date(2026, 4, 15))
    flag = only("round_trip", context(reversed_pair_contracts=(back,)))
    assert (flag.rule, flag.severity, flag.blocking) == ("round_trip", Severity.WARNING, False)
    assert flag.evidence == {"contract_id": 10, "window_days": 90, "reverse_contracts": [
        {"contract_id": 12, "amount": "750000.00", "signed_on": "2026-04-15"}]}


def test_round_trip_window_is_inclusive() -> None:
    back = contract(12, buyer_org_id=SELLER, seller_org_id=BUYER, signed_on=date(2025, 12, 1))
    assert len(flags("round_trip", context(reversed_pair_contracts=(back,)))) == 1


@pytest.mark.parametrize("other", [
    contract(12, buyer_org_id=SELLER, seller_org_id=BUYER, signed_on=date(2026, 5, 31)),  # 91 d
    contract(12, signed_on=date(2026, 4, 15)),  # same direction
    contract(12, buyer_org_id=SELLER, seller_org_id=3, signed_on=date(2026, 4, 15)),
])
def test_no_round_trip(other: ContractInfo) -> None:
    assert flags("round_trip", context(reversed_pair_contracts=(other,))) == []


# ---------------------------------------------------------------------------------------------
# unbacked_amount

def test_received_less_than_the_base() -> None:
    pays = (payment(1, 500_000, date(2026, 4, 1)), payment(2, 200_000, date(2026, 4, 2),
                                                           counted=False))
    flag = only("unbacked_amount", context(contract=contract(payments=pays)))
    assert (flag.rule, flag.severity, flag.blocking) == ("unbacked_amount", Severity.WARNING, False)
    assert flag.evidence == {"contract_id": 10, "contract_amount": "800000.00",
                             "base_amount": "800000.00", "received_amount": "500000.00",
                             "uncounted_amount": "200000.00", "shortfall": "300000.00"}
    assert flag.message_zh == ("已到账金额500,000.00元低于申报基数800,000.00元，"
                               "差额300,000.00元。")


def test_nothing_received_is_critical() -> None:
    flag = only("unbacked_amount", context(contract=contract(payments=())))
    assert (flag.severity, flag.blocking) == (Severity.CRITICAL, False)
    assert flag.evidence["received_amount"] == "0.00"


def test_received_covers_the_base() -> None:
    ctx = context(claim=claim(base_amount=D(500_000)),
                  contract=contract(payments=(payment(1, 300_000, date(2026, 4, 1)),
                                              payment(2, 200_000, date(2026, 4, 9)))))
    assert flags("unbacked_amount", ctx) == []


# ---------------------------------------------------------------------------------------------
# payment_evidence

def test_a_payment_whose_invoice_does_not_name_the_contract() -> None:
    pays = (payment(1, 800_000, date(2026, 4, 1)),
            replace(payment(2, 50_000, date(2026, 4, 3), counted=False),
                    bank_reference="BK-77", invoice_reference="发票：另一份合同"))
    flag = only("payment_evidence", context(contract=contract(payments=pays)))
    assert (flag.rule, flag.severity, flag.blocking) == ("payment_evidence", Severity.INFO, False)
    assert flag.evidence == {
        "contract_id": 10, "registration_no": "2026350100000010", "uncounted_amount": "50000.00",
        "payments": [{"payment_id": 2, "paid_on": "2026-04-03", "amount": "50000.00",
                      "bank_reference": "BK-77", "invoice_reference": "发票：另一份合同"}]}
    assert flag.message_zh == "有1笔到账（合计50,000.00元）的发票未注明本合同，未计入到账金额。"


def test_payments_that_all_name_the_contract_raise_nothing() -> None:
    assert flags("payment_evidence", context()) == []


# ---------------------------------------------------------------------------------------------
# timeline

def test_signed_before_the_deal_was_opened() -> None:
    # Opened 2026-03-01 01:00 in China (2026-02-28 17:00 UTC); signed the day before.
    ctx = context(contract=contract(signed_on=date(2026, 2, 28),
                                    deal_opened_at=datetime(2026, 2, 28, 17, 0, tzinfo=UTC)))
    flag = only("timeline", ctx)
    assert (flag.rule, flag.severity, flag.blocking) == ("timeline", Severity.WARNING, False)
    assert flag.evidence == {"check": "signed_before_deal", "contract_id": 10, "deal_id": 20,
                             "signed_on": "2026-02-28", "deal_opened_on": "2026-03-01"}


def test_signed_on_the_day_the_deal_opened_in_china() -> None:
    ctx = context(contract=contract(signed_on=date(2026, 3, 1),
                                    deal_opened_at=datetime(2026, 2, 28, 17, 0, tzinfo=UTC)))
    assert flags("timeline", ctx) == []


def test_registered_before_signed() -> None:
    flag = only("timeline", context(contract=contract(registered_on=date(2026, 2, 27))))
    assert (flag.severity, flag.blocking) == (Severity.CRITICAL, False)
    assert flag.evidence == {"check": "registered_before_signed", "contract_id": 10,
                             "signed_on": "2026-03-01", "registered_on": "2026-02-27"}


def test_paid_before_signed() -> None:
    pays = (payment(1, 100_000, date(2026, 2, 20)), payment(2, 700_000, date(2026, 4, 1)))
    flag = only("timeline", context(contract=contract(payments=pays)))
    assert (flag.severity, flag.blocking) == (Severity.WARNING, False)
    assert flag.evidence == {"check": "paid_before_signed", "contract_id": 10,
                             "signed_on": "2026-03-01", "payments": [
                                 {"payment_id": 1, "paid_on": "2026-02-20",
                                  "amount": "100000.00"}]}


def test_dates_in_the_future() -> None:
    ctx = context(contract=contract(registered_on=date(2026, 7, 2),
                                    payments=(payment(3, 800_000, date(2026, 7, 1)),)),
                  claim=claim(submitted_at=datetime(2026, 6, 30, 16, 30, tzinfo=UTC)))
    flag = only("timeline", ctx)
    assert (flag.severity, flag.blocking) == (Severity.CRITICAL, False)
    assert flag.evidence == {"check": "future_date", "contract_id": 10, "today": "2026-06-30",
                             "dates": {"registered_on": "2026-07-02",
                                       "claim_submitted_on": "2026-07-01"},
                             "payments": [{"payment_id": 3, "paid_on": "2026-07-01"}]}


def test_everything_on_one_day_is_consistent() -> None:
    day = date(2026, 6, 30)
    ctx = context(contract=contract(signed_on=day, registered_on=day,
                                    deal_opened_at=datetime(2026, 6, 29, 16, 0, tzinfo=UTC),
                                    payments=(payment(1, 800_000, day),)),
                  claim=claim(submitted_at=datetime(2026, 6, 30, 15, 59, tzinfo=UTC)))
    assert flags("timeline", ctx) == []


# ---------------------------------------------------------------------------------------------
# amount_outlier

COMPARABLE_AMOUNTS = [D(400_000 + 10_000 * i) for i in range(20)]   # 400,000 … 590,000


def comparables(amounts: list[Decimal] = COMPARABLE_AMOUNTS) -> ComparableStats:
    stats = ComparableStats.from_amounts(amounts)
    assert stats is not None
    return stats


def robust_z(amount: float, amounts: list[Decimal]) -> float:
    """An independent float computation, to check the rule's decimal one."""
    logs = sorted(math.log(float(a)) for a in amounts)
    n = len(logs)
    median = (logs[n // 2 - 1] + logs[n // 2]) / 2 if n % 2 == 0 else logs[n // 2]
    deviations = sorted(abs(v - median) for v in logs)
    mad = (deviations[n // 2 - 1] + deviations[n // 2]) / 2 if n % 2 == 0 else deviations[n // 2]
    return (math.log(amount) - median) / (1.4826 * mad)


def test_amount_far_above_comparable_deals() -> None:
    ctx = context(contract=contract(amount=D(5_000_000)), comparables=comparables())
    flag = only("amount_outlier", ctx)
    assert (flag.rule, flag.severity, flag.blocking) == ("amount_outlier", Severity.WARNING, False)
    assert flag.evidence == {"contract_id": 10, "type": "transfer", "field": "advanced-materials",
                             "amount": "5000000.00", "comparables": 20,
                             "median_amount": "494974.75", "robust_z": "15.55",
                             "threshold": "3.5", "direction": "above"}
    assert float(str(flag.evidence["robust_z"])) == pytest.approx(
        robust_z(5_000_000, COMPARABLE_AMOUNTS), abs=0.005)


def test_amount_far_below_comparable_deals() -> None:
    flag = only("amount_outlier", context(contract=contract(amount=D(50_000)),
                                          comparables=comparables()))
    assert flag.evidence["direction"] == "below"
    assert float(str(flag.evidence["robust_z"])) == pytest.approx(
        robust_z(50_000, COMPARABLE_AMOUNTS), abs=0.005)


def test_amount_within_the_spread() -> None:
    assert flags("amount_outlier", context(comparables=comparables())) == []


def test_too_few_comparables() -> None:
    ctx = context(contract=contract(amount=D(5_000_000)),
                  comparables=comparables(COMPARABLE_AMOUNTS[:19]))
    assert flags("amount_outlier", ctx) == []
    assert flags("amount_outlier", replace(ctx, comparables=None)) == []


def test_zero_mad_falls_back_to_the_mean_deviation() -> None:
    amounts = [D(500_000)] * 15 + [D(520_000)] * 5
    stats = comparables(amounts)
    assert stats.mad_log == 0
    assert only("amount_outlier", context(contract=contract(amount=D(5_000_000)),
                                          comparables=stats)).evidence["direction"] == "above"
    assert flags("amount_outlier", context(contract=contract(amount=D(510_000)),
                                           comparables=stats)) == []


def test_no_spread_at_all_raises_nothing() -> None:
    stats = comparables([D(500_000)] * 25)
    assert flags("amount_outlier", context(contract=contract(amount=D(5_000_000)),
                                           comparables=stats)) == []


def test_outlier_threshold_is_a_setting() -> None:
    ctx = context(contract=contract(amount=D(800_000)), comparables=comparables())
    assert flags("amount_outlier", ctx) == []   # robust z 3.23
    loose = replace(ctx, settings=RuleSettings(outlier_threshold=D(2)))
    assert only("amount_outlier", loose).evidence["threshold"] == "2"


# ---------------------------------------------------------------------------------------------
# run_rules and the context

def test_run_rules_concatenates_in_rule_order() -> None:
    ctx = context(seller=party(SELLER, legal_rep="p1-rep"),
                  dishonesty=(listed(SubjectKind.BROKER, BROKER),),
                  contract=contract(payments=()))
    assert [(f.rule, f.severity, f.blocking) for f in run_rules(ctx)] == [
        ("related_party", Severity.CRITICAL, False),
        ("dishonesty_list", Severity.CRITICAL, True),
        ("unbacked_amount", Severity.CRITICAL, False),
    ]
    assert run_rules(ctx, {"unbacked_amount": RULES["unbacked_amount"]}) == [
        f for f in run_rules(ctx) if f.rule == "unbacked_amount"]


@pytest.mark.parametrize("changes", [
    {"claim": claim(contract_id=11)},
    {"buyer": party(3)},
    {"seller": party(BUYER)},
    {"broker": broker(user_id=101)},
    {"broker_employer": party(51)},
])
def test_context_pieces_must_belong_together(changes: dict[str, Any]) -> None:
    with pytest.raises(ContextMismatch):
        context(**changes)


# ---------------------------------------------------------------------------------------------
# unconfirmed_evidence, registry_mismatch, share_change_after_claim

def test_a_contract_version_awaiting_the_parties_is_critical() -> None:
    ctx = context(contract=contract(evidence_status="declared", evidence_version=2,
                                    confirmed_version=1, declared_amount=D(8_000_000)))
    flag = only("unconfirmed_evidence", ctx)
    assert (flag.severity, flag.evidence["evidence_version"], flag.evidence["confirmed_version"],
            flag.evidence["declared_amount"], flag.evidence["confirmed_amount"]) == (
        Severity.CRITICAL, 2, 1, "8000000.00", "800000.00")


def test_a_disputed_contract_never_confirmed_names_no_confirmed_amount() -> None:
    flag = only("unconfirmed_evidence", context(contract=contract(
        evidence_status="disputed", confirmed_version=None)))
    assert (flag.severity, flag.evidence["confirmed_amount"]) == (Severity.CRITICAL, None)
    assert flag.message_en == "A party disputes the contract's terms."


@pytest.mark.parametrize(("disputed", "severity"), [(False, Severity.WARNING),
                                                    (True, Severity.CRITICAL)])
def test_unconfirmed_payments_are_flagged_and_not_received(disputed: bool,
                                                           severity: Severity) -> None:
    pending = PaymentInfo(id=2, amount=D(100_000), paid_on=date(2026, 4, 2), confirmed=False,
                          disputed=disputed)
    c = contract(payments=(payment(1, 700_000, date(2026, 4, 1)), pending))
    assert c.paid_amount == D(700_000)
    flag = only("unconfirmed_evidence", context(contract=c))
    assert (flag.severity, flag.evidence["payments"]) == (severity, [
        {"payment_id": 2, "amount": "100000.00", "disputed": disputed}])


@pytest.mark.parametrize(("status", "issues", "severity", "check"), [
    ("mismatch", ("amount", "date"), Severity.CRITICAL, "mismatch"),
    ("cancelled", ("cancelled",), Severity.CRITICAL, "cancelled"),
    ("unchecked", (), Severity.INFO, "missing"),
])
def test_the_registry_disagreeing_is_flagged(status: str, issues: tuple[str, ...],
                                             severity: Severity, check: str) -> None:
    flag = only("registry_mismatch", context(contract=contract(registry_status=status,
                                                               registry_issues=issues)))
    assert (flag.severity, flag.evidence["check"]) == (severity, check)
    if status == "mismatch":
        assert flag.evidence["issues"] == ["amount", "date"]
        assert flag.message_zh == "登记机构的数据与合同不符：成交金额、登记日期。"


def test_shares_changed_after_the_first_claim() -> None:
    first = other_claim(999, submitted_at=datetime(2026, 4, 20, tzinfo=UTC), share_percent=D(40))
    c = contract(shares=((BROKER, D(60)), (101, D(40))),
                 shares_changed_at=datetime(2026, 4, 25, tzinfo=UTC))
    flag = only("share_change_after_claim", context(
        contract=c, claim=claim(share_percent=D(60)), other_claims=(first,)))
    assert (flag.evidence["first_claim_at"], flag.evidence["changed_at"]) == (
        "2026-04-20T00:00:00+00:00", "2026-04-25T00:00:00+00:00")
    assert "claimed_share" not in flag.evidence


def test_a_claims_share_that_is_not_the_brokers_share_now() -> None:
    c = contract(shares=((BROKER, D("0.01")), (101, D("99.99"))),
                 shares_changed_at=datetime(2026, 4, 1, tzinfo=UTC))  # before the claim
    flag = only("share_change_after_claim", context(contract=c))
    assert (flag.evidence["claimed_share"], flag.evidence["current_share"]) == ("100", "0.01")


def test_shares_set_before_the_claim_and_unchanged_are_fine() -> None:
    c = contract(shares=((BROKER, D(100)),), shares_changed_at=datetime(2026, 4, 1, tzinfo=UTC))
    assert flags("share_change_after_claim", context(contract=c)) == []
