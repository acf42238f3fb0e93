"""Feedback on matches: a user marks a matched pair useful or not (for evaluating the matcher)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.types import UTCDateTime, utcnow
from backend.db import Base
from backend.listings.models import Achievement, Demand


class MatchFeedback(Base):
    """One user's verdict on one demand–achievement pair, whichever side they matched from
    (`source_kind`); saying it again replaces it."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("user_id", "demand_id", "achievement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"),
                                           index=True)
    achievement_id: Mapped[int] = mapped_column(
        ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    source_kind: Mapped[str] = mapped_column(String(16))  # "demand" or "achievement"
    useful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(String(1000), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# The broker feed starts from the listings published most recently (`service.feed`): these
# let it read the newest few instead of sorting every listing on each request.
DEMANDS_PUBLISHED_AT = Index("ix_demands_published_at", Demand.published_at)
ACHIEVEMENTS_PUBLISHED_AT = Index("ix_achievements_published_at", Achievement.published_at)
