"""The reward calculation: worked examples from the policy, then properties that must hold for
any valid brackets, caps and shares."""

from __future__ import annotations

import math
from decimal import ROUND_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.rewards.calculation import (
    DEFAULT_BRACKETS,
    FEN,
    HUNDRED,
    Bracket,
    BracketLine,
    CapApplied,
    CapKind,
    InvalidAmount,
    InvalidBrackets,
    InvalidPolicy,
    InvalidShares,
    RewardBase,
    RewardCalculationError,
    RewardPolicy,
    apply_caps,
    compute_base,
    compute_claim,
    compute_reward,
    split_by_shares,
    to_fen,
    validate_brackets,
)

D = Decimal
MILLION = D(1_000_000)


def yuan(value: str) -> Decimal:
    return D(value)


def fen(n: int) -> Decimal:
    return D(n).scaleb(-2)


def reference_total(base: Decimal, brackets: tuple[Bracket, ...]) -> Decimal:
    """The rounded exact sum, computed independently with fractions."""
    exact = Fraction(0)
    lower = Fraction(0)
    for bracket in brackets:
        upper = None if bracket.upper is None else Fraction(bracket.upper)
        top = Fraction(base) if upper is None else min(Fraction(base), upper)
        if top > lower:
            exact += (top - lower) * Fraction(bracket.rate)
        if upper is None:
            break
        lower = upper
    return fen(math.floor(exact * 100 + Fraction(1, 2)))


# ---------------------------------------------------------------------------------------------
# Worked examples (the default policy: 1.5% up to 1,000,000, 1% of the part above)

@pytest.mark.parametrize(("base", "expected"), [
    ("800000", "12000.00"),
    ("1000000", "15000.00"),
    ("2500000", "30000.00"),
    ("3000000", "35000.00"),
    ("0", "0.00"),
    ("1.00", "0.02"),          # 0.015 rounds half up to 0.02
    ("0.33", "0.00"),          # 0.00495 rounds down
    ("0.34", "0.01"),          # 0.0051 rounds up
    ("1000000.50", "15000.01"),  # 15000 + 0.005, half up
    ("1000000.49", "15000.00"),  # 15000 + 0.0049
])
def test_default_brackets_examples(base: str, expected: str) -> None:
    result = compute_reward(yuan(base), DEFAULT_BRACKETS)
    assert result.amount == yuan(expected)
    assert result.amount.as_tuple().exponent == -2
    assert result.uncapped == yuan(expected)
    assert result.caps_applied == ()


def test_default_brackets_are_the_documented_policy() -> None:
    documented = (Bracket(MILLION, D("0.015")), Bracket(None, D("0.01")))
    assert documented == DEFAULT_BRACKETS


def test_lines_of_a_two_bracket_reward() -> None:
    result = compute_reward(yuan("2500000"), DEFAULT_BRACKETS)
    assert result.lines == (
        BracketLine(lower=D(0), upper=MILLION, rate=D("0.015"), portion=MILLION,
                    amount_exact=D("15000.000"), amount=D("15000.00")),
        BracketLine(lower=MILLION, upper=None, rate=D("0.01"), portion=D(1_500_000),
                    amount_exact=D("15000.00"), amount=D("15000.00")),
    )
    assert result.uncapped_exact == D("30000")


def test_lines_cover_every_bracket_even_when_the_base_does_not_reach_it() -> None:
    result = compute_reward(yuan("800000"), DEFAULT_BRACKETS)
    assert [line.portion for line in result.lines] == [D(800_000), D(0)]
    assert [line.amount for line in result.lines] == [D("12000.00"), D("0.00")]


def test_total_is_the_rounded_exact_sum_not_the_sum_of_rounded_lines_down() -> None:
    # Two lines of 0.0045 and 0.003 each round to 0.00, but together they are 0.0075 → 0.01.
    brackets = (Bracket(D("0.30"), D("0.015")), Bracket(None, D("0.01")))
    result = compute_reward(D("0.60"), brackets)
    assert [line.amount_exact for line in result.lines] == [D("0.00450"), D("0.0030")]
    assert [line.amount for line in result.lines] == [D("0.00"), D("0.00")]
    assert sum(line.amount for line in result.lines) == D("0.00")
    assert result.uncapped_exact == D("0.0075")
    assert result.amount == D("0.01")


