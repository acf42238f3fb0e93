"""The reward (奖补) arithmetic: the base, progressive brackets (分段累计), caps, and the split
among brokers. Pure functions over `Decimal`; no database, no web, never a float.

Rounding: every computation runs on exact, unrounded values and rounds ROUND_HALF_UP to the
fen (0.01 yuan) once, at the end. A breakdown's per-bracket `amount` is rounded for display
only; the total is the exact sum of the brackets rounded once, which can differ from the sum
of the displayed lines by a fen or two (0.0045 + 0.003 shows as 0.00 + 0.00 but totals 0.01).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import TypeGuard, TypeVar

FEN = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_GRADE_PERCENT = Decimal(200)
# Enough digits that no product or sum of amounts and rates is ever rounded by the context.
_PRECISION = 60

K = TypeVar("K", bound=Hashable)


class RewardCalculationError(ValueError):
    """The inputs of a reward calculation break a rule; the message says which."""


class InvalidBrackets(RewardCalculationError):
    pass


class InvalidPolicy(RewardCalculationError):
    pass


class InvalidAmount(RewardCalculationError):
    pass


class InvalidShares(RewardCalculationError):
    pass


class RewardBase(StrEnum):
    CONTRACT_AMOUNT = "contract_amount"            # 成交额 (合同金额)
    TECHNOLOGY_AMOUNT = "technology_amount"        # 技术交易额: less non-technical costs
    RECEIVED_AMOUNT = "received_amount"            # 到账金额
    MIN_TECHNOLOGY_RECEIVED = "min_technology_received"  # the smaller of the last two


class CapKind(StrEnum):
    PER_CLAIM = "per_claim"
    PER_BROKER_YEAR = "per_broker_year"


def to_fen(value: Decimal) -> Decimal:
    """Round yuan to the fen, half up: the one rounding rule for money."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _is_money(value: object) -> TypeGuard[Decimal]:
    return isinstance(value, Decimal) and value.is_finite()


def _require_amount(name: str, value: object) -> Decimal:
    if not _is_money(value):
        raise InvalidAmount(f"{name} must be a finite Decimal, not {value!r}")
    if value < 0:
        raise InvalidAmount(f"{name} must not be negative, got {value}")
    return value


