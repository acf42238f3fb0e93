"""HTTP for accounts: registration, login sessions, organisations and brokers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from backend.accounts import membership, schemas, service, sessions, throttle
from backend.accounts.deps import ActorDep, AuthDep, CurrentUser, require
from backend.accounts.models import JoinStatus, Organisation, OrgKind, User, VerificationStatus
from backend.core.deps import DeskPageSize, PageNo, SessionDep, client_ip
from backend.core.errors import NotFound, PermissionDenied
from backend.core.permissions import Permission, Role
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals import notifications

auth_router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=UnitOfWorkRoute)
org_router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"],
                       route_class=UnitOfWorkRoute)
broker_router = APIRouter(prefix="/api/v1/brokers", tags=["brokers"], route_class=UnitOfWorkRoute)
join_router = APIRouter(prefix="/api/v1/join-requests", tags=["organisations"],
                        route_class=UnitOfWorkRoute)

OrgVerifier = Annotated[User, Depends(require(Permission.ORG_VERIFY))]
OrgEditor = Annotated[User, Depends(require(Permission.ORG_EDIT_OWN))]
BrokerVerifier = Annotated[User, Depends(require(Permission.BROKER_VERIFY))]
BrokerFinder = Annotated[User, Depends(require(Permission.DEAL_OPEN))]  # brokers, admins


def _me(session: SessionDep, user: User) -> schemas.Me:
    me = schemas.Me.model_validate(user)
    if user.organisation_id is None and user.role != Role.ADMIN:
        latest = membership.latest_request_of(session, user.id)
        if latest is not None:
            request, name = latest
            me.join_request = schemas.JoinRequestBrief(
                id=request.id, organisation_name=name, status=request.status,
                created_at=request.created_at)
    return me


def _registered(session: SessionDep, user_id: int) -> schemas.Me:
    """The new user as they see themselves; a join request is announced to its approvers."""
    user = service.load_user(session, user_id)
    if user is None:  # just made in this unit of work: never here
        raise NotFound("未找到该用户。No such user.")
    request = membership.pending_request_of(session, user.id)
    if request is not None:
        notifications.notify(
            session, membership.approver_ids(session, request.organisation_id),
            "organisation.join_request",
            f"新的加入申请：{user.display_name}（{user.username}） A new request to join your "
            "organisation", "请在「机构成员」中批准或拒绝。Approve or decline it under "
            "Members.")
    return _me(session, user)


@auth_router.post("/register/organisation", status_code=status.HTTP_201_CREATED)
@blocking
def register_organisation(body: schemas.OrganisationRegistration, session: SessionDep,
                          request: Request) -> schemas.Me:
    throttle.count_registration(client_ip(request))
    user = service.register_organisation(session, body, client_ip(request))
    return _registered(session, user.id)


@auth_router.post("/register/broker", status_code=status.HTTP_201_CREATED)
@blocking
def register_broker(body: schemas.BrokerRegistration, session: SessionDep,
                    request: Request) -> schemas.Me:
    """A broker, optionally joining an agency: with its invitation code at once, with its
    credit code once a member of the agency (or an administrator) approves."""
    throttle.count_registration(client_ip(request))
    user = service.register_broker(session, body, client_ip(request))
    return _registered(session, user.id)


@auth_router.post("/register/member", status_code=status.HTTP_201_CREATED)
@blocking
def register_member(body: schemas.MemberRegistration, session: SessionDep,
                    request: Request) -> schemas.Me:
    """A user joining an existing firm or institute: with an invitation code at once, with
    its credit code once a member (or an administrator) approves."""
    throttle.count_registration(client_ip(request))
    user = service.register_member(session, body, client_ip(request))
    return _registered(session, user.id)


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
def me(session: SessionDep, user: CurrentUser) -> schemas.Me:
    return _me(session, user)


@org_router.get("")
def list_organisations(session: SessionDep, _: OrgVerifier,
                       status_: Annotated[VerificationStatus | None, Query(alias="status")] = None,
                       kind: OrgKind | None = None, page: PageNo = 1, page_size: DeskPageSize = 50
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


# --- joining: requests and invitations -------------------------------------------------------

def _join_request_out(row: membership.JoinRequestRow) -> schemas.JoinRequestOut:
    r, u, p = row.request, row.user, row.profile
    return schemas.JoinRequestOut(
        id=r.id, organisation_id=r.organisation_id, organisation_name=row.organisation_name,
        user_id=u.id, username=u.username, display_name=u.display_name,
        email=u.email, role=u.role, broker_level=p.level if p else None,
        broker_certificate_no=p.certificate_no if p else None, status=r.status,
        created_at=r.created_at, decided_at=r.decided_at, note=r.note)


@org_router.get("/{org_id}/join-requests")
def list_join_requests(org_id: int, session: SessionDep, user: CurrentUser,
                       status_: Annotated[JoinStatus | None, Query(alias="status")] = None
                       ) -> list[schemas.JoinRequestOut]:
    """Requests to join the organisation: for its members and administrators."""
    org = membership.organisation_for_members(session, user, org_id)
    return [_join_request_out(r) for r in membership.list_requests(session, org, status_)]


@join_router.get("")
def list_all_join_requests(session: SessionDep, _: OrgVerifier,
                           status_: Annotated[JoinStatus | None, Query(alias="status")] = None
                           ) -> list[schemas.JoinRequestOut]:
    """Requests to join any organisation (newest 200): administrators, who may answer them
    too, e.g. for an organisation none of whose members is active."""
    return [_join_request_out(r) for r in membership.list_requests(session, None, status_)]


def _decide(session: SessionDep, user: User, actor: ActorDep, org_id: int, request_id: int,
            approve: bool, note: str | None) -> schemas.JoinRequestOut:
    org = membership.organisation_for_members(session, user, org_id)
    row = membership.decide(session, actor, org, request_id, approve, note)
    verdict = "已批准 approved" if approve else "未获批准 declined"
    notifications.notify(session, [row.user.id], "organisation.join_decided",
                         f"您加入「{org.name}」的申请{verdict}",
                         (note or ""), exclude=user.id)
    return _join_request_out(row)


@org_router.post("/{org_id}/join-requests/{request_id}/approve")
def approve_join_request(org_id: int, request_id: int, session: SessionDep, user: CurrentUser,
                         actor: ActorDep, body: schemas.JoinDecision | None = None
                         ) -> schemas.JoinRequestOut:
    """The user becomes a member: an active member of the organisation or an administrator."""
    return _decide(session, user, actor, org_id, request_id, True, body.note if body else None)


@org_router.post("/{org_id}/join-requests/{request_id}/decline")
def decline_join_request(org_id: int, request_id: int, session: SessionDep, user: CurrentUser,
                         actor: ActorDep, body: schemas.JoinDecision | None = None
                         ) -> schemas.JoinRequestOut:
    return _decide(session, user, actor, org_id, request_id, False, body.note if body else None)


@org_router.get("/{org_id}/invitations")
def list_invitations(org_id: int, session: SessionDep, user: CurrentUser
                     ) -> list[schemas.MemberInvitationOut]:
    org = membership.organisation_for_members(session, user, org_id)
    return [schemas.MemberInvitationOut.model_validate(i)
            for i in membership.list_invitations(session, org)]


@org_router.post("/{org_id}/invitations", status_code=status.HTTP_201_CREATED)
def create_invitation(org_id: int, session: SessionDep, user: CurrentUser,
                      actor: ActorDep) -> schemas.MemberInvitationCreated:
    """A one-time code (valid 7 days) that admits whoever registers with it; shown only now."""
    org = membership.organisation_for_members(session, user, org_id)
    invitation, code = membership.create_invitation(session, actor, org)
    return schemas.MemberInvitationCreated(id=invitation.id, created_at=invitation.created_at,
                                     expires_at=invitation.expires_at, used_at=None,
                                     revoked_at=None, code=code)


@org_router.delete("/{org_id}/invitations/{invitation_id}",
                   status_code=status.HTTP_204_NO_CONTENT)
def revoke_invitation(org_id: int, invitation_id: int, session: SessionDep, user: CurrentUser,
                      actor: ActorDep) -> None:
    org = membership.organisation_for_members(session, user, org_id)
    membership.revoke_invitation(session, actor, org, invitation_id)


@broker_router.get("")
def list_brokers(session: SessionDep, _: BrokerVerifier,
                 status_: Annotated[VerificationStatus | None, Query(alias="status")] = None,
                 page: PageNo = 1, page_size: DeskPageSize = 50) -> Page[schemas.BrokerOut]:
    rows, total = service.list_brokers(session, status_, page, page_size)
    return Page(items=[service.broker_view(r) for r in rows], total=total, page=page,
                page_size=page_size)


@broker_router.get("/search")
def search_brokers(session: SessionDep, _: BrokerFinder,
                   q: Annotated[str, Query(min_length=1, max_length=50,
                                           description="part of the name or agency")]
                   ) -> list[schemas.BrokerNameOut]:
    """Verified brokers by name, to pick one (a co-broker to invite, a broker to assign)."""
    return service.search_verified_brokers(session, q)


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
