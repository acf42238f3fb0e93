"""Joining an organisation: only with its consent.

A user registering into an existing organisation (a broker into an agency, a colleague into
a firm or institute) names it by its credit code and becomes a *pending* member: a join
request that an active member of the organisation or an administrator approves or declines.
Until then the user is no member at all — `User.organisation_id` and a broker's `agency_id`
stay empty — so every read path that widens for members (the organisation's record, its
listings and drafts, its deals) stays shut, and the user cannot act for it.

An invitation is the organisation's consent given in advance: a member (or an administrator)
makes a one-time code, and whoever registers with it is admitted at once. Only the code's
SHA-256 is stored; it is shown once, when made.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import (
    BrokerProfile,
    Invitation,
    JoinRequest,
    JoinStatus,
    Organisation,
    OrgKind,
    User,
)
from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.permissions import Role
from backend.core.security import token_digest
from backend.core.types import utcnow

INVITATION_DAYS = 7
NO_ORGANISATION = "未找到该机构。No such organisation."
_BAD_CODE = "邀请码无效、已使用或已过期。The invitation code is invalid, used or expired."
_MEMBER_KINDS = (OrgKind.FIRM, OrgKind.INSTITUTE, OrgKind.INVESTOR)
_INVITING_KINDS = (OrgKind.FIRM, OrgKind.INSTITUTE, OrgKind.AGENCY, OrgKind.INVESTOR)


@dataclass(frozen=True)
class Target:
    """The organisation a registration joins, and the invitation that admits it, if any."""

    organisation: Organisation
    invitation: Invitation | None


def _invitation(session: Session, code: str) -> Invitation | None:
    found = session.execute(select(Invitation).where(
        Invitation.code_hash == token_digest(code.strip())).with_for_update()
    ).scalar_one_or_none()
    if found is None or found.used_at is not None or found.revoked_at is not None \
            or found.expires_at <= utcnow():
        return None
    return found


def target(session: Session, invitation_code: str | None, credit_code: str | None, *,
           broker: bool) -> Target | None:
    """Where a registration asks to go: a broker joins an agency, anyone else a firm or an
    institute (422 on the field when there is no such organisation or valid invitation)."""
    prefix = "broker." if broker else ""
    kinds = (OrgKind.AGENCY,) if broker else _MEMBER_KINDS
    if invitation_code:
        invitation = _invitation(session, invitation_code)
        org = session.get(Organisation, invitation.organisation_id) if invitation else None
        if invitation is None or org is None:
            raise InvalidInput(f"{prefix}invitation_code", _BAD_CODE)
        if org.kind not in kinds:
            raise InvalidInput(f"{prefix}invitation_code",
                               "经纪人请通过「经纪人注册」加入技术转移机构；其他机构的邀请码请在"
                               "「加入机构」中使用。Brokers join agencies by registering as "
                               "brokers; other organisations' codes are for joining as a member."
                               if broker or org.kind == OrgKind.AGENCY else _BAD_CODE)
        return Target(org, invitation)
    if credit_code:
        org = session.execute(select(Organisation).where(
            Organisation.credit_code == credit_code, Organisation.kind.in_(kinds))
        ).scalar_one_or_none()
        if org is None:
            raise InvalidInput(f"{prefix}{'agency_credit_code' if broker else 'credit_code'}",
                               "未找到该技术转移机构，请先由机构注册。No agency with this credit code."
                               if broker else
                               "未找到该企业或高校院所。No firm or institute with this credit code.")
        return Target(org, None)
    return None


def _admit(session: Session, user: User, org: Organisation) -> None:
    user.organisation_id = org.id
    if user.role == Role.BROKER:
        profile = session.get(BrokerProfile, user.id)
        if profile is not None:
            profile.agency_id = org.id
    session.flush()


def join(session: Session, actor: audit.Actor, user: User, to: Target) -> JoinRequest | None:
    """A newly registered user joins: at once with an invitation, else as a pending member."""
    org = to.organisation
    if to.invitation is not None:
        to.invitation.used_by_id, to.invitation.used_at = user.id, utcnow()
        _admit(session, user, org)
        audit.record(session, actor, "organisation.join", "organisation", org.id,
                     after={"user_id": user.id, "invitation_id": to.invitation.id})
        return None
    request = JoinRequest(user_id=user.id, organisation_id=org.id, status=JoinStatus.PENDING)
    session.add(request)
    session.flush()
    audit.record(session, actor, "organisation.join_request", "organisation", org.id,
                 after={"user_id": user.id, "join_request_id": request.id})
    return request


# --- who speaks for an organisation ---------------------------------------------------------

def is_member(user: User, org_id: int) -> bool:
    return user.organisation_id is not None and user.organisation_id == org_id


def organisation_for_members(session: Session, user: User, org_id: int) -> Organisation:
    """The organisation, if `user` is an active member of it or an administrator (404 else)."""
    org = session.get(Organisation, org_id)
    if org is None or not (user.role == Role.ADMIN or is_member(user, org_id)):
        raise NotFound(NO_ORGANISATION)
    return org


def approver_ids(session: Session, org_id: int) -> list[int]:
    """The active members who may approve a join request (administrators may too)."""
    return list(session.execute(select(User.id).where(
        User.organisation_id == org_id, User.is_active.is_(True)).order_by(User.id)).scalars())


# --- join requests ----------------------------------------------------------------------------

def pending_request_of(session: Session, user_id: int) -> JoinRequest | None:
    return session.execute(select(JoinRequest).where(
        JoinRequest.user_id == user_id, JoinRequest.status == JoinStatus.PENDING)
        .order_by(JoinRequest.id.desc())).scalars().first()


def latest_request_of(session: Session, user_id: int) -> tuple[JoinRequest, str] | None:
    """The user's latest join request with the organisation's name (for their own view)."""
    row = session.execute(select(JoinRequest, Organisation.name)
                          .join(Organisation, Organisation.id == JoinRequest.organisation_id)
                          .where(JoinRequest.user_id == user_id)
                          .order_by(JoinRequest.id.desc())).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class JoinRequestRow:
    request: JoinRequest
    user: User
    profile: BrokerProfile | None
    organisation_name: str


LIST_LIMIT = 200  # requests per list, newest first: a queue, not an archive


def list_requests(session: Session, org: Organisation | None, status: JoinStatus | None
                  ) -> list[JoinRequestRow]:
    """The join requests to `org` (None: to every organisation, for administrators)."""
    query = (select(JoinRequest, User, BrokerProfile, Organisation.name)
             .join(User, User.id == JoinRequest.user_id)
             .join(Organisation, Organisation.id == JoinRequest.organisation_id)
             .outerjoin(BrokerProfile, BrokerProfile.user_id == User.id))
    if org is not None:
        query = query.where(JoinRequest.organisation_id == org.id)
    if status is not None:
        query = query.where(JoinRequest.status == status)
    rows = session.execute(query.order_by(JoinRequest.created_at.desc(), JoinRequest.id.desc())
                           .limit(LIST_LIMIT))
    return [JoinRequestRow(r, u, p, name) for r, u, p, name in rows]


def decide(session: Session, actor: audit.Actor, org: Organisation, request_id: int,
           approve: bool, note: str | None) -> JoinRequestRow:
    """Approve (the user becomes a member) or decline a pending join request."""
    request = session.get(JoinRequest, request_id, with_for_update=True)
    if request is None or request.organisation_id != org.id:
        raise NotFound("未找到该加入申请。No such join request.")
    if request.status != JoinStatus.PENDING:
        raise Conflict(f"该申请已处理（{request.status.value}）。This request has already been "
                       f"answered ({request.status.value}).", current_status=request.status.value)
    user = session.get(User, request.user_id, with_for_update=True)
    if user is None:  # the request goes with its user (ON DELETE CASCADE): never here
        raise NotFound("未找到该加入申请。No such join request.")
    if approve and user.organisation_id is not None:
        raise Conflict("该用户已是其他机构的成员。This user already belongs to an organisation.")
    request.status = JoinStatus.APPROVED if approve else JoinStatus.DECLINED
    request.decided_by_id, request.decided_at, request.note = actor.user_id, utcnow(), note
    if approve:
        _admit(session, user, org)
    session.flush()
    audit.record(session, actor,
                 f"organisation.join_{'approve' if approve else 'decline'}", "organisation",
                 org.id, before={"join_request_id": request.id, "status": JoinStatus.PENDING},
                 after={"join_request_id": request.id, "user_id": user.id,
                        "status": request.status, "note": note})
    profile = session.get(BrokerProfile, user.id)
    return JoinRequestRow(request, user, profile, org.name)


# --- invitations ------------------------------------------------------------------------------

def create_invitation(session: Session, actor: audit.Actor, org: Organisation
                      ) -> tuple[Invitation, str]:
    """A one-time code admitting one person to `org`; the code is returned only here."""
    if org.kind not in _INVITING_KINDS:
        raise Conflict("该机构不接受注册加入。This organisation is not joined by registration.")
    code = secrets.token_urlsafe(18)
    invitation = Invitation(organisation_id=org.id, code_hash=token_digest(code),
                            created_by_id=actor.user_id, created_at=utcnow(),
                            expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    session.add(invitation)
    session.flush()
    audit.record(session, actor, "organisation.invite", "organisation", org.id,
                 after={"invitation_id": invitation.id, "expires_at": invitation.expires_at})
    return invitation, code


def list_invitations(session: Session, org: Organisation) -> Sequence[Invitation]:
    return session.execute(select(Invitation).where(Invitation.organisation_id == org.id)
                           .order_by(Invitation.created_at.desc(), Invitation.id.desc())
                           ).scalars().all()


def revoke_invitation(session: Session, actor: audit.Actor, org: Organisation,
                      invitation_id: int) -> None:
    invitation = session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or invitation.organisation_id != org.id:
        raise NotFound("未找到该邀请。No such invitation.")
    if invitation.used_at is not None or invitation.revoked_at is not None:
        raise Conflict("该邀请已使用或已撤销。This invitation was already used or revoked.")
    invitation.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "organisation.invitation_revoke", "organisation", org.id,
                 after={"invitation_id": invitation.id})
