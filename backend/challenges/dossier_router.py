"""HTTP for a challenge's confidential dossier: whether there is one (and what the caller may do
about it), and the issuer writing it. Access, terms, files and the view log go through
`/api/v1/dossiers` (`backend/intake/dossier_router.py`), as for every dossier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.challenges import dossiers
from backend.core.deps import SessionDep
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute
from backend.intake import dossiers as intake_dossiers
from backend.intake import schemas as intake_schemas
from backend.intake import views as intake_views

challenge_dossier_router = APIRouter(prefix="/api/v1/challenges", tags=["challenges"],
                                     route_class=UnitOfWorkRoute)

Issuer = Annotated[User, Depends(require(Permission.CHALLENGE_ISSUE))]    # firms, the bureau


@challenge_dossier_router.get("/{challenge_id}/dossier")
def challenge_dossier_status(challenge_id: int, session: SessionDep, user: CurrentUser
                             ) -> intake_schemas.DossierStatusOut:
    """Whether the challenge has a dossier, and what the caller may do about it (never its
    content): its issuer, administrators, seated reviewers, and eligible would-be solvers while
    the challenge is open to them (the winning teams after the decision); 404 otherwise."""
    view = intake_dossiers.for_challenge(session, user, challenge_id)
    return intake_views.dossier_status(session, view)


@challenge_dossier_router.put("/{challenge_id}/dossier")
def put_challenge_dossier(challenge_id: int, body: intake_schemas.DossierIn,
                          session: SessionDep, user: Issuer, actor: ActorDep
                          ) -> intake_schemas.DossierOut:
    """The issuer writes the challenge's confidential part (text; files through
    `/api/v1/dossiers/{id}/files`)."""
    dossier = dossiers.put(session, actor, user, challenge_id, body)
    return intake_views.dossier_out(session, intake_dossiers.dossier_for(session, user,
                                                                         dossier.id))
