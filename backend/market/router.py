"""Public market figures for the landing page; no login needed."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.config import get_settings
from backend.core.clock import today
from backend.core.deps import SessionDep
from backend.core.routing import UnitOfWorkRoute
from backend.market import schemas, service

router = APIRouter(prefix="/api/v1/market", tags=["market"], route_class=UnitOfWorkRoute)

# Figures for the public move slowly; let browsers and proxies reuse them for a while.
CACHE_SECONDS = 300


@router.get("/figures")
def get_figures(session: SessionDep, response: Response) -> schemas.MarketFigures:
    """Listing counts as a visitor sees them, deals, registered contract amounts, rewards
    paid, and the last twelve months."""
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return service.figures_cache.get(session, today(), get_settings().market_figures_cache_seconds)
