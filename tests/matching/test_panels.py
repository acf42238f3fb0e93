"""Panel proposal: exclusions and capacity respected, and optimal (checked by brute force)."""

from __future__ import annotations

import itertools
import random

import pytest

from matching.encoders import HashEncoder
from matching.panels import LOAD_PENALTY, Candidate, NoPanel, expertise, propose, seat_value

MIX = ["scientist", "entrepreneur", "investor"]


def _brute_force(seats: list[str], pool: list[Candidate]) -> float | None:
    best = None
    for combo in itertools.permutations(range(len(pool)), len(seats)):
        values = [seat_value(k, pool[j]) for k, j in zip(seats, combo, strict=True)]
        if any(v is None for v in values):
            continue
        total = sum(v for v in values if v is not None)
        best = total if best is None else max(best, total)
    return best


def test_the_best_expert_of_each_kind_is_proposed() -> None:
    pool = [Candidate(1, "scientist", 0.9), Candidate(2, "scientist", 0.5),
            Candidate(3, "entrepreneur", 0.2), Candidate(4, "investor", 0.4),
            Candidate(5, "investor", 0.7)]
    assert [c.id for c in propose(MIX, pool)] == [1, 3, 5]


def test_conflicted_experts_are_never_proposed() -> None:
    pool = [Candidate(1, "scientist", 0.9, eligible=False), Candidate(2, "scientist", 0.1),
            Candidate(3, "entrepreneur", 0.2), Candidate(4, "investor", 0.4)]
    assert [c.id for c in propose(MIX, pool)] == [2, 3, 4]


def test_experts_at_capacity_are_never_proposed() -> None:
    pool = [Candidate(1, "scientist", 0.9, load=3, capacity=3), Candidate(2, "scientist", 0.1),
            Candidate(3, "entrepreneur", 0.2), Candidate(4, "investor", 0.4)]
    assert [c.id for c in propose(MIX, pool)] == [2, 3, 4]


def test_load_is_penalised() -> None:
    busy = Candidate(1, "scientist", 0.60, load=4, capacity=5)   # 0.60 − 0.15·0.8 = 0.48
    idle = Candidate(2, "scientist", 0.50, load=0, capacity=5)   # 0.50
    assert seat_value("scientist", busy) == pytest.approx(0.60 - LOAD_PENALTY * 0.8)
    assert [c.id for c in propose(["scientist"], [busy, idle])] == [2]


def test_a_seat_nobody_may_fill_is_named() -> None:
    pool = [Candidate(1, "scientist", 0.9), Candidate(2, "investor", 0.4, eligible=False)]
    with pytest.raises(NoPanel) as raised:
        propose(MIX, pool)
    assert sorted(raised.value.kinds) == ["entrepreneur", "investor"]


def test_two_seats_of_one_kind_take_two_people() -> None:
    pool = [Candidate(1, "scientist", 0.9), Candidate(2, "scientist", 0.3)]
    assert sorted(c.id for c in propose(["scientist", "scientist"], pool)) == [1, 2]
    with pytest.raises(NoPanel):
        propose(["scientist", "scientist"], pool[:1])


@pytest.mark.parametrize("seed", range(40))
def test_optimal_on_small_random_cases(seed: int) -> None:
    rng = random.Random(seed)
    kinds = ["scientist", "entrepreneur", "investor"]
    seats = [rng.choice(kinds) for _ in range(rng.randint(1, 4))]
    pool = [Candidate(i, rng.choice(kinds), round(rng.uniform(-0.2, 1), 3),
                      load=rng.randint(0, 3), capacity=rng.randint(1, 4),
                      eligible=rng.random() > 0.2) for i in range(rng.randint(2, 7))]
    best = _brute_force(seats, pool)
    if best is None:
        with pytest.raises(NoPanel):
            propose(seats, pool)
        return
    panel = propose(seats, pool)
    assert len({c.id for c in panel}) == len(seats)
    values = [seat_value(k, c) for k, c in zip(seats, panel, strict=True)]
    assert None not in values
    assert sum(v for v in values if v is not None) == pytest.approx(best)


def test_expertise_ranks_the_closer_profile_first() -> None:
    scores = expertise(HashEncoder(), ["锂电池正极材料 包覆改性 电化学", "风险投资 医疗器械 并购"],
                       "高镍三元正极材料表面包覆改性技术")
    assert scores[0] > scores[1]
