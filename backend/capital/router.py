"""HTTP for the capital chain: mandates, financing requests, the investor feed, interest."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.capital import dossiers, roadshows, schemas, service, stats
from backend.capital.models import FinancingStatus, Instrument, RoadshowStatus
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute
from backend.core.schemas import Page
from backend.intake import dossiers as intake_dossiers
from backend.intake import schemas as intake_schemas
from backend.intake import views as intake_views

investors_router = APIRouter(prefix="/api/v1/investors", tags=["capital"],
                             route_class=UnitOfWorkRoute)
financing_router = APIRouter(prefix="/api/v1/financing-requests", tags=["capital"],
                             route_class=UnitOfWorkRoute)
capital_router = APIRouter(prefix="/api/v1/capital", tags=["capital"],
                           route_class=UnitOfWorkRoute)
roadshows_router = APIRouter(prefix="/api/v1/roadshows", tags=["capital"],
                             route_class=UnitOfWorkRoute)

MandateEditor = Annotated[User, Depends(require(Permission.MANDATE_EDIT))]
FinancingWriter = Annotated[User, Depends(require(Permission.FINANCING_WRITE))]
Investor = Annotated[User, Depends(require(Permission.FINANCING_FEED))]
Organiser = Annotated[User, Depends(require(Permission.ROADSHOW_MANAGE))]
StatsReader = Annotated[User, Depends(require(Permission.CAPITAL_STATS))]
Stage = Literal["research", "development", "industrialisation"]


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
def investor_feed(
    session: SessionDep, user: Investor, page: PageNo = 1, page_size: PageSize = 20,
    field_id: Annotated[int | None, Query(ge=1, description="a field or its parent")] = None,
    instrument: Instrument | None = None,
    stage: Annotated[Stage | None, Query(description="by the current (or reviewed) TRL")] = None,
    amount_min: Annotated[Decimal | None, Query(ge=0, le=schemas.MONEY_CEILING)] = None,
    amount_max: Annotated[Decimal | None, Query(ge=0, le=schemas.MONEY_CEILING)] = None,
    region: Annotated[str | None, Query(max_length=64, description="starts with")] = None,
    poc_passed: bool | None = None,
) -> Page[schemas.FeedItemOut]:
    """Published requests that fit the mandate, best first (see capital/feed.py), narrowed by
    field, instrument, stage, ticket range, region and proof of concept."""
    narrow = service.FeedFilter(field_id=field_id, instrument=instrument, stage=stage,
                                amount_min=amount_min, amount_max=amount_max,
                                region=(region or "").strip() or None, poc_passed=poc_passed)
    items, total = service.investor_feed(session, user, page, page_size, narrow)
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


@financing_router.get("/{request_id}/dossier")
def financing_dossier_status(request_id: int, session: SessionDep, user: CurrentUser
                             ) -> intake_schemas.DossierStatusOut:
    """Whether the request has a dossier, and what the caller may do about it (never its
    content): its organisation, administrators, and investors who may see the request while it
    is not withdrawn (404 otherwise). Access, terms and files go through `/api/v1/dossiers`."""
    view = intake_dossiers.for_financing(session, user, request_id)
    return intake_views.dossier_status(session, view)


@financing_router.put("/{request_id}/dossier")
def put_financing_dossier(request_id: int, body: intake_schemas.DossierIn, session: SessionDep,
                          user: FinancingWriter, actor: ActorDep) -> intake_schemas.DossierOut:
    """The requesting organisation writes the request's confidential dossier."""
    dossier = dossiers.put(session, actor, user, request_id, body)
    return intake_views.dossier_out(session, intake_dossiers.dossier_for(session, user,
                                                                         dossier.id))


@financing_router.get("/{request_id}/interests")
def list_interests(request_id: int, session: SessionDep, user: CurrentUser
                   ) -> list[schemas.FinancingInterestOut]:
    """Who is interested and where it led: the owner and administrators see every investor's;
    an investor its own."""
    return service.interests(session, user, request_id)


@financing_router.post("/{request_id}/interest", status_code=status.HTTP_201_CREATED)
def mark_interest(request_id: int, body: schemas.InterestIn, session: SessionDep,
                  user: Investor, actor: ActorDep) -> schemas.FinancingInterestOut:
    interest = service.mark_interest(session, actor, user, request_id, body)
    return service.interest_views(session, [interest])[0]


@financing_router.post("/{request_id}/outcome")
def record_outcome(request_id: int, body: schemas.OutcomeIn, session: SessionDep,
                   user: Investor, actor: ActorDep) -> schemas.FinancingInterestOut:
    """Record a term sheet, an approved loan, or a decline with its reason."""
    interest = service.record_outcome(session, actor, user, request_id, body)
    return service.interest_views(session, [interest])[0]


@financing_router.post("/{request_id}/interests/{interest_id}/confirm")
def confirm_outcome(request_id: int, interest_id: int, session: SessionDep,
                    user: FinancingWriter, actor: ActorDep) -> schemas.FinancingInterestOut:
    """The owner confirms an investor's term sheet or approved loan: from now on its amount
    counts in statistics and totals (evidence before money)."""
    interest = service.answer_outcome(session, actor, user, request_id, interest_id, True)
    return service.interest_views(session, [interest])[0]


@financing_router.post("/{request_id}/interests/{interest_id}/dispute")
def dispute_outcome(request_id: int, interest_id: int, body: schemas.DisputeIn,
                    session: SessionDep, user: FinancingWriter, actor: ActorDep
                    ) -> schemas.FinancingInterestOut:
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


