"""HTTP for the capital chain: mandates, financing requests, the investor feed, interest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.capital import schemas, service
from backend.capital.models import FinancingStatus
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute
from backend.core.schemas import Page

investors_router = APIRouter(prefix="/api/v1/investors", tags=["capital"],
                             route_class=UnitOfWorkRoute)
financing_router = APIRouter(prefix="/api/v1/financing-requests", tags=["capital"],
                             route_class=UnitOfWorkRoute)

MandateEditor = Annotated[User, Depends(require(Permission.MANDATE_EDIT))]
FinancingWriter = Annotated[User, Depends(require(Permission.FINANCING_WRITE))]
Investor = Annotated[User, Depends(require(Permission.FINANCING_FEED))]


# --- investors and their mandates ------------------------------------------------------------

@investors_router.get("")
def list_investors(session: SessionDep, user: FinancingWriter,
                   q: Annotated[str | None, Query(max_length=100)] = None
                   ) -> list[schemas.InvestorOut]:
    """Verified investors, to name as a financing request's audience."""
    return service.verified_investors(session, q)


@investors_router.get("/me/mandate")
def get_mandate(session: SessionDep, user: MandateEditor) -> schemas.MandateOut:
    return service.mandate_view(session, service.own_mandate(session, user))


@investors_router.put("/me/mandate")
def put_mandate(body: schemas.MandateIn, session: SessionDep, user: MandateEditor,
                actor: ActorDep) -> schemas.MandateOut:
    """Set the investor organisation's kind and mandate (any member; audited)."""
    return service.mandate_view(session, service.set_mandate(session, actor, user, body))


@investors_router.get("/me/feed")
def investor_feed(session: SessionDep, user: Investor, page: PageNo = 1,
                  page_size: PageSize = 20) -> Page[schemas.FeedItemOut]:
    """Published requests that fit the mandate, best first (see capital/feed.py)."""
    items, total = service.investor_feed(session, user, page, page_size)
    return Page(items=items, total=total, page=page, page_size=page_size)


# --- financing requests ----------------------------------------------------------------------

def _out(session: SessionDep, user: User, request: object) -> schemas.FinancingOut:
    return service.views(session, user, [request])[0]  # type: ignore[list-item]


@financing_router.get("")
def list_requests(session: SessionDep, user: CurrentUser, status: FinancingStatus | None = None,
                  page: PageNo = 1, page_size: PageSize = 20) -> Page[schemas.FinancingOut]:
    """The requests the caller may see: its organisation's own; for a verified investor, those
    published to it; for administrators, all."""
    rows, total = service.list_requests(session, user, status, page, page_size)
    return Page(items=service.views(session, user, rows), total=total, page=page,
                page_size=page_size)


@financing_router.post("", status_code=status.HTTP_201_CREATED)
def create_request(body: schemas.FinancingIn, session: SessionDep, user: FinancingWriter,
                   actor: ActorDep) -> schemas.FinancingOut:
    return _out(session, user, service.create_request(session, actor, user, body))


@financing_router.get("/{request_id}")
def get_request(request_id: int, session: SessionDep, user: CurrentUser
                ) -> schemas.FinancingOut:
    return _out(session, user, service.request_for(session, user, request_id))


@financing_router.patch("/{request_id}")
def update_request(request_id: int, body: schemas.FinancingUpdate, session: SessionDep,
                   user: FinancingWriter, actor: ActorDep) -> schemas.FinancingOut:
    request = service.owned_request(session, user, request_id)
    return _out(session, user, service.update_request(session, actor, request, body))


@financing_router.post("/{request_id}/publish")
def publish_request(request_id: int, session: SessionDep, user: FinancingWriter,
                    actor: ActorDep) -> schemas.FinancingOut:
    request = service.owned_request(session, user, request_id)
    return _out(session, user, service.publish(session, actor, request))


@financing_router.post("/{request_id}/close")
def close_request(request_id: int, session: SessionDep, user: FinancingWriter,
                  actor: ActorDep) -> schemas.FinancingOut:
    request = service.owned_request(session, user, request_id)
    return _out(session, user, service.end(session, actor, request, FinancingStatus.CLOSED))


@financing_router.post("/{request_id}/withdraw")
def withdraw_request(request_id: int, session: SessionDep, user: FinancingWriter,
                     actor: ActorDep) -> schemas.FinancingOut:
    request = service.owned_request(session, user, request_id)
    return _out(session, user, service.end(session, actor, request, FinancingStatus.WITHDRAWN))


@financing_router.get("/{request_id}/interests")
def list_interests(request_id: int, session: SessionDep, user: CurrentUser
                   ) -> list[schemas.InterestOut]:
    """Who is interested and where it led: the owner and administrators see every investor's;
    an investor its own."""
    return service.interests(session, user, request_id)


@financing_router.post("/{request_id}/interest", status_code=status.HTTP_201_CREATED)
def mark_interest(request_id: int, body: schemas.InterestIn, session: SessionDep,
                  user: Investor, actor: ActorDep) -> schemas.InterestOut:
    interest = service.mark_interest(session, actor, user, request_id, body)
    return service.interest_views(session, [interest])[0]


@financing_router.post("/{request_id}/outcome")
def record_outcome(request_id: int, body: schemas.OutcomeIn, session: SessionDep,
                   user: Investor, actor: ActorDep) -> schemas.InterestOut:
    """Record a term sheet, an approved loan, or a decline with its reason."""
    interest = service.record_outcome(session, actor, user, request_id, body)
    return service.interest_views(session, [interest])[0]


@financing_router.post("/{request_id}/interests/{interest_id}/confirm")
def confirm_outcome(request_id: int, interest_id: int, session: SessionDep,
                    user: FinancingWriter, actor: ActorDep) -> schemas.InterestOut:
    """The owner confirms an investor's term sheet or approved loan: from now on its amount
    counts in statistics and totals (evidence before money)."""
    interest = service.answer_outcome(session, actor, user, request_id, interest_id, True)
    return service.interest_views(session, [interest])[0]


@financing_router.post("/{request_id}/interests/{interest_id}/dispute")
def dispute_outcome(request_id: int, interest_id: int, body: schemas.DisputeIn,
                    session: SessionDep, user: FinancingWriter, actor: ActorDep
                    ) -> schemas.InterestOut:
    """The owner disputes an investor's outcome, with the reason; it does not count."""
    interest = service.answer_outcome(session, actor, user, request_id, interest_id, False,
                                      body.reason)
    return service.interest_views(session, [interest])[0]


@financing_router.get("/{request_id}/threads")
def list_threads(request_id: int, session: SessionDep, user: CurrentUser
                 ) -> list[schemas.ThreadOut]:
    """Question threads: the owner and administrators see every investor's, an investor its
    own; nobody else."""
    return service.threads(session, user, request_id)


@financing_router.post("/{request_id}/threads", status_code=status.HTTP_201_CREATED)
def ask_question(request_id: int, body: schemas.QuestionIn, session: SessionDep,
                 user: Investor, actor: ActorDep) -> schemas.ThreadOut:
    """An investor asks the request's owner, in its own thread."""
    return service.ask(session, actor, user, request_id, body)


@financing_router.post("/{request_id}/threads/{investor_id}", status_code=status.HTTP_201_CREATED)
def answer_question(request_id: int, investor_id: int, body: schemas.QuestionIn,
                    session: SessionDep, user: FinancingWriter, actor: ActorDep
                    ) -> schemas.ThreadOut:
    """The owner answers in an investor's thread."""
    return service.answer(session, actor, user, request_id, investor_id, body)