def _require_fen_amount(name: str, value: object, error: type[RewardCalculationError]) -> Decimal:
    if not _is_money(value):
        raise error(f"{name} must be a finite Decimal, not {value!r}")
    if value < 0:
        raise error(f"{name} must not be negative, got {value}")
    if value != value.quantize(FEN):
        raise error(f"{name} must be a whole number of fen, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class Bracket:
    """One marginal bracket: `rate` applies to the part of the base between the previous
    bracket's upper bound (0 for the first) and `upper` (None: no upper bound, the last)."""

    upper: Decimal | None
    rate: Decimal

    def __post_init__(self) -> None:
        if not _is_money(self.rate):
            raise InvalidBrackets(f"a bracket rate must be a finite Decimal, not {self.rate!r}")
        if not ZERO <= self.rate <= 1:
            raise InvalidBrackets(f"a bracket rate must be between 0 and 1, got {self.rate}")
        if self.upper is not None:
            if not _is_money(self.upper):
                raise InvalidBrackets(
                    f"a bracket upper bound must be a finite Decimal or None, not {self.upper!r}")
            if self.upper <= 0:
                raise InvalidBrackets(f"a bracket upper bound must be positive, got {self.upper}")


DEFAULT_BRACKETS: tuple[Bracket, ...] = (
    Bracket(Decimal(1_000_000), Decimal("0.015")),
    Bracket(None, Decimal("0.01")),
)


def validate_brackets(brackets: Sequence[Bracket]) -> tuple[Bracket, ...]:
    """Check that upper bounds ascend strictly and only the last is unbounded."""
    result = tuple(brackets)
    if not result:
        raise InvalidBrackets("a policy needs at least one bracket")
    for bracket in result:
        if not isinstance(bracket, Bracket):
            raise InvalidBrackets(f"not a Bracket: {bracket!r}")
    if result[-1].upper is not None:
        raise InvalidBrackets("the last bracket must have no upper bound (upper=None)")
    bounds = [b.upper for b in result[:-1] if b.upper is not None]
    if len(bounds) != len(result) - 1:
        raise InvalidBrackets("only the last bracket may have no upper bound")
    for lower, upper in itertools.pairwise(bounds):
        if upper <= lower:
            raise InvalidBrackets(
                f"bracket upper bounds must be strictly ascending: {upper} follows {lower}")
    return result


def bracket_boundaries(brackets: Sequence[Bracket]) -> tuple[Decimal, ...]:
    """The finite upper bounds, ascending."""
    return tuple(b.upper for b in validate_brackets(brackets) if b.upper is not None)


@dataclass(frozen=True, slots=True)
class BracketLine:
    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    portion: Decimal        # the part of the base inside this bracket
    amount_exact: Decimal   # portion × rate, unrounded
    amount: Decimal         # amount_exact rounded to the fen, for display only


@dataclass(frozen=True, slots=True)
class CapApplied:
    kind: CapKind
    limit: Decimal       # the most this cap allowed for this claim
    reduced_by: Decimal  # how much it took off, in fen (rounded before − rounded after)


@dataclass(frozen=True, slots=True)
class RewardBreakdown:
    base: Decimal
    lines: tuple[BracketLine, ...]
    uncapped_exact: Decimal          # the exact sum of the lines
    uncapped: Decimal                # uncapped_exact rounded once
    caps_applied: tuple[CapApplied, ...]  # in the order applied; only caps that took something
    amount: Decimal                  # the reward: rounded once, after the caps

    @property
    def capped_by(self) -> CapKind | None:
        """The cap that set the final amount, if any."""
        return self.caps_applied[-1].kind if self.caps_applied else None


def compute_base(kind: RewardBase, contract_amount: Decimal, technology_amount: Decimal | None,
                 received_amount: Decimal) -> Decimal:
    """The amount the brackets apply to. `technology_amount` may be None (not yet registered)
    only under a base that does not use it."""
    kind = RewardBase(kind)  # a stored plain string must not fall through to the default
    _require_amount("contract amount", contract_amount)
    _require_amount("received amount", received_amount)
    if technology_amount is not None:
        _require_amount("technology amount", technology_amount)
        if technology_amount > contract_amount:
            raise InvalidAmount(f"technology amount {technology_amount} exceeds the contract "
                                f"amount {contract_amount}")
    if kind is RewardBase.CONTRACT_AMOUNT:
        return contract_amount
    if kind is RewardBase.RECEIVED_AMOUNT:
        return received_amount
    if technology_amount is None:
        raise InvalidAmount(f"the {kind.value} base needs the technology amount (技术交易额), "
                            "known once the contract is registered")
    if kind is RewardBase.TECHNOLOGY_AMOUNT:
        return technology_amount
    return min(technology_amount, received_amount)


def compute_reward(base: Decimal, brackets: Sequence[Bracket], cap_per_claim: Decimal | None = None,
                   already_paid_this_year: Decimal = ZERO,
                   cap_per_broker_year: Decimal | None = None) -> RewardBreakdown:
    """The reward on `base` under marginal `brackets`, then the caps, rounded once.

    `already_paid_this_year` is what the broker has been paid (or approved) this year before
    this claim; the per-broker-year cap allows only the room left under it.
    """
    _require_amount("base", base)
    checked = validate_brackets(brackets)
    if cap_per_claim is not None:
        _require_fen_amount("per-claim cap", cap_per_claim, InvalidPolicy)
    if cap_per_broker_year is not None:
        _require_fen_amount("per-broker-year cap", cap_per_broker_year, InvalidPolicy)
    _require_fen_amount("amount already paid this year", already_paid_this_year, InvalidPolicy)

    with localcontext(prec=_PRECISION):
        lines = []
        lower = ZERO
        for bracket in checked:
            top = base if bracket.upper is None else min(base, bracket.upper)
            portion = max(ZERO, top - lower)
            exact = portion * bracket.rate
            lines.append(BracketLine(lower=lower, upper=bracket.upper, rate=bracket.rate,
                                     portion=portion, amount_exact=exact, amount=to_fen(exact)))
            if bracket.upper is not None:
                lower = bracket.upper
        uncapped_exact = sum((line.amount_exact for line in lines), ZERO)
        exact, caps = _cap(uncapped_exact, cap_per_claim, already_paid_this_year,
                           cap_per_broker_year)
        return RewardBreakdown(base=base, lines=tuple(lines), uncapped_exact=uncapped_exact,
                               uncapped=to_fen(uncapped_exact), caps_applied=caps,
                               amount=to_fen(exact))


def _cap(exact: Decimal, cap_per_claim: Decimal | None, already_paid_this_year: Decimal,
         cap_per_broker_year: Decimal | None) -> tuple[Decimal, tuple[CapApplied, ...]]:
    # Caps are whole fen, so capping the exact value and rounding once never exceeds them.
    limits: list[tuple[CapKind, Decimal]] = []
    if cap_per_claim is not None:
        limits.append((CapKind.PER_CLAIM, cap_per_claim))
    if cap_per_broker_year is not None:
        limits.append((CapKind.PER_BROKER_YEAR,
                       max(ZERO, cap_per_broker_year - already_paid_this_year)))
    caps: list[CapApplied] = []
    for kind, limit in limits:
        if exact > limit:
            caps.append(CapApplied(kind, limit, to_fen(exact) - limit))
            exact = limit
    return exact, tuple(caps)


@dataclass(frozen=True, slots=True)
class RewardPolicy:
    """The calculator's view of a reward policy (the stored policy also has effective dates)."""

    brackets: tuple[Bracket, ...] = DEFAULT_BRACKETS
    base: RewardBase = RewardBase.MIN_TECHNOLOGY_RECEIVED
    cap_per_claim: Decimal | None = None
    cap_per_broker_year: Decimal | None = None
    # Percent of the broker's part paid at each broker grade (初级/中级/高级); a grade not named
    # is paid at 100.
    grade_percent: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "brackets", validate_brackets(self.brackets))
        for grade, percent in self.grade_percent.items():
            if not (_is_money(percent) and ZERO <= percent <= MAX_GRADE_PERCENT
                    and percent == percent.quantize(FEN)):
                raise InvalidPolicy(f"the percentage for grade {grade!r} must be between 0 and "
                                    f"{MAX_GRADE_PERCENT} in hundredths, not {percent}")
        object.__setattr__(self, "grade_percent", MappingProxyType(dict(self.grade_percent)))
        if self.cap_per_claim is not None:
            _require_fen_amount("per-claim cap", self.cap_per_claim, InvalidPolicy)
        if self.cap_per_broker_year is not None:
            _require_fen_amount("per-broker-year cap", self.cap_per_broker_year, InvalidPolicy)

    def percent_for(self, grade: str | None) -> Decimal:
        return HUNDRED if grade is None else self.grade_percent.get(grade, HUNDRED)

    def compute(self, *, contract_amount: Decimal, technology_amount: Decimal | None,
                received_amount: Decimal, already_paid_this_year: Decimal = ZERO
                ) -> RewardBreakdown:
        base = compute_base(self.base, contract_amount, technology_amount, received_amount)
        return compute_reward(base, self.brackets, cap_per_claim=self.cap_per_claim,
                              already_paid_this_year=already_paid_this_year,
                              cap_per_broker_year=self.cap_per_broker_year)


