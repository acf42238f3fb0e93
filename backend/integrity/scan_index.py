"""Scanning many claims at once: dict indexes built in one pass, then one context per claim.

The rules stay per-claim pure functions; what makes a batch fast is that every look-up a
context needs (the pair's contracts, the reversed pair's, comparable amounts, claims from the
same account, address or device, the dishonesty entries of the people involved) is a dict hit
plus a binary search on a date-sorted list, not a query or a scan. Building is O(n log n) for
the sorts; each context costs O(log n + what it contains).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from backend.integrity.context import (
    BrokerInfo,
    ClaimContext,
    ClaimInfo,
    ComparableStats,
    ContractInfo,
    DishonestyEntry,
    Flag,
    HolderKind,
    Key,
    Party,
    RuleSettings,
    SubjectKind,
)
from backend.integrity.rules import RULES, Rule, run_rules
from backend.rewards.calculation import DEFAULT_BRACKETS, Bracket

BracketsFor = Callable[[ContractInfo], Sequence[Bracket]]

# What an organisation can share with another, as (attribute, key) index entries.
ORG_ATTRIBUTES = ("legal_rep", "officer", "shareholder", "address", "phone", "email_domain",
                  "bank_account")


class MissingRecord(LookupError):
    """A claim refers to a contract, party or broker that was not given to the index."""


@dataclass(frozen=True, slots=True)
class _ByDate:
    """Contracts sorted by signing date, for window slices."""

    days: list[int] = field(default_factory=list)
    items: list[ContractInfo] = field(default_factory=list)

    def around(self, day: date, window: int) -> tuple[ContractInfo, ...]:
        ordinal = day.toordinal()
        lo = bisect_left(self.days, ordinal - window)
        hi = bisect_right(self.days, ordinal + window)
        return tuple(self.items[lo:hi])


@dataclass(frozen=True, slots=True)
class _ByTime:
    """Claims sorted by submission time, for window slices."""

    stamps: list[datetime] = field(default_factory=list)
    items: list[ClaimInfo] = field(default_factory=list)

    def around(self, moment: datetime, window: timedelta) -> list[ClaimInfo]:
        lo = bisect_left(self.stamps, moment - window)
        hi = bisect_right(self.stamps, moment + window)
        return self.items[lo:hi]


def _contracts_by_date(contracts: Iterable[ContractInfo]) -> _ByDate:
    ordered = sorted(contracts, key=lambda c: (c.signed_on, c.id))
    return _ByDate([c.signed_on.toordinal() for c in ordered], ordered)


def _claims_by_time(claims: Iterable[ClaimInfo]) -> _ByTime:
    ordered = sorted(claims, key=lambda c: (c.submitted_at, c.id))
    return _ByTime([c.submitted_at for c in ordered], ordered)


def _org_attributes(party: Party) -> Iterator[tuple[str, Key]]:
    yield "legal_rep", party.legal_rep
    for officer in party.officers:
        yield "officer", officer
    for holder in party.shareholders:
        if holder.kind is HolderKind.PERSON:
            yield "shareholder", holder.key
    for attribute in ("address", "phone", "email_domain", "bank_account"):
        value: Key | None = getattr(party, attribute)
        if value is not None:
            yield attribute, value


@dataclass(frozen=True, slots=True)
class ScanIndex:
    contracts: Mapping[int, ContractInfo]
    parties: Mapping[int, Party]
    brokers: Mapping[int, BrokerInfo]
    claims: Mapping[int, ClaimInfo]
    claims_by_contract: Mapping[int, tuple[ClaimInfo, ...]]
    contracts_by_pair: Mapping[tuple[int, int], _ByDate]   # (buyer, seller)
    comparables: Mapping[tuple[str, str], ComparableStats]  # (type, field)
    # ("account"|"ip"|"device", value) → broker user id → that broker's claims from there; split
    # by broker so that a broker's many claims from their own device cost nothing to skip.
    claims_by_origin: Mapping[tuple[str, Key], Mapping[int, _ByTime]]
    dishonesty: Mapping[tuple[SubjectKind, Key], tuple[DishonestyEntry, ...]]
    orgs_by_identifier: Mapping[tuple[str, Key], frozenset[int]]

    @classmethod
    def build(cls, *, contracts: Iterable[ContractInfo], parties: Iterable[Party],
              brokers: Iterable[BrokerInfo], claims: Iterable[ClaimInfo],
              dishonesty: Iterable[DishonestyEntry] = ()) -> ScanIndex:
        contract_map = {c.id: c for c in contracts}
        party_map = {p.org_id: p for p in parties}
        claim_map = {c.id: c for c in claims}

        pairs: defaultdict[tuple[int, int], list[ContractInfo]] = defaultdict(list)
        kinds: defaultdict[tuple[str, str], list[ContractInfo]] = defaultdict(list)
        for c in contract_map.values():
            pairs[(c.buyer_org_id, c.seller_org_id)].append(c)
            if c.confirmed_version is not None:  # only confirmed amounts are comparables
                kinds[(c.type, c.field)].append(c)
        comparables = {}
        for kind, members in kinds.items():
            stats = ComparableStats.from_amounts(c.amount for c in members)
            if stats is not None:
                comparables[kind] = stats

        by_contract: defaultdict[int, list[ClaimInfo]] = defaultdict(list)
        by_origin: defaultdict[tuple[str, Key], defaultdict[int, list[ClaimInfo]]] = \
            defaultdict(lambda: defaultdict(list))
        for claim in claim_map.values():
            by_contract[claim.contract_id].append(claim)
            origins: list[tuple[str, Key]] = [("account", claim.submitted_by)]
            if claim.ip is not None:
                origins.append(("ip", claim.ip))
            if claim.device_id is not None:
                origins.append(("device", claim.device_id))
            for origin in origins:
                by_origin[origin][claim.broker_user_id].append(claim)

        listed: defaultdict[tuple[SubjectKind, Key], list[DishonestyEntry]] = defaultdict(list)
        for entry in dishonesty:
            listed[(entry.subject, entry.key)].append(entry)

        sharing: defaultdict[tuple[str, Key], set[int]] = defaultdict(set)
        for party in party_map.values():
            for attribute, key in _org_attributes(party):
                sharing[(attribute, key)].add(party.org_id)

        return cls(
            contracts=contract_map, parties=party_map,
            brokers={b.user_id: b for b in brokers}, claims=claim_map,
            claims_by_contract={k: tuple(sorted(v, key=lambda c: c.id))
                                for k, v in by_contract.items()},
            contracts_by_pair={k: _contracts_by_date(v) for k, v in pairs.items()},
            comparables=comparables,
            claims_by_origin={k: {b: _claims_by_time(c) for b, c in v.items()}
                              for k, v in by_origin.items()},
            dishonesty={k: tuple(v) for k, v in listed.items()},
            orgs_by_identifier={k: frozenset(v) for k, v in sharing.items()},
        )

    def orgs_sharing(self, attribute: str, key: Key) -> frozenset[int]:
        """Organisations with this legal_rep, officer, shareholder (person), address, phone,
        email_domain or bank_account: for an administrator following a link further."""
        return self.orgs_by_identifier.get((attribute, key), frozenset())

    def _party(self, org_id: int, claim: ClaimInfo) -> Party:
        try:
            return self.parties[org_id]
        except KeyError:
            raise MissingRecord(f"organisation {org_id} (claim {claim.id})") from None

    def _same_origin(self, claim: ClaimInfo, broker: BrokerInfo, window: timedelta
                     ) -> tuple[ClaimInfo, ...]:
        keys: list[tuple[str, Key]] = [("account", claim.submitted_by)]
        keys += [("ip", ip) for ip in sorted(x for x in {claim.ip, *broker.known_ips} if x)]
        keys += [("device", d)
                 for d in sorted(x for x in {claim.device_id, *broker.known_devices} if x)]
        found: dict[int, ClaimInfo] = {}
        for key in keys:
            for broker_id, bucket in self.claims_by_origin.get(key, {}).items():
                if broker_id == claim.broker_user_id:
                    continue  # the broker's own claims elsewhere are never a match
                for other in bucket.around(claim.submitted_at, window):
                    if other.contract_id != claim.contract_id:  # those are other_claims
                        found.setdefault(other.id, other)
        return tuple(sorted(found.values(), key=lambda c: c.id))

    def _listed(self, subjects: Iterable[tuple[SubjectKind, Key | None]]
                ) -> tuple[DishonestyEntry, ...]:
        entries: list[DishonestyEntry] = []
        for subject in subjects:
            if subject[1] is not None:
                entries.extend(self.dishonesty.get((subject[0], subject[1]), ()))
        return tuple(dict.fromkeys(entries))

    def context_for(self, claim: ClaimInfo, *, today: date,
                    settings: RuleSettings | None = None,
                    brackets_for: BracketsFor | None = None) -> ClaimContext:
        settings = settings or RuleSettings()
        try:
            contract = self.contracts[claim.contract_id]
        except KeyError:
            raise MissingRecord(f"contract {claim.contract_id} (claim {claim.id})") from None
        try:
            broker = self.brokers[claim.broker_user_id]
        except KeyError:
            raise MissingRecord(f"broker {claim.broker_user_id} (claim {claim.id})") from None
        buyer = self._party(contract.buyer_org_id, claim)
        seller = self._party(contract.seller_org_id, claim)
        employer = (self.parties.get(broker.employer_org_id)
                    if broker.employer_org_id is not None else None)
        days = settings.window_days
        empty = _ByDate()
        pair = self.contracts_by_pair.get((buyer.org_id, seller.org_id), empty)
        reverse = self.contracts_by_pair.get((seller.org_id, buyer.org_id), empty)
        return ClaimContext(
            claim=claim, contract=contract, buyer=buyer, seller=seller, broker=broker,
            today=today, broker_employer=employer,
            other_claims=tuple(c for c in self.claims_by_contract.get(contract.id, ())
                               if c.id != claim.id),
            pair_contracts=tuple(c for c in pair.around(contract.signed_on, days)
                                 if c.id != contract.id),
            reversed_pair_contracts=reverse.around(contract.signed_on, days),
            comparables=self.comparables.get((contract.type, contract.field)),
            same_origin_claims=self._same_origin(claim, broker, timedelta(days=days)),
            dishonesty=self._listed([
                (SubjectKind.ORG, buyer.credit_code), (SubjectKind.ORG, seller.credit_code),
                (SubjectKind.BROKER, broker.user_id), (SubjectKind.PERSON, broker.person),
                (SubjectKind.PERSON, buyer.legal_rep), (SubjectKind.PERSON, seller.legal_rep),
                (SubjectKind.ORG, employer.credit_code if employer else None)]),
            brackets=tuple(brackets_for(contract)) if brackets_for else DEFAULT_BRACKETS,
            settings=settings,
        )

    def contexts(self, *, today: date, settings: RuleSettings | None = None,
                 brackets_for: BracketsFor | None = None,
                 claim_ids: Iterable[int] | None = None) -> Iterator[ClaimContext]:
        ids = sorted(self.claims) if claim_ids is None else claim_ids
        for claim_id in ids:
            yield self.context_for(self.claims[claim_id], today=today, settings=settings,
                                   brackets_for=brackets_for)


def scan(index: ScanIndex, *, today: date, settings: RuleSettings | None = None,
         brackets_for: BracketsFor | None = None, claim_ids: Iterable[int] | None = None,
         rules: Mapping[str, Rule] = RULES) -> dict[int, list[Flag]]:
    """Flags per claim id (every scanned claim present, with an empty list when clean)."""
    return {ctx.claim.id: run_rules(ctx, rules)
            for ctx in index.contexts(today=today, settings=settings, brackets_for=brackets_for,
                                      claim_ids=claim_ids)}
