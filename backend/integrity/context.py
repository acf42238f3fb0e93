"""What the integrity rules look at: a reward claim and everything around it, as frozen values.

The caller (the claims service, or `scan_index` for a batch) gathers these from the database;
the rules never query anything. Keys of people and identifiers are the ids of rows that are
already normalised (`backend.accounts.identity`), so equal keys mean the same person, address,
phone, e-mail domain or bank account, and unequal keys mean different ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, localcontext
from enum import StrEnum
from functools import lru_cache
from typing import TypeAlias

from backend.core.clock import CHINA_TZ
from backend.rewards.calculation import DEFAULT_BRACKETS, Bracket
from backend.rewards.sides import ClaimSide

Key: TypeAlias = int | str
"""An id of a normalised person or identifier row (or a credit code for an organisation)."""

JSON: TypeAlias = "str | int | bool | list[JSON] | dict[str, JSON] | None"
"""Evidence values: JSON without floats (amounts and scores are decimal strings)."""


# Public webmail: two firms whose contacts both use qq.com are not related by that.
PUBLIC_EMAIL_DOMAINS: frozenset[Key] = frozenset({
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn",
    "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn", "tom.com", "21cn.com",
    "gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
})


class ContextMismatch(ValueError):
    """The pieces of a ClaimContext do not belong together (a caller bug)."""


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class HolderKind(StrEnum):
    PERSON = "person"
    ORG = "org"


class SubjectKind(StrEnum):
    ORG = "org"        # keyed by unified social credit code
    PERSON = "person"  # keyed by person key
    BROKER = "broker"  # keyed by the broker's user id


@dataclass(frozen=True, slots=True)
class Shareholder:
    key: Key  # a person key, or the holding organisation's credit code (kind=ORG)
    percent: Decimal
    kind: HolderKind = HolderKind.PERSON


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation as the rules compare it."""

    org_id: int
    credit_code: str
    legal_rep: Key
    shareholders: tuple[Shareholder, ...] = ()
    officers: tuple[Key, ...] = ()  # directors and senior managers (董事、高级管理人员)
    address: Key | None = None
    phone: Key | None = None
    email_domain: Key | None = None
    bank_account: Key | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class BrokerInfo:
    user_id: int
    person: Key | None = None
    employer_org_id: int | None = None  # the broker agency, or any employer on record
    phone: Key | None = None
    address: Key | None = None
    bank_account: Key | None = None     # where the reward is paid
    known_ips: frozenset[str] = frozenset()      # from the broker's earlier submissions
    known_devices: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    id: int
    amount: Decimal       # as confirmed by both parties, or as declared while it is not
    paid_on: date
    counted: bool = True  # False when the bank or invoice reference does not name the contract
    bank_reference: str | None = None
    invoice_reference: str | None = None
    confirmed: bool = True  # both parties confirmed it (only then does it count as received)
    disputed: bool = False


@dataclass(frozen=True, slots=True)
class ContractInfo:
    id: int
    deal_id: int
    buyer_org_id: int
    seller_org_id: int
    type: str    # backend.deals ContractType value
    field: str   # the technical field code
    amount: Decimal
    signed_on: date
    deal_opened_at: datetime
    technology_amount: Decimal | None = None
    registered_on: date | None = None
    registration_no: str | None = None
    payments: tuple[PaymentInfo, ...] = ()
    # The parties' confirmation: `amount` above is the confirmed amount when there is one.
    evidence_status: str = "confirmed"     # declared | confirmed | disputed (current version)
    evidence_version: int = 1
    confirmed_version: int | None = 1
    declared_amount: Decimal | None = None  # the broker's figure, when it is not the confirmed
    # Against the registration office's export: unchecked | verified | mismatch | cancelled.
    registry_status: str = "verified"
    registry_issues: tuple[str, ...] = ()
    # The deal's brokers' shares now, and when they last changed.
    shares: tuple[tuple[int, Decimal], ...] = ()
    shares_changed_at: datetime | None = None

    @property
    def evidence_current(self) -> bool:
        return (self.evidence_status == "confirmed"
                and self.confirmed_version == self.evidence_version)

    @property
    def paid_amount(self) -> Decimal:
        """Received, counted (到账) and confirmed by both parties."""
        return sum((p.amount for p in self.payments if p.counted and p.confirmed), Decimal(0))

    @property
    def uncounted_amount(self) -> Decimal:
        return sum((p.amount for p in self.payments if not p.counted), Decimal(0))


@dataclass(frozen=True, slots=True)
class ClaimInfo:
    id: int
    contract_id: int
    broker_user_id: int
    share_percent: Decimal
    base_amount: Decimal   # the base the claimed reward was computed on
    submitted_at: datetime
    ip: str | None = None
    device_id: str | None = None
    account_id: int | None = None  # the user who submitted it, when not the broker
    side: ClaimSide | None = None  # which party the broker acted for; None: the whole deal

    @property
    def submitted_by(self) -> int:
        return self.broker_user_id if self.account_id is None else self.account_id