def split_by_shares(total: Decimal, shares: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Split `total` by percentage shares summing to exactly 100, to the fen, parts summing
    exactly to `total`.

    Each part is first rounded down to the fen; the fen left over go one each to the parts
    with the largest remainders, ties to the smaller key (so the result does not depend on
    the mapping's order). Keys must be mutually orderable. The result keeps the mapping's order.
    """
    _require_fen_amount("total", total, InvalidAmount)
    for key, share in shares.items():
        if not _is_money(share):
            raise InvalidShares(f"the share of {key!r} must be a finite Decimal, not {share!r}")
        if share < 0:
            raise InvalidShares(f"the share of {key!r} must not be negative, got {share}")
    if sum(shares.values(), ZERO) != HUNDRED:
        raise InvalidShares(
            f"shares must sum to exactly 100, got {sum(shares.values(), ZERO)}")

    total_fen = int(total.scaleb(2))
    exact = {key: Fraction(total_fen) * Fraction(share) / 100 for key, share in shares.items()}
    floors = {key: math.floor(value) for key, value in exact.items()}
    left_over = total_fen - sum(floors.values())
    by_remainder = sorted(shares, key=lambda k: (-(exact[k] - floors[k]), k))
    for key in by_remainder[:left_over]:
        floors[key] += 1
    return {key: Decimal(floors[key]).scaleb(-2) for key in shares}


def apply_caps(amount: Decimal, *, cap_per_claim: Decimal | None = None,
               already_paid_this_year: Decimal = ZERO,
               cap_per_broker_year: Decimal | None = None
               ) -> tuple[Decimal, tuple[CapApplied, ...]]:
    """A fen amount after the per-claim and per-broker-year caps, and the caps that took
    something."""
    _require_fen_amount("amount", amount, InvalidAmount)
    if cap_per_claim is not None:
        _require_fen_amount("per-claim cap", cap_per_claim, InvalidPolicy)
    if cap_per_broker_year is not None:
        _require_fen_amount("per-broker-year cap", cap_per_broker_year, InvalidPolicy)
    _require_fen_amount("amount already paid this year", already_paid_this_year, InvalidPolicy)
    exact, caps = _cap(amount, cap_per_claim, already_paid_this_year, cap_per_broker_year)
    return to_fen(exact), caps


@dataclass(frozen=True, slots=True)
class ClaimReward:
    """One broker's reward on a deal: the deal's reward by the brackets (no caps), the
    broker's part of it by their share, that part at the rate of the broker's grade, then the
    caps."""

    deal: RewardBreakdown        # the whole deal's reward, uncapped
    share: Decimal               # the broker's share, percent
    share_amount: Decimal        # the broker's part of deal.amount, to the fen
    caps_applied: tuple[CapApplied, ...]
    amount: Decimal              # what this claim pays
    grade: str | None = None     # the broker's grade the policy's rate looked at
    grade_percent: Decimal = HUNDRED
    graded_amount: Decimal = ZERO  # share_amount × grade_percent / 100, to the fen

    @property
    def capped_by(self) -> CapKind | None:
        return self.caps_applied[-1].kind if self.caps_applied else None


def compute_claim(policy: RewardPolicy, broker: K, shares: Mapping[K, Decimal], *,
                  contract_amount: Decimal, technology_amount: Decimal | None,
                  received_amount: Decimal, already_paid_this_year: Decimal = ZERO,
                  grade: str | None = None) -> ClaimReward:
    """The reward of `broker`'s claim under `policy`.

    Caps are per claim and per broker-year, so they apply to the broker's part, after the
    brackets, the split and the rate of the broker's `grade`: a deal shared by two brokers may
    pay each up to the cap. The graded part is the fen part times the grade's percentage,
    rounded half up to the fen (a second rounding, of a figure the breakdown shows).
    `already_paid_this_year` is what this broker has been paid or approved this year.
    """
    if broker not in shares:
        raise InvalidShares(f"{broker!r} has no share in this deal")
    base = compute_base(policy.base, contract_amount, technology_amount, received_amount)
    deal = compute_reward(base, policy.brackets)
    part = split_by_shares(deal.amount, shares)[broker]
    percent = policy.percent_for(grade)
    graded = to_fen(part * percent / HUNDRED)
    amount, caps = apply_caps(graded, cap_per_claim=policy.cap_per_claim,
                              already_paid_this_year=already_paid_this_year,
                              cap_per_broker_year=policy.cap_per_broker_year)
    return ClaimReward(deal, shares[broker], part, caps, amount, grade, percent, graded)
