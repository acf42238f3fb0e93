"""Rewards reaches the integrity checks through `backend/rewards/checks.py`, which integrity
fills in as it loads: rewards imports nothing of integrity (tests/core/test_import_structure.py
enforces it), and a process that never loaded integrity cannot submit an unchecked claim."""

from __future__ import annotations

import pytest

from backend.integrity import lookup, service
from backend.rewards import checks


def test_integrity_installs_its_checks_as_it_loads() -> None:
    installed = checks.checks()
    assert installed.check_claim is service.check_claim
    assert installed.open_flag_counts is lookup.open_flag_counts
    assert installed.flags_for_claim is lookup.flags_for_claim


def test_without_integrity_claims_are_refused_not_unchecked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "_installed", None)
    with pytest.raises(RuntimeError, match="No integrity checks"):
        checks.checks()