# --- roadshows (路演) ----------------------------------------------------------------------------

@roadshows_router.get("")
def list_roadshows(session: SessionDep, user: CurrentUser) -> list[schemas.RoadshowOut]:
    """Administrators: all; an investor: those it is invited to; an owner: those its requests
    are invited to present at."""
    return [roadshows.view(session, user, r) for r in roadshows.list_roadshows(session, user)]


@roadshows_router.post("", status_code=status.HTTP_201_CREATED)
def create_roadshow(body: schemas.RoadshowIn, session: SessionDep, user: Organiser,
                    actor: ActorDep) -> schemas.RoadshowOut:
    return roadshows.view(session, user, roadshows.create(session, actor, user, body))


@roadshows_router.get("/{roadshow_id}")
def get_roadshow(roadshow_id: int, session: SessionDep, user: CurrentUser
                 ) -> schemas.RoadshowOut:
    """A presenting request's summary only to those entitled to it (see capital/roadshows.py)."""
    return roadshows.view(session, user, roadshows.roadshow_for(session, user, roadshow_id))


@roadshows_router.put("/{roadshow_id}")
def update_roadshow(roadshow_id: int, body: schemas.RoadshowIn, session: SessionDep,
                    user: Organiser, actor: ActorDep) -> schemas.RoadshowOut:
    """Change a planned roadshow (start in Beijing time when no offset is given)."""
    return roadshows.view(session, user, roadshows.update(session, actor, user, roadshow_id, body))


@roadshows_router.post("/{roadshow_id}/presentations", status_code=status.HTTP_201_CREATED)
def invite_request(roadshow_id: int, body: schemas.PresentationIn, session: SessionDep,
                   user: Organiser, actor: ActorDep) -> schemas.RoadshowOut:
    """Invite a published financing request to present; it does once its owner consents."""
    return roadshows.view(session, user,
                          roadshows.invite_request(session, actor, user, roadshow_id, body))


@roadshows_router.post("/{roadshow_id}/investors", status_code=status.HTTP_201_CREATED)
def invite_investor(roadshow_id: int, body: schemas.RoadshowInvestorIn, session: SessionDep,
                    user: Organiser, actor: ActorDep) -> schemas.RoadshowOut:
    return roadshows.view(session, user,
                          roadshows.invite_investor(session, actor, user, roadshow_id, body))


@roadshows_router.post("/{roadshow_id}/hold")
def hold_roadshow(roadshow_id: int, session: SessionDep, user: Organiser,
                  actor: ActorDep) -> schemas.RoadshowOut:
    """The roadshow took place: registered investors may now record interest."""
    return roadshows.view(session, user, roadshows.end(session, actor, user, roadshow_id,
                                                       RoadshowStatus.HELD))


@roadshows_router.post("/{roadshow_id}/cancel")
def cancel_roadshow(roadshow_id: int, session: SessionDep, user: Organiser,
                    actor: ActorDep) -> schemas.RoadshowOut:
    return roadshows.view(session, user, roadshows.end(session, actor, user, roadshow_id,
                                                       RoadshowStatus.CANCELLED))


@roadshows_router.post("/{roadshow_id}/presentations/{request_id}/consent")
def answer_invitation(roadshow_id: int, request_id: int, body: schemas.ConsentIn,
                      session: SessionDep, user: FinancingWriter, actor: ActorDep
                      ) -> schemas.RoadshowOut:
    """The request's owner consents to present, or declines."""
    return roadshows.view(session, user, roadshows.answer_invitation(
        session, actor, user, roadshow_id, request_id, body.accept))


@roadshows_router.post("/{roadshow_id}/registration")
def register(roadshow_id: int, session: SessionDep, user: Investor, actor: ActorDep
             ) -> schemas.RoadshowOut:
    """An invited investor registers: it then sees the projects whose owners consented."""
    return roadshows.view(session, user, roadshows.register(session, actor, user, roadshow_id))


@roadshows_router.put("/{roadshow_id}/presentations/{request_id}/interest")
def record_roadshow_interest(roadshow_id: int, request_id: int,
                             body: schemas.RoadshowInterestIn, session: SessionDep,
                             user: Investor, actor: ActorDep) -> schemas.RoadshowInterestOut:
    """After the roadshow: a registered investor's interest in a project, and its follow-up."""
    row = roadshows.record_interest(session, actor, user, roadshow_id, request_id, body)
    return roadshows.interest_views(session, [row])[0]


@roadshows_router.get("/{roadshow_id}/interests")
def list_roadshow_interests(roadshow_id: int, session: SessionDep, user: CurrentUser
                            ) -> list[schemas.RoadshowInterestOut]:
    """Interest and follow-ups: administrators all; an owner on its requests; an investor its
    own."""
    return roadshows.interests(session, user, roadshow_id)


# --- statistics -------------------------------------------------------------------------------

@capital_router.get("/statistics")
def capital_statistics(session: SessionDep, user: StatsReader) -> schemas.CapitalStatsOut:
    """Money requested, committed and closed (confirmed outcomes only) by field, instrument and
    stage; times to first interest and to close; proof of concept to financing."""
    return stats.statistics(session)


@capital_router.get("/totals")
def capital_totals(session: SessionDep) -> schemas.CapitalTotalsOut:
    """The public market page's capital totals (no login)."""
    return stats.public_totals(session)
