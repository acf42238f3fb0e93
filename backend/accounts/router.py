"""HTTP for accounts: registration, login sessions, organisations and brokers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from backend.accounts import schemas, service, sessions, throttle
from backend.accounts.models import Organisation, OrgKind, User, VerificationStatus
from backend.core.deps import ActorDep, AuthDep, CurrentUser, SessionDep, client_ip, require
from backend.core.errors import NotFound, PermissionDenied
from backend.core.permissions import Permission, Role
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page

auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=UnitOfWorkRoute)
org_router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"],
                       route_class=UnitOfWorkRoute)
broker_router = APIRouter(prefix="/api/v1/brokers", tags=["brokers"], route_class=UnitOfWorkRoute)

OrgVerifier = Annotated[User, Depends(require(Permission.ORG_VERIFY))]
OrgEditor = Annotated[User, Depends(require(Permission.ORG_EDIT_OWN))]
BrokerVerifier = Annotated[User, Depends(require(Permission.BROKER_VERIFY))]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]


@auth_router.post("/register/organisation", status_code=status.HTTP_201_CREATED)
@blocking
def register_organisation(body: schemas.OrganisationRegistration, session: SessionDep,
                          request: Request) -> schemas.Me:
    throttle.count_registration(client_ip(request))
    user = service.register_organisation(session, body, client_ip(request))
    return schemas.Me.model_validate(service.load_user(session, user.id))


@auth_router.post("/register/broker", status_code=status.HTTP_201_CREATED)
@blocking
def register_broker(body: schemas.BrokerRegistration, session: SessionDep,
                    request: Request) -> schemas.Me:
    throttle.count_registration(client_ip(request))
    user = service.register_broker(session, body, client_ip(request))
    return schemas.Me.model_validate(service.load_user(session, user.id))


@auth_router.post("/token")
@blocking
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()],
          request: Request) -> schemas.TokenOut:
    tokens = sessions.login(form.username, form.password, client_ip(request),
                            request.headers.get("user-agent"))
    return schemas.TokenOut(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                            expires_in=tokens.expires_in)


@auth_router.post("/refresh")
def refresh(body: schemas.RefreshIn) -> schemas.TokenOut:
    tokens = sessions.refresh(body.refresh_token)
    return schemas.TokenOut(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                            expires_in=tokens.expires_in)


@auth_router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(auth: AuthDep, session: SessionDep) -> None:
    sessions.logout(session, auth.session_id)


@auth_router.get("/me")
def me(user: CurrentUser) -> schemas.Me:
    return schemas.Me.model_validate(user)


@org_router.get("")
def list_organisations(session: SessionDep, _: OrgVerifier,
                       status_: Annotated[VerificationStatus | None, Query(alias="status")] = None,
                       kind: OrgKind | None = None, page: PageNo = 1, page_size: PageSize = 50
                       ) -> Page[schemas.OrganisationBrief]:
    rows, total = service.list_organisations(session, status_, kind, page, page_size)
    return Page(items=[schemas.OrganisationBrief.model_validate(r) for r in rows],
                total=total, page=page, page_size=page_size)


def _visible_organisation(session: SessionDep, org_id: int, user: CurrentUser
                          ) -> Organisation:
    org = service.get_organisation(session, org_id)
    if not service.may_see_private(user, org):
        raise NotFound("未找到该机构。No such organisation.")
    return org


@org_router.get("/{org_id}")
def get_organisation(org_id: int, session: SessionDep, user: CurrentUser
                     ) -> schemas.OrganisationOut:
    return service.organisation_view(_visible_organisation(session, org_id, user), user)


@org_router.post("/{org_id}/identity")
def reveal_identity(org_id: int, session: SessionDep, _: OrgVerifier,
                    actor: ActorDep) -> schemas.IdentityOut:
    """Full resident ID numbers of the organisation's people; the request is audited."""
    return service.reveal_identity(session, actor, service.get_organisation(session, org_id))


@org_router.patch("/{org_id}")
def update_organisation(org_id: int, body: schemas.OrganisationUpdate, session: SessionDep,
                        user: OrgEditor,
                        actor: ActorDep) -> schemas.OrganisationOut:
    org = _visible_organisation(session, org_id, user)
    if user.organisation_id != org.id:  # administrators see every organisation, edit none
        raise PermissionDenied("只有该机构的成员可以修改其资料。Only the organisation's own members "
                               "may change its details.")
    return service.organisation_view(service.update_organisation(session, actor, org, body), user)


@org_router.post("/{org_id}/verification")
def verify_organisation(org_id: int, body: schemas.VerificationDecision, session: SessionDep,
                        user: OrgVerifier,
                        actor: ActorDep) -> schemas.OrganisationOut:
    org = service.get_organisation(session, org_id)
    return service.organisation_view(service.verify_organisation(session, actor, org, body), user)


@broker_router.get("")
def list_brokers(session: SessionDep, _: BrokerVerifier,
                 status_: Annotated[VerificationStatus | None, Query(alias="status")] = None,
                 page: PageNo = 1, page_size: PageSize = 50) -> Page[schemas.BrokerOut]:
    rows, total = service.list_brokers(session, status_, page, page_size)
    return Page(items=[service.broker_view(r) for r in rows], total=total, page=page,
                page_size=page_size)


@broker_router.get("/{user_id}")
def get_broker(user_id: int, session: SessionDep, user: CurrentUser) -> schemas.BrokerOut:
    if user.role != Role.ADMIN and user.id != user_id:
        raise NotFound("未找到该经纪人。No such broker.")
    return service.broker_view(service.get_broker(session, user_id))


@broker_router.post("/{user_id}/verification")
def verify_broker(user_id: int, body: schemas.VerificationDecision, session: SessionDep,
                  _: BrokerVerifier,
                  actor: ActorDep) -> schemas.BrokerOut:
    row = service.verify_broker(session, actor, service.get_broker(session, user_id), body)
    return service.broker_view(row)
