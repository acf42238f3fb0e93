"""The public market figures shown on the landing page."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from backend.core.schemas import Schema


class MonthFigures(Schema):
    month: str = Field(description="YYYY-MM, Beijing time", examples=["2026-11"])
    demands: int = Field(description="public demands first published that month")
    achievements: int = Field(description="public achievements first published that month")
    deals: int = Field(description="deals opened that month")


class MarketFigures(Schema):
    demands: int = Field(description="demands a visitor who is not logged in can see")
    achievements: int = Field(description="achievements a visitor who is not logged in can see")
    deals: int = Field(description="deals opened (撮合项目), whatever their stage")
    completed: int = Field(description="deals fully paid (已全额到账): at stage paid or closed, the "
                                       "contract's confirmed amount reached by confirmed "
                                       "payments")
    contract_amount: Decimal = Field(description="sum of registered contracts' amounts as their "
                                                 "parties confirmed them, on deals not cancelled "
                                                 "or lost, yuan")
    rewards_paid: Decimal = Field(description="rewards (奖补) paid to brokers, less what was "
                                              "clawed back, yuan")
    monthly: list[MonthFigures] = Field(description="the last twelve months, oldest first")
