"""Reading what the rules look at out of the database, in bulk: a handful of set-based queries
(no query per claim), turned into the frozen values of `backend.integrity.context` and a
`ScanIndex`.

This is the one place integrity reads the deals, accounts, listings and rewards tables
directly: their lookup modules answer one deal or one organisation at a time, and a full
scan needs all of them at once. Read-only.

Keys: people are `persons.id` (int); addresses, phones and bank accounts are `identifiers.id`
(int); e-mail domains are the normalised domain itself (so public webmail can be ignored by
name); organisations are their unified social credit code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import (
    BrokerProfile,
    Identifier,
    Officer,
    OfficerPosition,
    Organisation,
    Shareholding,
    User,
)
from backend.core.permissions import Role
from backend.deals.models import (
    BrokerStatus,
    Contract,
    Deal,
    DealBroker,
    DealEvent,
    EvidenceStatus,
    Payment,
)
from backend.integrity.context import (
    BrokerInfo,
    ClaimInfo,
    ComparableStats,
    ContractInfo,
    DishonestyEntry,
    HolderKind,
    Party,
    PaymentInfo,
    Shareholder,
    SubjectKind,
)
from backend.integrity.models import DishonestyListing
from backend.integrity.scan_index import ScanIndex
from backend.listings.models import Demand, Field
from backend.rewards.calculation import DEFAULT_BRACKETS, Bracket
from backend.rewards.models import LIVE_STATUSES, RewardClaim, RewardPolicy
from backend.rewards.sides import ClaimSide

_CHUNK = 900  # ids per IN (...) list: under SQLite's and PostgreSQL's parameter limits
_OFFICER_POSITIONS = (OfficerPosition.DIRECTOR, OfficerPosition.SENIOR_MANAGER)


@dataclass(frozen=True)
class Gathered:
    index: ScanIndex
    brackets_by_contract: dict[int, tuple[Bracket, ...]]

    def brackets_for(self, contract: ContractInfo) -> Sequence[Bracket]:
        return self.brackets_by_contract.get(contract.id, DEFAULT_BRACKETS)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), _CHUNK):
        yield ordered[i:i + _CHUNK]


# --- contracts ------------------------------------------------------------------------------

def _contract_query() -> Any:
    return (select(Contract.id, Contract.deal_id, Contract.buyer_org_id, Contract.seller_org_id,
                   Contract.type, func.coalesce(Field.code, ""), Contract.amount,
                   Contract.technology_amount,
                   Contract.signed_on, Contract.registered_on, Contract.registration_no,
                   Deal.opened_at, Contract.confirmed_amount,
                   Contract.confirmed_technology_amount, Contract.evidence_status,
                   Contract.evidence_version, Contract.confirmed_version,
                   Contract.registry_status, Contract.registry_issues)
            .join(Deal, Deal.id == Contract.deal_id)
            # a challenge award's deal has no demand: its contract is checked too, field ""
            .outerjoin(Demand, Demand.id == Deal.demand_id)
            .outerjoin(Field, Field.id == Demand.field_id))


def _payments(session: Session, contract_ids: Iterable[int] | None
              ) -> dict[int, list[PaymentInfo]]:
    query = select(Payment.contract_id, Payment.id, Payment.amount, Payment.paid_on,
                   Payment.counted, Payment.bank_reference, Payment.invoice_reference,
                   Payment.confirmed_amount, Payment.evidence_status
                   ).where(Payment.voided_at.is_(None))  # a voided payment is no evidence
    rows: list[Any] = []
    if contract_ids is None:
        rows = list(session.connection().execute(query))
    else:
        for chunk in _chunks(contract_ids):
            rows += session.connection().execute(query.where(Payment.contract_id.in_(chunk))).all()
    by_contract: defaultdict[int, list[PaymentInfo]] = defaultdict(list)
    for contract_id, pid, amount, paid_on, counted, bank, invoice, confirmed, status in rows:
        by_contract[contract_id].append(PaymentInfo(
            pid, confirmed if confirmed is not None else amount, paid_on, counted, bank, invoice,
            confirmed=confirmed is not None, disputed=status == EvidenceStatus.DISPUTED))
    return by_contract


def _shares(session: Session, deal_ids: Iterable[int] | None
            ) -> tuple[dict[int, list[tuple[int, Decimal]]], dict[int, datetime]]:
    """The active brokers' shares per deal, and when each deal's shares last changed."""
    shares_q = select(DealBroker.deal_id, DealBroker.broker_id, DealBroker.share).where(
        DealBroker.status == BrokerStatus.ACTIVE)
    changed_q = (select(DealEvent.deal_id, func.max(DealEvent.at))
                 .where(DealEvent.kind == "shares_changed").group_by(DealEvent.deal_id))
    share_rows: list[Any] = []
    changed_rows: list[Any] = []
    if deal_ids is None:
        share_rows = list(session.connection().execute(shares_q))
        changed_rows = list(session.connection().execute(changed_q))
    else:
        for chunk in _chunks(deal_ids):
            share_rows += session.connection().execute(
                shares_q.where(DealBroker.deal_id.in_(chunk))).all()
            changed_rows += session.connection().execute(
                changed_q.where(DealEvent.deal_id.in_(chunk))).all()
    shares: defaultdict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for deal_id, broker_id, share in share_rows:
        shares[deal_id].append((broker_id, Decimal(share)))
    changed: dict[int, datetime] = {}
    for deal_id, at in changed_rows:
        if at is not None:
            changed[deal_id] = _as_utc(at)
    return shares, changed


def _as_utc(value: Any) -> datetime:
    """SQLite returns an aggregate's timestamp as text or a naive datetime: UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def contracts(session: Session, where: ColumnElement[bool] | None = None
              ) -> list[ContractInfo]:
    """Contracts as the rules see them: the amounts their parties confirmed (the broker's
    declaration only while nothing was ever confirmed), the payments with their confirmation,
    the contract's standing against the registry and its deal's shares."""
    query = _contract_query()
    if where is not None:
        query = query.where(where)
    rows = session.connection().execute(query).all()
    payments = _payments(session, None if where is None else [r[0] for r in rows])
    shares, changed = _shares(session, None if where is None else [r[1] for r in rows])
    return [ContractInfo(
        id=cid, deal_id=deal_id, buyer_org_id=buyer, seller_org_id=seller, type=str(type_),
        field=field, amount=confirmed if confirmed is not None else amount,
        signed_on=signed_on, deal_opened_at=opened_at,
        technology_amount=confirmed_tech if confirmed is not None else tech,
        registered_on=registered_on, registration_no=reg_no,
        payments=tuple(sorted(payments.get(cid, ()), key=lambda p: (p.paid_on, p.id))),
        evidence_status=str(status), evidence_version=version, confirmed_version=confirmed_v,
        declared_amount=amount if confirmed is None or confirmed != amount else None,
        registry_status=str(registry_status), registry_issues=tuple(issues or ()),
        shares=tuple(sorted(shares.get(deal_id, ()))), shares_changed_at=changed.get(deal_id))
        for (cid, deal_id, buyer, seller, type_, field, amount, tech, signed_on, registered_on,
             reg_no, opened_at, confirmed, confirmed_tech, status, version, confirmed_v,
             registry_status, issues) in rows]


