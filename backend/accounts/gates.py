"""Work a broker's grade must reach, as settings: one setting per policy.

  GRADE_FOR_PRIVATE_DEMANDS  a broker assigned to, or drafting, a private demand
  GRADE_FOR_LARGE_DEALS      every active broker on a deal whose contract is above
                             LARGE_DEAL_AMOUNT yuan

"none" turns a gate off. Grades are earned and lost in intake (promotion, demotion); the gates
read only the broker's profile, so they live with it, below listings, deals and intake, which
all check them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerLevel, BrokerProfile, User
from backend.config import get_settings
from backend.core.errors import Conflict

ORDER: tuple[BrokerLevel, ...] = (BrokerLevel.JUNIOR, BrokerLevel.INTERMEDIATE,
                                  BrokerLevel.SENIOR)
LEVEL_ZH = {BrokerLevel.JUNIOR: "初级", BrokerLevel.INTERMEDIATE: "中级",
            BrokerLevel.SENIOR: "高级"}


class Gate(StrEnum):
    PRIVATE_DEMAND = "private_demand"
    LARGE_DEAL = "large_deal"


def rank(level: BrokerLevel | str) -> int:
    return ORDER.index(BrokerLevel(level))


def required(gate: Gate) -> BrokerLevel | None:
    """The grade a gate asks for now, or None when it is off."""
    settings = get_settings()
    value = (settings.grade_for_private_demands if gate is Gate.PRIVATE_DEMAND
             else settings.grade_for_large_deals)
    return None if value == "none" else BrokerLevel(value)


def meets(level: BrokerLevel | str | None, needed: BrokerLevel | None) -> bool:
    return needed is None or (level is not None and rank(level) >= rank(needed))


def _levels(session: Session, broker_ids: Iterable[int]) -> dict[int, BrokerLevel]:
    ids = list(dict.fromkeys(broker_ids))
    if not ids:
        return {}
    rows = session.execute(select(BrokerProfile.user_id, BrokerProfile.level)
                           .where(BrokerProfile.user_id.in_(ids))).all()
    return {user_id: level for user_id, level in rows}


def _refuse(gate: Gate, needed: BrokerLevel, names: list[str]) -> Conflict:
    what_zh, what_en = {
        Gate.PRIVATE_DEMAND: ("非公开需求", "private demands"),
        Gate.LARGE_DEAL: ("大额合同", "deals of this size"),
    }[gate]
    who = "、".join(names)
    return Conflict(f"{what_zh}需要{LEVEL_ZH[needed]}及以上的技术经纪人（{who}未达到）。"
                    f"{what_en[0].upper()}{what_en[1:]} need a broker of grade {needed.value} "
                    f"or above ({who} is not).", reason="grade_too_low", gate=gate.value,
                    required_level=needed.value)


def require_grade(session: Session, gate: Gate, broker_ids: Iterable[int]) -> None:
    """409 naming the brokers below the grade `gate` asks for (nothing when it is off)."""
    needed = required(gate)
    if needed is None:
        return
    ids = list(broker_ids)
    levels = _levels(session, ids)
    short = [i for i in ids if not meets(levels.get(i), needed)]
    if short:
        names = dict(session.execute(select(User.id, User.display_name)
                                     .where(User.id.in_(short))).all())
        raise _refuse(gate, needed, [names.get(i, str(i)) for i in short])


def require_for_deal(session: Session, broker_ids: Iterable[int], amount: Decimal) -> None:
    """A contract above LARGE_DEAL_AMOUNT needs every active broker at the large-deal grade."""
    if amount > get_settings().large_deal_amount:
        require_grade(session, Gate.LARGE_DEAL, broker_ids)