def test_total_is_the_rounded_exact_sum_not_the_sum_of_rounded_lines_up() -> None:
    # Two lines of 0.005 each round up to 0.01, but together they are exactly 0.01.
    brackets = (Bracket(D(1), D("0.005")), Bracket(None, D("0.005")))
    result = compute_reward(D(2), brackets)
    assert [line.amount for line in result.lines] == [D("0.01"), D("0.01")]
    assert result.amount == D("0.01")


def test_three_brackets() -> None:
    brackets = (Bracket(D(100), D("0.1")), Bracket(D(200), D("0.05")), Bracket(None, D(0)))
    assert compute_reward(D(50), brackets).amount == D("5.00")
    assert compute_reward(D(150), brackets).amount == D("12.50")
    assert compute_reward(D(10_000), brackets).amount == D("15.00")


# ---------------------------------------------------------------------------------------------
# Caps

def test_per_claim_cap() -> None:
    result = compute_reward(yuan("3000000"), DEFAULT_BRACKETS, cap_per_claim=D(20_000))
    assert result.uncapped == D("35000.00")
    assert result.amount == D("20000.00")
    assert result.caps_applied == (CapApplied(CapKind.PER_CLAIM, D(20_000), D("15000.00")),)
    assert result.capped_by is CapKind.PER_CLAIM


def test_per_claim_cap_not_reached() -> None:
    result = compute_reward(yuan("800000"), DEFAULT_BRACKETS, cap_per_claim=D(20_000))
    assert result.amount == D("12000.00")
    assert result.caps_applied == ()
    assert result.capped_by is None


def test_per_broker_year_cap_counts_what_was_already_paid() -> None:
    result = compute_reward(yuan("3000000"), DEFAULT_BRACKETS,
                            already_paid_this_year=D(40_000), cap_per_broker_year=D(50_000))
    assert result.amount == D("10000.00")
    assert result.caps_applied == (
        CapApplied(CapKind.PER_BROKER_YEAR, D(10_000), D("25000.00")),)


def test_per_broker_year_cap_already_used_up() -> None:
    result = compute_reward(yuan("3000000"), DEFAULT_BRACKETS,
                            already_paid_this_year=D(60_000), cap_per_broker_year=D(50_000))
    assert result.amount == D("0.00")
    assert result.caps_applied == (CapApplied(CapKind.PER_BROKER_YEAR, D(0), D("35000.00")),)


def test_both_caps_apply_in_order() -> None:
    result = compute_reward(yuan("3000000"), DEFAULT_BRACKETS, cap_per_claim=D(30_000),
                            already_paid_this_year=D(80_000), cap_per_broker_year=D(100_000))
    assert result.amount == D("20000.00")
    assert result.caps_applied == (
        CapApplied(CapKind.PER_CLAIM, D(30_000), D("5000.00")),
        CapApplied(CapKind.PER_BROKER_YEAR, D(20_000), D("10000.00")),
    )
    assert result.capped_by is CapKind.PER_BROKER_YEAR


def test_cap_applies_to_the_exact_amount_then_rounds_once() -> None:
    # Exact 0.015 is under a cap of 0.02; the single rounding gives 0.02.
    result = compute_reward(D("1.00"), DEFAULT_BRACKETS, cap_per_claim=D("0.02"))
    assert result.amount == D("0.02")
    assert result.caps_applied == ()


@pytest.mark.parametrize("kwargs", [
    {"cap_per_claim": D(-1)},
    {"cap_per_claim": D("0.001")},
    {"cap_per_broker_year": D("-0.01")},
    {"cap_per_broker_year": D("10.005")},
    {"already_paid_this_year": D(-1)},
])
def test_invalid_caps_rejected(kwargs: dict[str, Decimal]) -> None:
    with pytest.raises(InvalidPolicy):
        compute_reward(D(100), DEFAULT_BRACKETS, **kwargs)


# ---------------------------------------------------------------------------------------------
# Validation

