"""HTTP for confidential dossiers, their access and the owners' non-disclosure terms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, UploadFile, status
from fastapi.responses import StreamingResponse

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.core.deps import SessionDep
from backend.core.errors import NotFound
from backend.core.permissions import Permission, Role, check_permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.deals.storage import FileStore, file_store
from backend.intake import dossiers, schemas, terms, views
from backend.intake.downloads import FILE_RESPONSE, stream_file

dossiers_router = APIRouter(tags=["dossiers"], route_class=UnitOfWorkRoute)

Owner = Annotated[User, Depends(require(Permission.DEMAND_WRITE))]     # firms (and admins)


async def _manager(user: CurrentUser) -> User:
    """Firms own demands' dossiers; institutes (and firms) financing requests' too."""
    if user.role != Role.INSTITUTE:
        check_permission(user.role, Permission.DEMAND_WRITE)
    return user


async def _reader(user: CurrentUser) -> User:
    """Investors ask for and read a financing request's dossier only, experts a challenge's they
    review (the service refuses them any other)."""
    if user.role not in (Role.INVESTOR, Role.EXPERT):
        check_permission(user.role, Permission.DOSSIER_READ)
    return user


Manager = Annotated[User, Depends(_manager)]
Reader = Annotated[User, Depends(_reader)]
Store = Annotated[FileStore, Depends(file_store)]


@dossiers_router.get("/api/v1/demands/{demand_id}/dossier")
def dossier_status(demand_id: int, session: SessionDep, user: CurrentUser
                   ) -> schemas.DossierStatusOut:
    """Whether the demand has a dossier, and what the caller may do about it (never its
    content)."""
    return views.dossier_status(session, dossiers.for_demand(session, user, demand_id))


@dossiers_router.put("/api/v1/demands/{demand_id}/dossier")
def put_demand_dossier(demand_id: int, body: schemas.DossierIn, session: SessionDep,
                       user: Owner, actor: ActorDep) -> schemas.DossierOut:
    """The owning firm writes its demand's confidential dossier."""
    dossier = dossiers.put_for_demand(session, actor, user, demand_id, body)
    return views.dossier_out(session, dossiers.dossier_for(session, user, dossier.id))


@dossiers_router.get("/api/v1/dossiers")
def list_own_dossiers(session: SessionDep, user: Manager) -> list[schemas.DossierSummaryOut]:
    """The dossiers the caller's organisation owns, on its demands and its financing requests,
    with pending requests, grants and views (an administrator has none)."""
    return [schemas.DossierSummaryOut(
        id=o.dossier.id, demand_id=o.dossier.demand_id,
        financing_request_id=o.dossier.financing_request_id, title=o.title,
        requested=o.requested, granted=o.granted, views=o.views,
        updated_at=o.dossier.updated_at) for o in dossiers.owned(session, user)]


@dossiers_router.get("/api/v1/dossiers/{dossier_id}")
def read_dossier(dossier_id: int, session: SessionDep, user: Reader, actor: ActorDep
                 ) -> schemas.DossierOut:
    """The content: for the owner, and for those it admitted who accepted its current terms
    (403 `access_required` / `terms_required` otherwise). Every read is logged."""
    view = dossiers.dossier_for(session, user, dossier_id)
    dossiers.read(session, actor, view)
    return views.dossier_out(session, view)


@dossiers_router.get("/api/v1/dossiers/{dossier_id}/terms")
def dossier_terms(dossier_id: int, session: SessionDep, user: CurrentUser, actor: ActorDep
                  ) -> schemas.TermsOut:
    """The owner's current non-disclosure terms, to read before accepting them."""
    view = dossiers.dossier_for(session, user, dossier_id)
    return schemas.TermsOut.model_validate(
        terms.current(session, actor, view.dossier.organisation_id))


@dossiers_router.post("/api/v1/dossiers/{dossier_id}/terms/accept")
def accept_dossier_terms(dossier_id: int, body: schemas.AcceptTermsIn, session: SessionDep,
                         user: Reader, actor: ActorDep) -> schemas.AcceptanceOut:
    view = dossiers.dossier_for(session, user, dossier_id)
    version, row = dossiers.accept_terms(session, actor, view, body.version)
    return schemas.AcceptanceOut(terms_id=row.terms_id, version=version, user_id=row.user_id,
                                 accepted_at=row.accepted_at)


@dossiers_router.post("/api/v1/dossiers/{dossier_id}/access-requests",
                      status_code=status.HTTP_201_CREATED)