def comparable_stats(session: Session, type_: str, field: str) -> ComparableStats | None:
    """Confirmed amounts of contracts of this type and field (declarations compare nothing)."""
    amounts = session.connection().execute(
        select(Contract.confirmed_amount).join(Deal, Deal.id == Contract.deal_id)
        .join(Demand, Demand.id == Deal.demand_id).join(Field, Field.id == Demand.field_id)
        .where(Contract.type == type_, Field.code == field,
               Contract.confirmed_amount.is_not(None))).scalars().all()
    return ComparableStats.from_amounts(a for a in amounts if a is not None)


# --- organisations and brokers ----------------------------------------------------------------

def parties(session: Session, org_ids: Iterable[int] | None = None) -> list[Party]:
    orgs = (select(Organisation.id, Organisation.credit_code, Organisation.legal_rep_id,
                   Organisation.address_id, Organisation.phone_id, Identifier.value,
                   Organisation.bank_account_id, Organisation.name)
            .join(Identifier, Identifier.id == Organisation.email_domain_id))
    holders = select(Shareholding.organisation_id, Shareholding.person_id,
                     Shareholding.holder_credit_code, Shareholding.percent)
    officers = select(Officer.organisation_id, Officer.person_id).where(
        Officer.position.in_(_OFFICER_POSITIONS))
    if org_ids is None:
        org_rows = list(session.connection().execute(orgs))
        holder_rows = list(session.connection().execute(holders))
        officer_rows = list(session.connection().execute(officers))
    else:
        org_rows, holder_rows, officer_rows = [], [], []
        for chunk in _chunks(org_ids):
            org_rows += session.connection().execute(orgs.where(Organisation.id.in_(chunk))).all()
            holder_rows += session.connection().execute(
                holders.where(Shareholding.organisation_id.in_(chunk))).all()
            officer_rows += session.connection().execute(officers.where(Officer.organisation_id.in_(chunk))
                                            ).all()
    held: defaultdict[int, list[Shareholder]] = defaultdict(list)
    for org_id, person_id, code, percent in holder_rows:
        held[org_id].append(Shareholder(person_id, percent) if person_id is not None
                            else Shareholder(code or "", percent, HolderKind.ORG))
    managed: defaultdict[int, set[int]] = defaultdict(set)
    for org_id, person_id in officer_rows:
        managed[org_id].add(person_id)
    return [Party(org_id=org_id, credit_code=code, legal_rep=rep,
                  shareholders=tuple(held.get(org_id, ())),
                  officers=tuple(sorted(managed.get(org_id, ()))), address=address,
                  phone=phone, email_domain=domain, bank_account=bank, name=name)
            for org_id, code, rep, address, phone, domain, bank, name in org_rows]


