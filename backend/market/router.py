"""Public market figures for the landing page; no login needed."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.config import get_settings
from backend.core.clock import today
from backend.core.deps import SessionDep
from backend.core.routing import UnitOfWorkRoute
from backend.market import schemas, service

router = APIRouter(prefix="/api/v1/market", tags=["market"], route_class=UnitOfWorkRoute)

# Browsers and proxies ask again each time (the server's own cache absorbs the load), so a
# listing just published shows on the landing page at once.
CACHE_CONTROL = "public, no-cache"


@router.get("/figures")
def get_figures(session: SessionDep, response: Response) -> schemas.MarketFigures:
    """Listing counts as a visitor sees them, deals, registered contract amounts, rewards
    paid, and the last twelve months."""
    response.headers["Cache-Control"] = CACHE_CONTROL
    return service.figures_cache.get(session, today(), get_settings().market_figures_cache_seconds)