@pytest.mark.parametrize(("brackets", "fragment"), [
    ((), "at least one"),
    ((Bracket(MILLION, D("0.015")),), "last bracket"),
    ((Bracket(None, D("0.015")), Bracket(None, D("0.01"))), "only the last"),
    ((Bracket(MILLION, D("0.015")), Bracket(MILLION, D("0.01")), Bracket(None, D(0))),
     "ascending"),
    ((Bracket(MILLION, D("0.015")), Bracket(D(10), D("0.01")), Bracket(None, D(0))),
     "ascending"),
])
def test_invalid_bracket_lists(brackets: tuple[Bracket, ...], fragment: str) -> None:
    with pytest.raises(InvalidBrackets, match=fragment):
        validate_brackets(brackets)
    with pytest.raises(InvalidBrackets):
        compute_reward(D(100), brackets)


@pytest.mark.parametrize(("upper", "rate"), [
    (None, D("1.01")),
    (None, D("-0.01")),
    (None, D("NaN")),
    (D(0), D("0.01")),
    (D(-5), D("0.01")),
    (D("Infinity"), D("0.01")),
    (None, 0.015),
    (1_000_000.0, D("0.015")),
])
def test_invalid_bracket(upper: object, rate: object) -> None:
    with pytest.raises(InvalidBrackets):
        Bracket(upper, rate)  # type: ignore[arg-type]


def test_rates_of_zero_and_one_are_allowed() -> None:
    brackets = (Bracket(D(10), D(1)), Bracket(None, D(0)))
    assert compute_reward(D(25), brackets).amount == D("10.00")


def test_errors_are_value_errors() -> None:
    assert issubclass(InvalidBrackets, RewardCalculationError)
    assert issubclass(RewardCalculationError, ValueError)


@pytest.mark.parametrize("base", [D(-1), D("-0.01"), D("NaN"), D("Infinity")])
def test_invalid_base_rejected(base: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        compute_reward(base, DEFAULT_BRACKETS)


def test_float_base_rejected() -> None:
    with pytest.raises(InvalidAmount):
        compute_reward(1000.0, DEFAULT_BRACKETS)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The base

@pytest.mark.parametrize(("kind", "expected"), [
    (RewardBase.CONTRACT_AMOUNT, "1000000"),
    (RewardBase.TECHNOLOGY_AMOUNT, "800000"),
    (RewardBase.RECEIVED_AMOUNT, "600000"),
    (RewardBase.MIN_TECHNOLOGY_RECEIVED, "600000"),
])
def test_compute_base(kind: RewardBase, expected: str) -> None:
    assert compute_base(kind, D(1_000_000), D(800_000), D(600_000)) == D(expected)


def test_compute_base_accepts_the_stored_string_and_rejects_unknown_kinds() -> None:
    assert compute_base("contract_amount", D(100), D(80), D(60)) == D(100)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="amount"):
        compute_base("amount", D(100), D(80), D(60))  # type: ignore[arg-type]


def test_min_technology_received_takes_the_technology_amount_when_smaller() -> None:
    assert compute_base(RewardBase.MIN_TECHNOLOGY_RECEIVED,
                        D(1_000_000), D(700_000), D(900_000)) == D(700_000)


def test_default_base_is_min_technology_received() -> None:
    assert RewardPolicy().base is RewardBase.MIN_TECHNOLOGY_RECEIVED


def test_technology_amount_needed_only_where_used() -> None:
    assert compute_base(RewardBase.CONTRACT_AMOUNT, D(100), None, D(50)) == D(100)
    assert compute_base(RewardBase.RECEIVED_AMOUNT, D(100), None, D(50)) == D(50)
    for kind in (RewardBase.TECHNOLOGY_AMOUNT, RewardBase.MIN_TECHNOLOGY_RECEIVED):
        with pytest.raises(InvalidAmount, match="technology"):
            compute_base(kind, D(100), None, D(50))


