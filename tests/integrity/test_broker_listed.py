"""A broker put on the dishonesty list drops a grade: intake registers the demotion with the
list as it loads (integrity, below intake, does not import it), and listing a broker in a
process where nothing is registered is refused rather than left without its consequence."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from backend.core import clock
from backend.intake import demotion
from backend.integrity import dishonesty
from backend.integrity.context import SubjectKind
from tests.builders import accounts as b
from tests.builders import rewards as r


def test_intake_registers_the_demotion_as_it_loads() -> None:
    assert demotion.demote_for_finding in dishonesty._on_broker_listed


def test_a_broker_is_not_listed_without_the_demotion(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    admin, broker = b.make_admin(db), b.make_broker(db)
    [account, *_] = [s for s in dishonesty.broker_subjects(db, broker.id)
                     if s.kind is SubjectKind.BROKER]
    monkeypatch.setattr(dishonesty, "_on_broker_listed", [])
    with pytest.raises(RuntimeError, match="Nothing demotes a listed broker"):
        dishonesty.list_subject(db, r.actor(admin), account, reason="虚假申报",
                                listed_on=clock.today())