def brokers(session: Session, user_ids: Iterable[int] | None = None) -> list[BrokerInfo]:
    query = (select(User.id, User.person_id, User.organisation_id, BrokerProfile.agency_id)
             .join(BrokerProfile, BrokerProfile.user_id == User.id)
             .where(User.role == Role.BROKER))
    origins = select(RewardClaim.broker_id, RewardClaim.submitted_ip, RewardClaim.device_id)
    if user_ids is None:
        rows = list(session.connection().execute(query))
        origin_rows = list(session.connection().execute(origins))
    else:
        rows, origin_rows = [], []
        for chunk in _chunks(user_ids):
            rows += session.connection().execute(query.where(User.id.in_(chunk))).all()
            origin_rows += session.connection().execute(origins.where(RewardClaim.broker_id.in_(chunk))).all()
    ips: defaultdict[int, set[str]] = defaultdict(set)
    devices: defaultdict[int, set[str]] = defaultdict(set)
    for broker_id, ip, device in origin_rows:
        if ip:
            ips[broker_id].add(ip)
        if device:
            devices[broker_id].add(device)
    return [BrokerInfo(user_id=uid, person=person, employer_org_id=agency or org,
                       known_ips=frozenset(ips.get(uid, ())),
                       known_devices=frozenset(devices.get(uid, ())))
            for uid, person, org, agency in rows]


# --- claims, policies, the dishonesty list ------------------------------------------------------

_CLAIM_COLUMNS = (RewardClaim.id, RewardClaim.contract_id, RewardClaim.broker_id,
                  RewardClaim.share_percent, RewardClaim.base_amount, RewardClaim.submitted_at,
                  RewardClaim.submitted_ip, RewardClaim.device_id, RewardClaim.side,
                  RewardClaim.policy_id)


def _claim_info(row: Any) -> ClaimInfo:
    cid, contract_id, broker_id, share, base, submitted_at, ip, device, side, _ = row
    return ClaimInfo(id=cid, contract_id=contract_id, broker_user_id=broker_id,
                     share_percent=share, base_amount=base, submitted_at=submitted_at,
                     ip=ip, device_id=device, side=ClaimSide(side) if side else None)


def live_claims(session: Session, where: ColumnElement[bool] | None = None) -> list[Any]:
    query = select(*_CLAIM_COLUMNS).where(RewardClaim.status.in_(LIVE_STATUSES))
    if where is not None:
        query = query.where(where)
    return list(session.connection().execute(query))


def policy_brackets(session: Session) -> dict[int, tuple[Bracket, ...]]:
    rows = session.connection().execute(select(RewardPolicy.id, RewardPolicy.brackets)).all()
    return {pid: tuple(Bracket(None if b["upper"] is None else Decimal(b["upper"]),
                               Decimal(b["rate"])) for b in brackets)
            for pid, brackets in rows}


