"""Review panels: who of a pool of experts should review an item.

Pure: takes each candidate's kind, expertise similarity to the item, current load and whether
they may review it at all (no conflict of interest, capacity left), and returns the panel —
one expert per seat, each seat asking for a kind — that maximises the total expertise minus a
load penalty. A min-cost assignment (`scipy.optimize.linear_sum_assignment`) over seats ×
candidates, with ineligible pairs priced out; exact, so small cases can be checked against
brute force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.encoders import Encoder

LOAD_PENALTY = 0.15  # expertise a whole year's capacity of load is worth giving up
_INFEASIBLE = 1e6


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    kind: str
    similarity: float        # expertise: cosine similarity of profile and item, in [-1, 1]
    load: int = 0            # reviews this year, open or done
    capacity: int = 1        # reviews a year the expert accepts
    eligible: bool = True    # False: a conflict of interest, or excluded by the caller


class NoPanel(ValueError):
    """Some seat cannot be filled by an eligible candidate of its kind."""

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(f"no eligible expert for: {', '.join(kinds)}")
        self.kinds = kinds


def seat_value(seat_kind: str, c: Candidate, load_penalty: float = LOAD_PENALTY) -> float | None:
    """What placing `c` on a seat of `seat_kind` is worth, or None when it may not sit there."""
    if c.kind != seat_kind or not c.eligible or c.load >= c.capacity:
        return None
    return c.similarity - load_penalty * (c.load / max(c.capacity, 1))


def propose(seats: Sequence[str], candidates: Sequence[Candidate],
            load_penalty: float = LOAD_PENALTY) -> list[Candidate]:
    """One candidate per seat (in seat order), maximising the summed seat values; raises
    `NoPanel` when the seats cannot all be filled by distinct eligible candidates."""
    if not seats:
        return []
    cost = np.full((len(seats), max(len(candidates), 1)), _INFEASIBLE)
    for i, kind in enumerate(seats):
        for j, c in enumerate(candidates):
            value = seat_value(kind, c, load_penalty)
            if value is not None:
                cost[i, j] = -value
    rows, cols = linear_sum_assignment(cost)
    unfilled = [seats[i] for i, j in zip(rows, cols, strict=True) if cost[i, j] >= _INFEASIBLE]
    if unfilled or len(rows) < len(seats):
        placed = set(rows.tolist())
        raise NoPanel(unfilled + [seats[i] for i in range(len(seats)) if i not in placed])
    chosen = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return [candidates[chosen[i]] for i in range(len(seats))]


def expertise(encoder: Encoder, profiles: Sequence[str], item: str) -> list[float]:
    """Cosine similarity of each profile text to the item text (encoders give unit rows)."""
    if not profiles:
        return []
    vectors = encoder.encode([item, *profiles])
    return [float(x) for x in vectors[1:] @ vectors[0]]