@pytest.mark.parametrize(("contract", "technology", "received"), [
    (D(-1), D(0), D(0)),
    (D(100), D(-1), D(0)),
    (D(100), D(50), D(-1)),
    (D(100), D(101), D(50)),   # technology amount is the contract amount less costs
])
def test_compute_base_rejects_impossible_amounts(contract: Decimal, technology: Decimal,
                                                 received: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        compute_base(RewardBase.CONTRACT_AMOUNT, contract, technology, received)


def test_policy_compute_uses_its_base_and_caps() -> None:
    policy = RewardPolicy(base=RewardBase.RECEIVED_AMOUNT, cap_per_claim=D(20_000))
    result = policy.compute(contract_amount=D(3_000_000), technology_amount=D(2_900_000),
                            received_amount=D(2_500_000))
    assert result.base == D(2_500_000)
    assert result.amount == D("20000.00")
    default = RewardPolicy().compute(contract_amount=D(3_000_000), technology_amount=D(2_500_000),
                                     received_amount=D(3_000_000))
    assert default.amount == D("30000.00")


def test_policy_validates_on_construction() -> None:
    with pytest.raises(InvalidBrackets):
        RewardPolicy(brackets=(Bracket(D(10), D("0.1")),))
    with pytest.raises(InvalidPolicy):
        RewardPolicy(cap_per_claim=D("0.001"))


# ---------------------------------------------------------------------------------------------
# Splitting among brokers

def test_split_equal_halves_of_an_odd_fen_go_to_the_first_key() -> None:
    assert split_by_shares(D("0.05"), {"a": D(50), "b": D(50)}) == {"a": D("0.03"), "b": D("0.02")}
    # Ties follow the keys' order, not the mapping's insertion order.
    assert split_by_shares(D("0.05"), {"b": D(50), "a": D(50)}) == {"b": D("0.02"), "a": D("0.03")}


def test_split_largest_remainder_wins() -> None:
    assert split_by_shares(D("1.00"), {1: D("10.4"), 2: D("89.6")}) == {1: D("0.10"), 2: D("0.90")}


def test_split_thirds() -> None:
    parts = split_by_shares(D("100.00"), {7: D("33.33"), 8: D("33.33"), 9: D("33.34")})
    assert parts == {7: D("33.33"), 8: D("33.33"), 9: D("33.34")}
    named = split_by_shares(D("1.00"), {"x": D("33.5"), "y": D("33.5"), "z": D(33)})
    assert named == {"x": D("0.34"), "y": D("0.33"), "z": D("0.33")}


def test_split_single_broker_and_zero_total() -> None:
    assert split_by_shares(D("15000.00"), {42: D(100)}) == {42: D("15000.00")}
    assert split_by_shares(D(0), {1: D(60), 2: D(40)}) == {1: D("0.00"), 2: D("0.00")}


@pytest.mark.parametrize("shares", [
    {},
    {1: D("99.99")},
    {1: D(50), 2: D("50.01")},
    {1: D(110), 2: D(-10)},
    {1: D("NaN")},
])
def test_split_rejects_shares_not_summing_to_100(shares: dict[int, Decimal]) -> None:
    with pytest.raises(InvalidShares):
        split_by_shares(D(100), shares)


@pytest.mark.parametrize("total", [D(-1), D("0.001"), D("NaN")])
def test_split_rejects_an_invalid_total(total: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        split_by_shares(total, {1: D(100)})


# ---------------------------------------------------------------------------------------------
# Properties

# 0 … 10 billion yuan in fen, and whole yuan (which often land exactly on half a fen).
amounts = st.integers(min_value=0, max_value=10**12).map(fen) | st.integers(0, 10**6).map(D)
rates = st.integers(min_value=0, max_value=10_000).map(lambda r: D(r).scaleb(-4))
caps = st.integers(min_value=0, max_value=10**9).map(fen)


@st.composite
def bracket_lists(draw: st.DrawFn) -> tuple[Bracket, ...]:
    uppers = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=10**11), max_size=5))))
    bracket_rates = draw(st.lists(rates, min_size=len(uppers) + 1, max_size=len(uppers) + 1))
    return (*(Bracket(fen(u), r) for u, r in zip(uppers, bracket_rates, strict=False)),
            Bracket(None, bracket_rates[-1]))


# A flat 0.5% makes every odd whole yuan end on exactly half a fen: rounding must go up.
HALF_FEN_RATE = (Bracket(None, D("0.005")),)
any_brackets = st.one_of(st.just(DEFAULT_BRACKETS), st.just(HALF_FEN_RATE), bracket_lists())


@given(base=amounts, brackets=any_brackets)
def test_property_total_is_the_single_rounding_of_the_exact_sum(
        base: Decimal, brackets: tuple[Bracket, ...]) -> None:
    result = compute_reward(base, brackets)
    assert result.amount == reference_total(base, brackets)
    assert sum(line.portion for line in result.lines) == base
    assert sum(line.amount_exact for line in result.lines) == result.uncapped_exact