@dataclass(frozen=True, slots=True)
class DishonestyEntry:
    subject: SubjectKind
    key: Key
    listed_until: date
    entry_id: int | None = None


@lru_cache(maxsize=1 << 18)
def log_amount(amount: Decimal) -> Decimal:
    """The natural log of an amount, to 28 digits. Cached: a scan takes the log of every
    contract's amount once for the comparables and again in `amount_outlier`, and Decimal
    logarithms are slow."""
    with localcontext(prec=28):
        return amount.ln()


def _median(sorted_values: list[Decimal]) -> Decimal:
    n = len(sorted_values)
    mid = n // 2
    if n % 2:
        return sorted_values[mid]
    return (sorted_values[mid - 1] + sorted_values[mid]) / 2


@dataclass(frozen=True, slots=True)
class ComparableStats:
    """Amounts of comparable contracts (same type and field), summarised on the log scale."""

    count: int
    median_log: Decimal
    mad_log: Decimal                    # median absolute deviation from the median
    mean_ad_log: Decimal = Decimal(0)   # mean absolute deviation, used when the MAD is 0

    @classmethod
    def from_amounts(cls, amounts: Iterable[Decimal]) -> ComparableStats | None:
        with localcontext(prec=28):
            logs = sorted(log_amount(a) for a in amounts if a > 0)
            if not logs:
                return None
            median = _median(logs)
            deviations = sorted(abs(v - median) for v in logs)
            return cls(count=len(logs), median_log=median, mad_log=_median(deviations),
                       mean_ad_log=sum(deviations, Decimal(0)) / len(deviations))


@dataclass(frozen=True, slots=True)
class RuleSettings:
    window_days: int = 90                          # contract splitting, round trips, submitters
    related_share_threshold: Decimal = Decimal(25)  # percent that makes a holder significant
    outlier_threshold: Decimal = Decimal("3.5")    # robust z-score on the log amount
    outlier_min_comparables: int = 20
    ignored_email_domains: frozenset[Key] = PUBLIC_EMAIL_DOMAINS
    local_tz: tzinfo = CHINA_TZ                    # dates of timestamps are taken here


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimContext:
    """A claim and what the rules need around it.

    `other_claims` are the other live (not withdrawn or rejected) claims on the same contract.
    `pair_contracts` / `reversed_pair_contracts` are other contracts with the same buyer and
    seller / with the roles reversed, near the signing date; `same_origin_claims` are claims on
    other contracts submitted from this claim's account, IP address or device, or from the
    broker's known ones. The rules re-check pair, direction and window themselves, so a caller
    may pass a superset.
    """

    claim: ClaimInfo
    contract: ContractInfo
    buyer: Party
    seller: Party
    broker: BrokerInfo
    today: date
    broker_employer: Party | None = None
    other_claims: tuple[ClaimInfo, ...] = ()
    pair_contracts: tuple[ContractInfo, ...] = ()
    reversed_pair_contracts: tuple[ContractInfo, ...] = ()
    comparables: ComparableStats | None = None
    same_origin_claims: tuple[ClaimInfo, ...] = ()
    dishonesty: tuple[DishonestyEntry, ...] = ()
    brackets: tuple[Bracket, ...] = DEFAULT_BRACKETS
    settings: RuleSettings = field(default_factory=RuleSettings)

    def __post_init__(self) -> None:
        if self.claim.contract_id != self.contract.id:
            raise ContextMismatch(f"claim {self.claim.id} is not on contract {self.contract.id}")
        if self.buyer.org_id != self.contract.buyer_org_id:
            raise ContextMismatch(f"buyer {self.buyer.org_id} is not contract "
                                  f"{self.contract.id}'s buyer")
        if self.seller.org_id != self.contract.seller_org_id:
            raise ContextMismatch(f"seller {self.seller.org_id} is not contract "
                                  f"{self.contract.id}'s seller")
        if self.broker.user_id != self.claim.broker_user_id:
            raise ContextMismatch(f"broker {self.broker.user_id} did not make claim "
                                  f"{self.claim.id}")
        if self.broker_employer is not None and \
                self.broker_employer.org_id != self.broker.employer_org_id:
            raise ContextMismatch(f"organisation {self.broker_employer.org_id} is not broker "
                                  f"{self.broker.user_id}'s employer")


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    severity: Severity
    blocking: bool
    message_zh: str
    message_en: str
    evidence: dict[str, JSON]


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The calendar date of a timestamp where the market is; naive timestamps are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()