def dishonesty(session: Session, today: date) -> list[DishonestyEntry]:
    rows = session.connection().execute(select(DishonestyListing.id, DishonestyListing.subject_kind,
                                  DishonestyListing.subject_key, DishonestyListing.listed_until)
                           .where(DishonestyListing.revoked_at.is_(None),
                                  DishonestyListing.listed_on <= today,
                                  DishonestyListing.listed_until >= today)).all()
    entries = []
    for entry_id, kind, key, until in rows:
        subject = SubjectKind(kind)
        entries.append(DishonestyEntry(subject, key if subject is SubjectKind.ORG else int(key),
                                       until, entry_id=entry_id))
    return entries


def _brackets_by_contract(claim_rows: Sequence[Any], by_policy: dict[int, tuple[Bracket, ...]]
                          ) -> dict[int, tuple[Bracket, ...]]:
    # A contract's claims were all computed under the policy its signing date picked.
    return {row[1]: by_policy[row[9]] for row in claim_rows if row[9] in by_policy}


# --- the two ways in -------------------------------------------------------------------------

def gather_all(session: Session, today: date) -> Gathered:
    """Everything, for a scan of all open claims."""
    claim_rows = live_claims(session)
    index = ScanIndex.build(contracts=contracts(session), parties=parties(session),
                            brokers=brokers(session),
                            claims=[_claim_info(r) for r in claim_rows],
                            dishonesty=dishonesty(session, today))
    return Gathered(index, _brackets_by_contract(claim_rows, policy_brackets(session)))


def gather_for_claim(session: Session, claim_id: int, today: date, window_days: int
                     ) -> Gathered:
    """Just what one claim's context needs: its contract and the pair's other contracts near
    the signing date, the other claims on the contract and from the same origins, the
    parties, the broker and the comparable amounts."""
    own = session.connection().execute(select(*_CLAIM_COLUMNS).where(RewardClaim.id == claim_id)).one()
    claim = _claim_info(own)
    [contract] = contracts(session, Contract.id == claim.contract_id)
    window = timedelta(days=window_days)
    lo, hi = contract.signed_on - window, contract.signed_on + window
    pair = or_(and_(Contract.buyer_org_id == contract.buyer_org_id,
                    Contract.seller_org_id == contract.seller_org_id),
               and_(Contract.buyer_org_id == contract.seller_org_id,
                    Contract.seller_org_id == contract.buyer_org_id))
    nearby = contracts(session, and_(pair, Contract.signed_on >= lo, Contract.signed_on <= hi,
                                     Contract.id != contract.id))
    [broker] = brokers(session, [claim.broker_user_id]) or [BrokerInfo(claim.broker_user_id)]
    ips = {x for x in (claim.ip, *broker.known_ips) if x}
    devices = {x for x in (claim.device_id, *broker.known_devices) if x}
    origin: list[ColumnElement[bool]] = [RewardClaim.broker_id == claim.broker_user_id]
    if ips:
        origin.append(RewardClaim.submitted_ip.in_(sorted(ips)))
    if devices:
        origin.append(RewardClaim.device_id.in_(sorted(devices)))
    moment: datetime = claim.submitted_at
    claim_rows = live_claims(session, or_(
        RewardClaim.contract_id == contract.id,
        and_(or_(*origin), RewardClaim.submitted_at >= moment - window,
             RewardClaim.submitted_at <= moment + window)))
    if claim.id not in {r[0] for r in claim_rows}:
        claim_rows.append(own)  # a claim being checked before it is live still gets checked
    org_ids = {contract.buyer_org_id, contract.seller_org_id}
    if broker.employer_org_id is not None:
        org_ids.add(broker.employer_org_id)
    index = ScanIndex.build(contracts=[contract, *nearby], parties=parties(session, org_ids),
                            brokers=[broker], claims=[_claim_info(r) for r in claim_rows],
                            dishonesty=dishonesty(session, today))
    stats = comparable_stats(session, contract.type, contract.field)
    index = replace(index, comparables={} if stats is None
                    else {(contract.type, contract.field): stats})
    by_policy = policy_brackets(session)
    return Gathered(index, {contract.id: by_policy[own[9]]})