def request_dossier_access(dossier_id: int, body: schemas.AccessRequestIn, session: SessionDep,
                           user: Reader, actor: ActorDep) -> schemas.DossierStatusOut:
    view = dossiers.dossier_for(session, user, dossier_id)
    dossiers.request_access(session, actor, view, body.message)
    return views.dossier_status(session, view)


@dossiers_router.get("/api/v1/dossiers/{dossier_id}/access")
def list_dossier_access(dossier_id: int, session: SessionDep, user: CurrentUser
                        ) -> list[schemas.AccessOut]:
    """Who asked for, holds or lost access, and the terms version each accepted (the owner and
    administrators)."""
    view = dossiers.dossier_for(session, user, dossier_id)
    return views.access_views(dossiers.access_list(session, view))


def _access_line(session: SessionDep, view: dossiers.DossierAccessView, user_id: int
                 ) -> schemas.AccessOut:
    session.flush()
    for line in views.access_views(dossiers.access_list(session, view)):
        if line.user_id == user_id:
            return line
    raise NotFound("未找到该访问记录。No such access.")


@dossiers_router.post("/api/v1/dossiers/{dossier_id}/access/{user_id}/grant")
def grant_dossier_access(dossier_id: int, user_id: int, session: SessionDep, user: Manager,
                         actor: ActorDep) -> schemas.AccessOut:
    view = dossiers.dossier_for(session, user, dossier_id, lock=True)
    dossiers.grant(session, actor, view, user_id)
    return _access_line(session, view, user_id)


@dossiers_router.post("/api/v1/dossiers/{dossier_id}/access/{user_id}/decline")
def decline_dossier_access(dossier_id: int, user_id: int, session: SessionDep, user: Manager,
                           actor: ActorDep) -> schemas.AccessOut:
    view = dossiers.dossier_for(session, user, dossier_id, lock=True)
    dossiers.decline(session, actor, view, user_id)
    return _access_line(session, view, user_id)


@dossiers_router.post("/api/v1/dossiers/{dossier_id}/access/{user_id}/revoke")
def revoke_dossier_access(dossier_id: int, user_id: int, session: SessionDep, user: Manager,
                          actor: ActorDep) -> schemas.AccessOut:
    """Takes effect at once: the next read is refused."""
    view = dossiers.dossier_for(session, user, dossier_id, lock=True)
    dossiers.revoke(session, actor, view, user_id)
    return _access_line(session, view, user_id)


@dossiers_router.get("/api/v1/dossiers/{dossier_id}/views")
def dossier_view_log(dossier_id: int, session: SessionDep, user: CurrentUser
                     ) -> list[schemas.ViewOut]:
    """Every read of the content or a file by someone outside the owning firm, newest first."""
    view = dossiers.dossier_for(session, user, dossier_id)
    return views.view_log_views(dossiers.view_log(session, view))


@dossiers_router.post("/api/v1/dossiers/{dossier_id}/files", status_code=status.HTTP_201_CREATED)
@blocking
def attach_dossier_file(dossier_id: int, file: UploadFile, session: SessionDep,
                        user: CurrentUser, actor: ActorDep, store: Store) -> schemas.FileOut:
    """A drawing or document (PDF, PNG or JPEG): the owner, or the broker drafting it."""
    view = dossiers.dossier_for(session, user, dossier_id, lock=True)
    return views.file_out(dossiers.attach(session, actor, view, store, file.filename, file.file))


@dossiers_router.get("/api/v1/dossiers/{dossier_id}/files/{file_id}",
                     response_class=StreamingResponse, responses=FILE_RESPONSE)
@blocking
def download_dossier_file(dossier_id: int, file_id: int, session: SessionDep, user: Reader,
                          actor: ActorDep, store: Store) -> StreamingResponse:
    view = dossiers.dossier_for(session, user, dossier_id)
    return stream_file(store, dossiers.read_file(session, actor, view, file_id))


# --- the owner's terms -------------------------------------------------------------------------

@dossiers_router.get("/api/v1/nda-terms")
def list_nda_terms(session: SessionDep, user: Owner) -> list[schemas.TermsOut]:
    """The caller's organisation's non-disclosure terms, newest version first."""
    if user.organisation_id is None:
        return []
    return [schemas.TermsOut.model_validate(t)
            for t in terms.versions(session, user.organisation_id)]


@dossiers_router.post("/api/v1/nda-terms", status_code=status.HTTP_201_CREATED)
def publish_nda_terms(body: schemas.TermsIn, session: SessionDep, user: Owner, actor: ActorDep
                      ) -> schemas.TermsOut:
    """A new version: access to the firm's dossiers then needs it accepted again."""
    return schemas.TermsOut.model_validate(terms.publish(session, actor, user, body.text))
