"""What rewards asks of the integrity checks, and integrity supplies when it loads.

Integrity sits above rewards: its rules read claims, policies and the reward arithmetic. So
rewards does not import it. A claim's submission runs the checks (refused when one blocks),
its approval waits until the flags that hold it up are decided, and administrators see the
flags beside a claim: `backend/integrity/service.py` hands the functions that do this to
`install` when it loads, as the worker module hands core its Celery app. Every process that
handles claims loads it (the API through the integrity router, the worker through the
integrity tasks, the demo seeding and the tests explicitly); one that has not gets an error,
never a claim that nothing checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from backend.audit.service import Actor


class Finding(Protocol):
    """What a check found on a claim, as the claims service reads it."""

    @property
    def rule(self) -> str: ...
    @property
    def blocking(self) -> bool: ...
    @property
    def message_zh(self) -> str: ...
    @property
    def message_en(self) -> str: ...


@dataclass(frozen=True)
class ClaimChecks:
    # Run every rule on a just-submitted claim, store its flags, return the findings.
    check_claim: Callable[[Session, Actor, int], Sequence[Finding]]
    # Open flags that hold up the claim's approval.
    blocking_flag_count: Callable[[Session, int], int]
    # Open flags per claim, for the administrators' lists.
    open_flag_counts: Callable[[Session, Iterable[int]], dict[int, int]]
    # Every flag on the claim (rows the claim's detail shows administrators as `FlagOut`).
    flags_for_claim: Callable[[Session, int], Sequence[Any]]


_installed: ClaimChecks | None = None


def install(checks: ClaimChecks) -> None:
    global _installed
    _installed = checks


def checks() -> ClaimChecks:
    if _installed is None:
        raise RuntimeError("No integrity checks for reward claims: import "
                           "backend.integrity.service at start-up (rewards/checks.py).")
    return _installed