@given(base=amounts, brackets=any_brackets, cap=st.none() | caps)
def test_property_never_negative(base: Decimal, brackets: tuple[Bracket, ...],
                                 cap: Decimal | None) -> None:
    result = compute_reward(base, brackets, cap_per_claim=cap)
    assert result.amount >= 0
    assert all(line.portion >= 0 and line.amount_exact >= 0 for line in result.lines)
    assert all(c.reduced_by >= 0 for c in result.caps_applied)


@st.composite
def near_boundaries(draw: st.DrawFn) -> tuple[tuple[Bracket, ...], Decimal, Decimal]:
    """Brackets and two amounts, often both within a few hundred yuan of one boundary."""
    brackets = draw(any_brackets)
    bounds = [b.upper for b in brackets if b.upper is not None]
    if draw(st.booleans()) and bounds:
        bound = draw(st.sampled_from(bounds))
        offsets = st.integers(min_value=-50_000, max_value=50_000).map(fen)
        return brackets, max(D(0), bound + draw(offsets)), max(D(0), bound + draw(offsets))
    return brackets, draw(amounts), draw(amounts)


@given(case=near_boundaries(), cap=st.none() | caps)
def test_property_monotone_in_the_amount(case: tuple[tuple[Bracket, ...], Decimal, Decimal],
                                         cap: Decimal | None) -> None:
    brackets, a, b = case
    low, high = sorted((a, b))
    assert (compute_reward(low, brackets, cap_per_claim=cap).amount
            <= compute_reward(high, brackets, cap_per_claim=cap).amount)


def _one_fen_step_bound(brackets: tuple[Bracket, ...], index: int) -> Decimal:
    """The most one more fen of base can add just above bracket `index`'s upper bound."""
    return (brackets[index + 1].rate * FEN).quantize(FEN, rounding=ROUND_UP)


@given(brackets=bracket_lists())
def test_property_continuous_at_every_bracket_boundary(brackets: tuple[Bracket, ...]) -> None:
    for index, bracket in enumerate(brackets[:-1]):
        assert bracket.upper is not None
        at = compute_reward(bracket.upper, brackets).amount
        above = compute_reward(bracket.upper + FEN, brackets).amount
        below = compute_reward(bracket.upper - FEN, brackets).amount
        assert 0 <= above - at <= _one_fen_step_bound(brackets, index)
        assert 0 <= at - below <= (bracket.rate * FEN).quantize(FEN, rounding=ROUND_UP)


def test_continuity_at_the_default_boundary() -> None:
    at = compute_reward(MILLION, DEFAULT_BRACKETS).amount
    assert at == D("15000.00")
    assert compute_reward(MILLION + FEN, DEFAULT_BRACKETS).amount == D("15000.00")
    assert compute_reward(MILLION + 100 * FEN, DEFAULT_BRACKETS).amount == D("15000.01")


@given(base=amounts, brackets=any_brackets, cap_claim=st.none() | caps,
       cap_year=st.none() | caps, paid=caps)
def test_property_caps_never_exceeded(base: Decimal, brackets: tuple[Bracket, ...],
                                      cap_claim: Decimal | None, cap_year: Decimal | None,
                                      paid: Decimal) -> None:
    result = compute_reward(base, brackets, cap_per_claim=cap_claim,
                            already_paid_this_year=paid, cap_per_broker_year=cap_year)
    expected = result.uncapped
    if cap_claim is not None:
        assert result.amount <= cap_claim
        expected = min(expected, cap_claim)
    if cap_year is not None:
        assert result.amount <= max(D(0), cap_year - paid)
        expected = min(expected, max(D(0), cap_year - paid))
    assert result.amount == expected
    assert result.uncapped - sum(c.reduced_by for c in result.caps_applied) == result.amount


@st.composite
def share_maps(draw: st.DrawFn) -> dict[int, Decimal]:
    """2…6 brokers whose shares (to 4 decimals, some possibly zero) sum to exactly 100."""
    n = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=1_000_000),
                                min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 1_000_000]
    keys = draw(st.lists(st.integers(min_value=1, max_value=10**6), min_size=n, max_size=n,
                         unique=True))
    return {k: D(hi - lo).scaleb(-4) for k, lo, hi in zip(keys, bounds, bounds[1:], strict=False)}


