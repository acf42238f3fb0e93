"""HTTP for help requests, visits and the demands brokers draft for firms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from backend.accounts.deps import ActorDep, require
from backend.accounts.models import User
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.errors import NotFound
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals.storage import FileStore, file_store
from backend.intake import dossiers, drafts, requests, routing, schemas, views, visits
from backend.intake.access import request_for
from backend.intake.downloads import FILE_RESPONSE, stream_file
from backend.intake.models import DraftStatus, HelpStatus
from backend.listings import views as listing_views
from backend.listings.schemas import DemandOut

help_router = APIRouter(prefix="/api/v1/help-requests", tags=["help-requests"],
                        route_class=UnitOfWorkRoute)
drafts_router = APIRouter(prefix="/api/v1/demand-drafts", tags=["demand-drafts"],
                          route_class=UnitOfWorkRoute)

Asker = Annotated[User, Depends(require(Permission.HELP_ASK))]      # firms
Worker = Annotated[User, Depends(require(Permission.HELP_WORK))]    # brokers
Reader = Annotated[User, Depends(require(Permission.HELP_READ))]    # firms, brokers, admins
Manager = Annotated[User, Depends(require(Permission.HELP_MANAGE))]  # administrators
Store = Annotated[FileStore, Depends(file_store)]


def _out(session: SessionDep, user: User, request_id: int) -> schemas.HelpRequestOut:
    session.flush()
    return views.help_request_views(session, user, [request_for(session, user,
                                                                 request_id).request])[0]


# --- help requests ------------------------------------------------------------------------------

@help_router.post("", status_code=status.HTTP_201_CREATED)
def ask_for_help(body: schemas.HelpRequestIn, session: SessionDep, user: Asker,
                 actor: ActorDep) -> schemas.HelpRequestOut:
    """A firm asks for a broker's help; the request goes to brokers by field, region, grade and
    load (or to the broker the firm picked from the directory)."""
    request = requests.ask(session, actor, user, body)
    return _out(session, user, request.id)


@help_router.get("")
def list_help_requests(
        session: SessionDep, user: Reader,
        statuses: Annotated[list[HelpStatus], Query(alias="status")] = [],  # noqa: B006 — FastAPI copies query-list defaults
        escalated: bool | None = None, page: PageNo = 1, page_size: PageSize = 20
) -> Page[schemas.HelpRequestOut]:
    """The caller's help requests (a firm's own, a broker's offers and accepted ones, every one
    for administrators), oldest first."""
    rows, total = requests.list_requests(session, user, statuses, escalated, page, page_size)
    return Page(items=views.help_request_views(session, user, rows), total=total, page=page,
                page_size=page_size)


@help_router.get("/{request_id}")
def get_help_request(request_id: int, session: SessionDep, user: Reader
                     ) -> schemas.HelpRequestOut:
    return _out(session, user, request_id)


@help_router.post("/{request_id}/accept")
def accept_help_request(request_id: int, session: SessionDep, user: Worker, actor: ActorDep
                        ) -> schemas.HelpRequestOut:
    requests.accept(session, actor, request_for(session, user, request_id, lock=True))
    return _out(session, user, request_id)


@help_router.post("/{request_id}/decline", status_code=status.HTTP_204_NO_CONTENT)
def decline_help_request(request_id: int, session: SessionDep, user: Worker,
                         actor: ActorDep) -> None:
    """No body: having declined, the broker no longer sees the request."""
    requests.decline(session, actor, request_for(session, user, request_id, lock=True))


@help_router.post("/{request_id}/assign")
def assign_help_request(request_id: int, body: schemas.AssignIn, session: SessionDep,
                        user: Manager, actor: ActorDep) -> schemas.HelpRequestOut:
    requests.assign(session, actor, request_for(session, user, request_id, lock=True),
                    body.broker_id)
    return _out(session, user, request_id)


@help_router.get("/{request_id}/candidates")
def help_request_candidates(request_id: int, session: SessionDep, user: Manager
                            ) -> list[schemas.CandidateOut]:
    """The brokers who could take the request, as the routing ranks them."""
    found = routing.candidates(session, request_for(session, user, request_id).request)[:50]
    refs = views.broker_refs(session, [c.broker_id for c in found])
    return [schemas.CandidateOut(broker=refs[c.broker_id], field_match=c.field_match,
                                 region_match=c.region_match, load=c.load) for c in found]


@help_router.post("/{request_id}/cancel")
def cancel_help_request(request_id: int, session: SessionDep, user: Asker, actor: ActorDep
                        ) -> schemas.HelpRequestOut:
    requests.cancel(session, actor, request_for(session, user, request_id, lock=True))
    return _out(session, user, request_id)


@help_router.post("/{request_id}/close")
def close_help_request(request_id: int, session: SessionDep, user: Reader, actor: ActorDep
                       ) -> schemas.HelpRequestOut:
    requests.close(session, actor, request_for(session, user, request_id, lock=True))
    return _out(session, user, request_id)


# --- visits ------------------------------------------------------------------------------------

@help_router.get("/{request_id}/visits")
def list_visits(request_id: int, session: SessionDep, user: Reader) -> list[schemas.VisitOut]:
    rows = visits.list_visits(session, request_for(session, user, request_id))
    return views.visit_views(session, rows)


@help_router.post("/{request_id}/visits", status_code=status.HTTP_201_CREATED)
def record_visit(request_id: int, body: schemas.VisitIn, session: SessionDep, user: Worker,
                 actor: ActorDep) -> schemas.VisitOut:
    visit = visits.record_visit(session, actor, request_for(session, user, request_id), body)
    return views.visit_views(session, [visit])[0]


@help_router.patch("/{request_id}/visits/{visit_id}")
def update_visit(request_id: int, visit_id: int, body: schemas.VisitUpdate, session: SessionDep,
                 user: Worker, actor: ActorDep) -> schemas.VisitOut:
    visit = visits.update_visit(session, actor, request_for(session, user, request_id),
                                visit_id, body)
    return views.visit_views(session, [visit])[0]


@help_router.post("/{request_id}/visits/{visit_id}/files", status_code=status.HTTP_201_CREATED)
@blocking
def attach_visit_file(request_id: int, visit_id: int, file: UploadFile, session: SessionDep,
                      user: Worker, actor: ActorDep, store: Store) -> schemas.FileOut:
    """A photo or document from the visit (PDF, PNG or JPEG)."""
    row = visits.attach(session, actor, request_for(session, user, request_id), visit_id, store,
                        file.filename, file.file)
    return views.file_out(row)


@help_router.get("/{request_id}/visits/{visit_id}/files/{file_id}",
                 response_class=StreamingResponse, responses=FILE_RESPONSE)
@blocking
def download_visit_file(request_id: int, visit_id: int, file_id: int, session: SessionDep,
                        user: Reader, store: Store) -> StreamingResponse:
    row = visits.visit_file(session, request_for(session, user, request_id), visit_id, file_id)
    return stream_file(store, row)


# --- drafts ------------------------------------------------------------------------------------

@help_router.get("/{request_id}/drafts")
def list_request_drafts(request_id: int, session: SessionDep, user: Reader
                        ) -> list[schemas.DraftOut]:
    access = request_for(session, user, request_id)
    if not access.insider:
        raise NotFound("未找到该需求挖掘申请。No such help request.")
    rows, _ = drafts.list_drafts(session, user, [], 1, 100, help_request_id=request_id)
    return views.draft_views(session, rows)


@help_router.post("/{request_id}/drafts", status_code=status.HTTP_201_CREATED)
def create_draft(request_id: int, body: schemas.DraftIn, session: SessionDep, user: Worker,
                 actor: ActorDep) -> schemas.DraftOut:
    """The accepted broker drafts a demand for the firm; nobody else sees it, and it is not
    published until a member of the firm approves it."""
    draft = drafts.create_draft(session, actor, request_for(session, user, request_id), body)
    return views.draft_views(session, [draft])[0]


@drafts_router.get("")
def list_drafts(session: SessionDep, user: Reader,
                statuses: Annotated[list[DraftStatus], Query(alias="status")] = [],  # noqa: B006 — as above
                page: PageNo = 1, page_size: PageSize = 20) -> Page[schemas.DraftOut]:
    """A firm's drafts to decide on, a broker's own drafts, every draft for administrators."""
    rows, total = drafts.list_drafts(session, user, statuses, page, page_size)
    return Page(items=views.draft_views(session, rows), total=total, page=page,
                page_size=page_size)


@drafts_router.get("/{draft_id}")
def get_draft(draft_id: int, session: SessionDep, user: Reader) -> schemas.DraftOut:
    draft, _ = drafts.draft_for(session, user, draft_id)
    return views.draft_views(session, [draft])[0]


@drafts_router.patch("/{draft_id}")
def update_draft(draft_id: int, body: schemas.DraftUpdate, session: SessionDep, user: Reader,
                 actor: ActorDep) -> schemas.DraftOut:
    """The broker edits a draft being written or returned; the firm edits a submitted one."""
    draft, access = drafts.draft_for(session, user, draft_id, lock=True)
    drafts.update_draft(session, actor, draft, access, body)
    return views.draft_views(session, [draft])[0]


@drafts_router.post("/{draft_id}/submit")
def submit_draft(draft_id: int, session: SessionDep, user: Worker, actor: ActorDep
                 ) -> schemas.DraftOut:
    draft, access = drafts.draft_for(session, user, draft_id, lock=True)
    drafts.submit(session, actor, draft, access)
    return views.draft_views(session, [draft])[0]


@drafts_router.post("/{draft_id}/discard")
def discard_draft(draft_id: int, session: SessionDep, user: Worker, actor: ActorDep
                  ) -> schemas.DraftOut:
    draft, access = drafts.draft_for(session, user, draft_id, lock=True)
    drafts.discard(session, actor, draft, access)
    return views.draft_views(session, [draft])[0]


@drafts_router.post("/{draft_id}/return")
def return_draft(draft_id: int, body: schemas.ReturnIn, session: SessionDep, user: Asker,
                 actor: ActorDep) -> schemas.DraftOut:
    draft, access = drafts.draft_for(session, user, draft_id, lock=True)
    drafts.return_draft(session, actor, draft, access, body.note)
    return views.draft_views(session, [draft])[0]


@drafts_router.post("/{draft_id}/approve")
def approve_draft(draft_id: int, session: SessionDep, user: Asker, actor: ActorDep
                  ) -> DemandOut:
    """Publish the draft as the firm's demand, with the drafting broker assigned."""
    draft, access = drafts.draft_for(session, user, draft_id, lock=True)
    demand = drafts.approve(session, actor, draft, access)
    session.flush()
    return listing_views.demand_views(session, user, [demand.id])[0]


@drafts_router.put("/{draft_id}/dossier")
def put_draft_dossier(draft_id: int, body: schemas.DossierIn, session: SessionDep, user: Reader,
                      actor: ActorDep) -> schemas.DossierOut:
    """The confidential dossier that goes with the drafted demand."""
    draft, access = drafts.draft_for(session, user, draft_id, lock=True)
    dossier = dossiers.put_for_draft(session, actor, draft, access.seat, user, body)
    return views.dossier_out(session, dossiers.dossier_for(session, user, dossier.id))
