"""The rules every part of a challenge reads: who is its issuer, who sees it, when proposals
close, what the whole prize is."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from backend.accounts.models import User
from backend.challenges.models import Challenge, ChallengeStatus
from backend.core import clock
from backend.core.errors import PermissionDenied
from backend.core.permissions import Role

NOT_FOUND = "未找到该榜单。No such challenge."


def closes_at(challenge: Challenge) -> datetime:
    """Proposals are taken through the deadline day, Beijing time."""
    return datetime.combine(challenge.deadline + timedelta(days=1), time(0),
                            tzinfo=clock.CHINA_TZ)


def total(challenge: Challenge) -> Decimal:
    return challenge.prize + challenge.top_up


def is_issuer(user: User | None, challenge: Challenge) -> bool:
    if user is None:
        return False
    if challenge.issuer_org_id is None:
        return user.role == Role.ADMIN
    return user.role == Role.FIRM and user.organisation_id == challenge.issuer_org_id


def may_see(user: User | None, challenge: Challenge) -> bool:
    if challenge.status != ChallengeStatus.DRAFT:
        return True
    return user is not None and (user.role == Role.ADMIN or is_issuer(user, challenge))


def require_issuer(user: User, challenge: Challenge) -> None:
    if not is_issuer(user, challenge):
        raise PermissionDenied("只有发榜方可以进行此操作。Only the challenge's issuer may do "
                               "this.")