@st.composite
def equal_share_maps(draw: st.DrawFn) -> dict[int, Decimal]:
    """Equal shares, so that left-over fen must be given by the tie rule."""
    n = draw(st.sampled_from([2, 4, 5, 8, 16]))
    keys = draw(st.lists(st.integers(min_value=1, max_value=10**6), min_size=n, max_size=n,
                         unique=True))
    return dict.fromkeys(keys, HUNDRED / n)


any_shares = share_maps() | equal_share_maps()


@given(total=amounts, shares=any_shares)
def test_property_split_sums_exactly_and_each_part_is_within_a_fen(
        total: Decimal, shares: dict[int, Decimal]) -> None:
    parts = split_by_shares(total, shares)
    assert list(parts) == list(shares)
    assert sum(parts.values()) == total
    for key, part in parts.items():
        assert part == part.quantize(FEN)
        assert abs(part - total * shares[key] / 100) < FEN
    # Largest remainder: every part rounded up had at least the remainder of every part not.
    exact = {key: Fraction(total) * Fraction(share) / 100 for key, share in shares.items()}
    remainders = {key: exact[key] * 100 - math.floor(exact[key] * 100) for key in shares}
    up = [remainders[k] for k in shares if Fraction(parts[k]) > exact[k]]
    down = [remainders[k] for k in shares if Fraction(parts[k]) <= exact[k]]
    assert not up or not down or min(up) >= max(down)
    # Deterministic whatever the mapping's order.
    assert split_by_shares(total, dict(reversed(shares.items()))) == parts


@given(total=amounts, shares=any_shares,
       delta=st.integers(min_value=-5000, max_value=5000).filter(bool).map(
           lambda d: D(d).scaleb(-4)))
def test_property_shares_not_summing_to_100_rejected(total: Decimal, shares: dict[int, Decimal],
                                                     delta: Decimal) -> None:
    key = next(iter(shares))
    shares[key] += delta
    with pytest.raises(InvalidShares):
        split_by_shares(total, shares)


# ---------------------------------------------------------------------------------------------
# One broker's claim: the deal's reward, split, then capped

def test_compute_claim_splits_then_caps() -> None:
    policy = RewardPolicy(cap_per_claim=D(10_000))
    lead = compute_claim(policy, "lead", {"lead": D("66.67"), "other": D("33.33")},
                         contract_amount=D(3_000_000), technology_amount=D(3_000_000),
                         received_amount=D(3_000_000))
    assert (lead.deal.amount, lead.share_amount, lead.amount) == (
        D("35000.00"), D("23334.50"), D("10000.00"))
    assert lead.caps_applied == (CapApplied(CapKind.PER_CLAIM, D(10_000), D("13334.50")),)
    assert lead.capped_by is CapKind.PER_CLAIM


def test_compute_claim_needs_the_brokers_share() -> None:
    with pytest.raises(InvalidShares):
        compute_claim(RewardPolicy(), "nobody", {"lead": D(100)}, contract_amount=D(1),
                      technology_amount=D(1), received_amount=D(1))


@st.composite
def share_maps(draw: st.DrawFn) -> dict[int, Decimal]:
    n = draw(st.integers(min_value=1, max_value=5))
    cuts = sorted(draw(st.lists(st.integers(1, 9_999), min_size=n - 1, max_size=n - 1,
                                unique=True)))
    edges = [0, *cuts, 10_000]
    return {i: D(edges[i + 1] - edges[i]).scaleb(-2) for i in range(n)}


@given(amount=amounts, shares=share_maps(), cap=st.none() | caps, year_cap=st.none() | caps,
       paid=caps)
def test_property_claims_split_exactly_and_never_exceed_caps(
        amount: Decimal, shares: dict[int, Decimal], cap: Decimal | None,
        year_cap: Decimal | None, paid: Decimal) -> None:
    amount = amount.quantize(FEN)
    uncapped = RewardPolicy()
    parts = [compute_claim(uncapped, broker, shares, contract_amount=amount,
                           technology_amount=amount, received_amount=amount)
             for broker in shares]
    assert sum(p.amount for p in parts) == parts[0].deal.amount  # the split is exact
    capped = RewardPolicy(cap_per_claim=cap, cap_per_broker_year=year_cap)
    for broker, part in zip(shares, parts, strict=True):
        claim = compute_claim(capped, broker, shares, contract_amount=amount,
                              technology_amount=amount, received_amount=amount,
                              already_paid_this_year=paid)
        assert 0 <= claim.amount <= part.amount
        assert cap is None or claim.amount <= cap
        assert year_cap is None or claim.amount <= max(D(0), year_cap - paid)
        assert claim.share_amount - sum(c.reduced_by for c in claim.caps_applied) == \
            claim.amount


