"""The batch path: contexts built from the prebuilt indexes raise exactly the flags that
contexts built by hand (or by brute force over everything) raise."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from backend.integrity.context import (
    BrokerInfo,
    ClaimContext,
    ClaimInfo,
    ComparableStats,
    ContractInfo,
    DishonestyEntry,
    Party,
    PaymentInfo,
    RuleSettings,
    Severity,
    Shareholder,
    SubjectKind,
)
from backend.integrity.rules import RULES, run_rules
from backend.integrity.scan_index import MissingRecord, ScanIndex, scan
from backend.rewards.calculation import DEFAULT_BRACKETS, Bracket

D = Decimal
TODAY = date(2026, 6, 30)
TYPES = ("development", "transfer", "licensing", "consulting", "service")
FIELDS = ("materials", "energy", "biomedicine")


def credit_code(org_id: int) -> str:
    return f"91350100MA{org_id:08d}"


def party(org_id: int, **changes: Any) -> Party:
    base = Party(org_id=org_id, credit_code=credit_code(org_id), legal_rep=f"p{org_id}",
                 officers=(f"p{org_id}-ceo",), shareholders=(Shareholder(f"p{org_id}-own", D(70)),),
                 address=f"addr-{org_id}", phone=f"tel-{org_id}", email_domain=f"o{org_id}.cn",
                 bank_account=f"bank-{org_id}")
    return replace(base, **changes)


class World:
    """A random but reproducible market in which every rule fires somewhere."""

    def __init__(self, seed: int, n_contracts: int = 300) -> None:
        rng = random.Random(seed)
        self._stats: dict[tuple[str, str], ComparableStats | None] = {}
        self.parties = [party(i, phone=f"tel-{rng.randint(1, 45)}" if i % 9 == 0 else f"tel-{i}",
                              legal_rep=f"p{rng.randint(1, 40)}" if i % 13 == 0 else f"p{i}")
                        for i in range(1, 41)]
        self.parties.append(party(90, address="addr-5"))  # an agency in the same building as 5
        self.brokers = [BrokerInfo(user_id=100 + b, person=f"broker-{b}",
                                   employer_org_id=90 if b % 2 else None,
                                   phone="tel-7" if b == 3 else None)
                        for b in range(12)]
        self.contracts: list[ContractInfo] = []
        self.claims: list[ClaimInfo] = []
        start = date(2025, 1, 1)
        claim_id = 5000
        for cid in range(1, n_contracts + 1):
            # A few busy pairs (splitting, round trips) among many random ones.
            if rng.random() < 0.3:
                buyer, seller = rng.choice([(1, 2), (2, 1), (3, 4), (5, 6)])
            else:
                buyer, seller = rng.sample(range(1, 41), 2)
            signed = start + timedelta(days=rng.randint(0, 540))
            amount = D(rng.choice([rng.randint(50, 990) * 1000,
                                   int(rng.lognormvariate(13, 0.6)),
                                   rng.randint(1, 3) * 1_000_000]))
            if rng.random() < 0.02:
                amount = D(rng.choice([500, 900_000_000]))
            paid = amount if rng.random() < 0.8 else (amount * D("0.5")).quantize(D("0.01"))
            pays = (PaymentInfo(cid, paid, signed + timedelta(days=rng.randint(-5, 60)),
                                counted=rng.random() < 0.95),)
            opened = datetime.combine(signed - timedelta(days=rng.randint(-3, 120)),
                                      datetime.min.time(), tzinfo=UTC)
            registered = signed + timedelta(days=rng.randint(-2, 40))
            contract = ContractInfo(
                id=cid, deal_id=10_000 + cid, buyer_org_id=buyer, seller_org_id=seller,
                type=rng.choice(TYPES[:2]), field=rng.choice(FIELDS[:2]), amount=amount,
                signed_on=signed, deal_opened_at=opened, technology_amount=amount,
                registered_on=registered, registration_no=f"R{cid}", payments=pays,
                # a few awaiting the parties, disagreeing with the registry, re-split late
                evidence_status="declared" if rng.random() < 0.03 else "confirmed",
                evidence_version=2,
                confirmed_version=2 if rng.random() < 0.97 else 1,
                registry_status=rng.choice(["mismatch", "unchecked"]) if rng.random() < 0.05
                else "verified", registry_issues=("amount",),
                shares_changed_at=(datetime.combine(signed + timedelta(days=200),
                                                    datetime.min.time(), tzinfo=UTC)
                                   if rng.random() < 0.03 else None))
            self.contracts.append(contract)
            brokers = rng.sample(self.brokers, rng.choice([1, 1, 1, 2]))
            shares = [D(100)] if len(brokers) == 1 else rng.choice(
                [[D(60), D(40)], [D(50), D(50)], [D(70), D(40)]])
            if rng.random() < 0.05:  # a second claim by the same broker
                brokers, shares = [brokers[0], brokers[0]], [D(100), D(100)]
            for broker, share in zip(brokers, shares, strict=True):
                claim_id += 1
                self.claims.append(ClaimInfo(
                    id=claim_id, contract_id=cid, broker_user_id=broker.user_id,
                    share_percent=share, base_amount=amount,
                    submitted_at=datetime.combine(registered + timedelta(days=rng.randint(1, 30)),
                                                  datetime.min.time(), tzinfo=UTC)
                    + timedelta(minutes=rng.randint(0, 1440)),
                    ip=f"10.0.{rng.randint(0, 3)}.{rng.randint(1, 99)}",
                    device_id=f"dev-{rng.randint(1, 600)}"))
        self.dishonesty = [
            DishonestyEntry(SubjectKind.ORG, credit_code(7), date(2027, 1, 1), entry_id=1),
            DishonestyEntry(SubjectKind.BROKER, 105, date(2026, 1, 1), entry_id=2),  # expired
            DishonestyEntry(SubjectKind.PERSON, "broker-4", date(2030, 1, 1), entry_id=3),
            DishonestyEntry(SubjectKind.PERSON, "p12", date(2030, 1, 1), entry_id=4),
            DishonestyEntry(SubjectKind.ORG, credit_code(90), date(2030, 1, 1), entry_id=5),
        ]

    def index(self) -> ScanIndex:
        return ScanIndex.build(contracts=self.contracts, parties=self.parties,
                               brokers=self.brokers, claims=self.claims,
                               dishonesty=self.dishonesty)

    def _comparables(self, type_: str, field: str) -> ComparableStats | None:
        if (type_, field) not in self._stats:
            self._stats[(type_, field)] = ComparableStats.from_amounts(
                c.amount for c in self.contracts if (c.type, c.field) == (type_, field))
        return self._stats[(type_, field)]

    def brute_force_context(self, claim: ClaimInfo, settings: RuleSettings,
                            brackets: tuple[Bracket, ...] = DEFAULT_BRACKETS) -> ClaimContext:
        """Everything that could matter, unfiltered: the rules do the filtering."""
        contract = next(c for c in self.contracts if c.id == claim.contract_id)
        parties = {p.org_id: p for p in self.parties}
        broker = next(b for b in self.brokers if b.user_id == claim.broker_user_id)
        return ClaimContext(
            claim=claim, contract=contract, buyer=parties[contract.buyer_org_id],
            seller=parties[contract.seller_org_id], broker=broker, today=TODAY,
            broker_employer=parties.get(broker.employer_org_id or -1),
            other_claims=tuple(c for c in self.claims
                               if c.contract_id == contract.id and c.id != claim.id),
            pair_contracts=tuple(c for c in self.contracts if c.id != contract.id),
            reversed_pair_contracts=tuple(self.contracts),
            comparables=self._comparables(contract.type, contract.field),
            same_origin_claims=tuple(c for c in self.claims if c.contract_id != contract.id),
            dishonesty=tuple(self.dishonesty),
            brackets=brackets, settings=settings)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indexed_contexts_raise_the_same_flags_as_brute_force(seed: int) -> None:
    world = World(seed)
    settings = RuleSettings(outlier_threshold=D(3))
    indexed = scan(world.index(), today=TODAY, settings=settings)
    expected = {c.id: run_rules(world.brute_force_context(c, settings)) for c in world.claims}
    assert indexed == expected
    # The comparison means something only if every rule fired somewhere.
    assert {f.rule for fs in indexed.values() for f in fs} == set(RULES)


def test_policy_brackets_per_contract() -> None:
    world = World(4, n_contracts=200)
    brackets = (Bracket(D(300_000), D("0.02")), Bracket(None, D("0.01")))
    settings = RuleSettings()
    indexed = scan(world.index(), today=TODAY, settings=settings,
                   brackets_for=lambda c: brackets)
    expected = {c.id: run_rules(world.brute_force_context(c, settings, brackets))
                for c in world.claims}
    assert indexed == expected


def test_context_for_one_claim_matches_a_hand_built_context() -> None:
    buyer, seller, agency = party(1), party(2, address="addr-9"), party(9)
    broker = BrokerInfo(user_id=100, person="b", employer_org_id=9)
    other_broker = BrokerInfo(user_id=101, person="c")
    opened = datetime(2026, 1, 1, tzinfo=UTC)
    c10 = ContractInfo(id=10, deal_id=1, buyer_org_id=1, seller_org_id=2, type="transfer",
                       field="energy", amount=D(900_000), signed_on=date(2026, 3, 1),
                       deal_opened_at=opened, registered_on=date(2026, 3, 5),
                       payments=(PaymentInfo(1, D(900_000), date(2026, 3, 20)),))
    c11 = replace(c10, id=11, deal_id=2, amount=D(400_000), signed_on=date(2026, 4, 1),
                  payments=())
    c12 = replace(c10, id=12, deal_id=3, buyer_org_id=2, seller_org_id=1,
                  signed_on=date(2026, 5, 1))
    c13 = replace(c10, id=13, deal_id=4, signed_on=date(2025, 6, 1))   # out of the window
    c14 = replace(c10, id=14, deal_id=5, buyer_org_id=3, seller_org_id=4)
    at = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    claim = ClaimInfo(id=1, contract_id=10, broker_user_id=100, share_percent=D(100),
                      base_amount=D(900_000), submitted_at=at, ip="10.1.1.1", device_id="d1")
    same_device = ClaimInfo(id=2, contract_id=14, broker_user_id=101, share_percent=D(100),
                            base_amount=D(900_000), submitted_at=at + timedelta(days=3),
                            ip="10.9.9.9", device_id="d1")
    second_share = ClaimInfo(id=3, contract_id=10, broker_user_id=101, share_percent=D(10),
                             base_amount=D(900_000), submitted_at=at, ip="10.2.2.2",
                             device_id="d2")
    listing = DishonestyEntry(SubjectKind.ORG, credit_code(2), date(2026, 12, 31), entry_id=1)
    index = ScanIndex.build(contracts=[c10, c11, c12, c13, c14],
                            parties=[buyer, seller, agency, party(3), party(4)],
                            brokers=[broker, other_broker], claims=[claim, same_device,
                                                                    second_share],
                            dishonesty=[listing])
    by_hand = ClaimContext(
        claim=claim, contract=c10, buyer=buyer, seller=seller, broker=broker, today=TODAY,
        broker_employer=agency, other_claims=(second_share,), pair_contracts=(c11,),
        reversed_pair_contracts=(c12,), comparables=ComparableStats.from_amounts(
            [c10.amount, c11.amount, c12.amount, c13.amount, c14.amount]),
        same_origin_claims=(same_device,), dishonesty=(listing,))
    assert index.context_for(claim, today=TODAY) == by_hand
    flags = run_rules(index.context_for(claim, today=TODAY))
    assert flags == run_rules(by_hand)
    assert [(f.rule, f.severity, f.blocking) for f in flags] == [
        ("related_party", Severity.WARNING, False),    # the agency shares the seller's address
        ("same_submitter", Severity.WARNING, False),   # another broker on device d1
        ("dishonesty_list", Severity.CRITICAL, True),  # the seller is listed
        ("duplicate_claim", Severity.CRITICAL, False),  # 100% + 10%
        ("contract_splitting", Severity.WARNING, False),  # 900,000 + 400,000 within 90 days
        ("round_trip", Severity.WARNING, False),       # contract 12 goes the other way
    ]


def test_orgs_sharing_an_identifier() -> None:
    index = ScanIndex.build(contracts=[], parties=[party(1), party(2, phone="tel-1"), party(3)],
                            brokers=[], claims=[])
    assert index.orgs_sharing("phone", "tel-1") == frozenset({1, 2})
    assert index.orgs_sharing("legal_rep", "p3") == frozenset({3})
    assert index.orgs_sharing("phone", "tel-404") == frozenset()


def test_missing_records_are_named() -> None:
    claim = ClaimInfo(id=1, contract_id=10, broker_user_id=100, share_percent=D(100),
                      base_amount=D(1), submitted_at=datetime(2026, 4, 1, tzinfo=UTC))
    index = ScanIndex.build(contracts=[], parties=[], brokers=[], claims=[claim])
    with pytest.raises(MissingRecord, match="contract 10"):
        index.context_for(claim, today=TODAY)