@given(amount=caps, cap=st.none() | caps, year_cap=st.none() | caps, paid=caps)
def test_property_apply_caps_is_the_smallest_limit(amount: Decimal, cap: Decimal | None,
                                                   year_cap: Decimal | None, paid: Decimal
                                                   ) -> None:
    capped, _ = apply_caps(amount, cap_per_claim=cap, already_paid_this_year=paid,
                           cap_per_broker_year=year_cap)
    limits = [amount]
    if cap is not None:
        limits.append(cap)
    if year_cap is not None:
        limits.append(max(D(0), year_cap - paid))
    assert capped == min(limits)


# ---------------------------------------------------------------------------------------------
# The rate by the broker's grade: a percentage of the broker's part, before the caps

def test_grade_percent_scales_the_brokers_part_before_the_caps() -> None:
    policy = RewardPolicy(grade_percent={"senior": D(120), "junior": D(80)},
                          cap_per_claim=D(20_000))
    common = {"contract_amount": D(1_000_000), "technology_amount": D(1_000_000),
              "received_amount": D(1_000_000)}
    senior = compute_claim(policy, "b", {"b": D(100)}, grade="senior", **common)
    assert (senior.share_amount, senior.grade_percent, senior.graded_amount, senior.amount) == (
        D("15000.00"), D(120), D("18000.00"), D("18000.00"))
    junior = compute_claim(policy, "b", {"b": D(100)}, grade="junior", **common)
    assert (junior.graded_amount, junior.amount) == (D("12000.00"), D("12000.00"))
    # A grade the policy does not name, or none, is paid at 100%.
    for grade in ("intermediate", None):
        plain = compute_claim(policy, "b", {"b": D(100)}, grade=grade, **common)
        assert (plain.grade_percent, plain.amount) == (D(100), D("15000.00"))
    # The cap applies to the graded part.
    capped = compute_claim(RewardPolicy(grade_percent={"senior": D(200)}, cap_per_claim=D(20_000)),
                           "b", {"b": D(100)}, grade="senior", **common)
    assert (capped.graded_amount, capped.amount) == (D("30000.00"), D("20000.00"))
    assert capped.caps_applied == (CapApplied(CapKind.PER_CLAIM, D(20_000), D("10000.00")),)


@pytest.mark.parametrize("percent", [D(-1), D("200.01"), D("NaN"), D("12.345")])
def test_grade_percent_outside_0_to_200_or_finer_than_a_hundredth_is_refused(
        percent: Decimal) -> None:
    with pytest.raises(InvalidPolicy):
        RewardPolicy(grade_percent={"senior": percent})


@given(amount=amounts, shares=share_maps(), percent=st.integers(0, 20_000).map(
    lambda p: D(p).scaleb(-2)), cap=st.none() | caps)
def test_property_grade_percent_is_exact_to_the_fen_and_monotone(
        amount: Decimal, shares: dict[int, Decimal], percent: Decimal, cap: Decimal | None
        ) -> None:
    amount = amount.quantize(FEN)
    common = {"contract_amount": amount, "technology_amount": amount, "received_amount": amount}
    graded = RewardPolicy(grade_percent={"senior": percent}, cap_per_claim=cap)
    plain = RewardPolicy(cap_per_claim=cap)
    for broker in shares:
        at_grade = compute_claim(graded, broker, shares, grade="senior", **common)
        at_100 = compute_claim(plain, broker, shares, grade="senior", **common)
        assert at_grade.share_amount == at_100.share_amount
        assert at_grade.graded_amount == to_fen(at_grade.share_amount * percent / 100)
        assert cap is None or at_grade.amount <= cap
        if percent <= 100:
            assert at_grade.amount <= at_100.amount
        else:
            assert at_grade.amount >= at_100.amount
        assert at_grade.graded_amount - sum(c.reduced_by for c in at_grade.caps_applied) == \
            at_grade.amount
