"""The expert pool: invitations, registration (invited, or an application an administrator
verifies), profiles and their declared interests, and each expert's load this year."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import identity
from backend.accounts import service as accounts
from backend.accounts.models import Organisation, User, VerificationStatus
from backend.audit import service as audit
from backend.core import paging
from backend.core.clock import today
from backend.core.errors import Conflict, InvalidInput, NotFound
from backend.core.permissions import Role
from backend.core.security import token_digest
from backend.core.types import utcnow
from backend.experts import schemas
from backend.experts.models import (
    AssignmentStatus,
    ExpertInterest,
    ExpertInvitation,
    ExpertKind,
    ExpertProfile,
    ReviewAssignment,
)
from backend.listings import taxonomy

INVITATION_DAYS = 14
NO_EXPERT = "未找到该专家。No such expert."
_BAD_CODE = "邀请码无效、已使用或已过期。The invitation code is invalid, used or expired."
# Seats that count against a year's capacity: every one the expert has not declined.
LOADED = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED)


@dataclass(frozen=True)
class ExpertRow:
    profile: ExpertProfile
    user: User
    interests: list[ExpertInterest]
    load: int


# --- invitations ------------------------------------------------------------------------------

def invite(session: Session, actor: audit.Actor, data: schemas.ExpertInvitationIn
           ) -> tuple[ExpertInvitation, str]:
    """A one-time code for a prospective expert; the code is returned only here (the
    administrator sends it by e-mail or text message)."""
    code = secrets.token_urlsafe(18)
    invitation = ExpertInvitation(code_hash=token_digest(code), name=data.name,
                                  contact=data.contact, kind=data.kind,
                                  created_by_id=actor.user_id, created_at=utcnow(),
                                  expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    session.add(invitation)
    session.flush()
    audit.record(session, actor, "expert.invite", "expert_invitation", invitation.id,
                 after={"name": data.name, "kind": data.kind,
                        "expires_at": invitation.expires_at})
    return invitation, code


def list_invitations(session: Session) -> Sequence[ExpertInvitation]:
    return session.execute(select(ExpertInvitation).order_by(
        ExpertInvitation.created_at.desc(), ExpertInvitation.id.desc()).limit(200)).scalars().all()


def revoke_invitation(session: Session, actor: audit.Actor, invitation_id: int) -> None:
    invitation = session.get(ExpertInvitation, invitation_id, with_for_update=True)
    if invitation is None:
        raise NotFound("未找到该邀请。No such invitation.")
    if invitation.used_at is not None or invitation.revoked_at is not None:
        raise Conflict("该邀请已使用或已撤销。This invitation was already used or revoked.")
    invitation.revoked_at = utcnow()
    session.flush()
    audit.record(session, actor, "expert.invitation_revoke", "expert_invitation",
                 invitation.id)


def _usable_invitation(session: Session, code: str) -> ExpertInvitation:
    found = session.execute(select(ExpertInvitation).where(
        ExpertInvitation.code_hash == token_digest(code.strip())).with_for_update()
    ).scalar_one_or_none()
    if found is None or found.used_at is not None or found.revoked_at is not None \
            or found.expires_at <= utcnow():
        raise InvalidInput("invitation_code", _BAD_CODE)
    return found


# --- profiles ---------------------------------------------------------------------------------

def _field_codes(session: Session, codes: Iterable[str]) -> list[str]:
    known = {f.code for f in taxonomy.all_fields(session) if f.active}
    wanted = list(dict.fromkeys(codes))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise InvalidInput("profile.fields", f"未知的领域代码 unknown field codes: "
                                             f"{', '.join(unknown)}")
    return wanted


def _employer_id(session: Session, credit_code: str | None) -> int | None:
    if credit_code is None:
        return None
    return session.execute(select(Organisation.id).where(
        Organisation.credit_code == credit_code)).scalar_one_or_none()


def _apply(session: Session, profile: ExpertProfile, data: schemas.ExpertProfileIn) -> None:
    profile.name, profile.organisation_name = data.name, data.organisation_name
    profile.organisation_credit_code = data.organisation_credit_code
    profile.organisation_id = _employer_id(session, data.organisation_credit_code)
    profile.title, profile.kind, profile.bio = data.title, data.kind, data.bio
    profile.fields = _field_codes(session, data.fields)
    profile.yearly_capacity = data.yearly_capacity
    profile.phone_id = (accounts.identifier_for(session, identity.IdentifierKind.PHONE,
                                                data.phone).id if data.phone else None)
    session.flush()
    for old in session.execute(select(ExpertInterest).where(
            ExpertInterest.expert_id == profile.user_id)).scalars():
        session.delete(old)
    session.add_all(ExpertInterest(expert_id=profile.user_id, relation=i.relation,
                                   organisation_name=i.organisation_name,
                                   credit_code=i.credit_code) for i in data.interests)
    session.flush()


def snapshot(row: ExpertRow) -> dict[str, object]:
    p = row.profile
    return {"name": p.name, "organisation_name": p.organisation_name,
            "organisation_credit_code": p.organisation_credit_code, "title": p.title,
            "fields": list(p.fields), "kind": p.kind, "yearly_capacity": p.yearly_capacity,
            "interests": [{"relation": i.relation, "organisation_name": i.organisation_name,
                           "credit_code": i.credit_code} for i in row.interests]}


def register(session: Session, data: schemas.ExpertRegistration, ip: str | None) -> User:
    invitation = (_usable_invitation(session, data.invitation_code)
                  if data.invitation_code else None)
    if invitation is not None and invitation.kind != data.profile.kind:
        raise InvalidInput("profile.kind", "该邀请码邀请的专家类型与所填类型不一致。"
                           f"This invitation is for a {invitation.kind.value} expert.")
    person = accounts.person_for(session, data.person) if data.person else None
    user = accounts.new_user(session, data.user, Role.EXPERT, person)
    actor = audit.Actor(user.id, user.username, ip)
    profile = ExpertProfile(user_id=user.id, name=data.profile.name, kind=data.profile.kind,
                            organisation_name=data.profile.organisation_name,
                            status=VerificationStatus.PENDING)
    session.add(profile)
    session.flush()
    _apply(session, profile, data.profile)
    accounts.record_registration(session, actor, user, data.person)
    if invitation is not None:
        invitation.used_by_id, invitation.used_at = user.id, utcnow()
        profile.status, profile.verified_at = VerificationStatus.VERIFIED, utcnow()
        profile.verified_by_id = invitation.created_by_id
    session.flush()
    audit.record(session, actor, "expert.register", "expert", user.id,
                 after={**snapshot(load(session, user.id)), "status": profile.status,
                        "invitation_id": invitation.id if invitation else None})
    return user


def update_profile(session: Session, actor: audit.Actor, user_id: int,
                   data: schemas.ExpertProfileIn) -> ExpertRow:
    before = load(session, user_id)
    if before.profile.status == VerificationStatus.VERIFIED and data.kind != before.profile.kind:
        raise Conflict("专家类型经审核确定，如需变更请联系管理员。The kind of expert was verified; "
                       "ask an administrator to change it.",
                       current_kind=before.profile.kind.value)
    _apply(session, before.profile, data)
    after = load(session, user_id)
    audit.record(session, actor, "expert.profile_update", "expert", user_id,
                 before=snapshot(before), after=snapshot(after))
    return after


def verify(session: Session, actor: audit.Actor, user_id: int, approve: bool,
           note: str | None) -> ExpertRow:
    row = load(session, user_id)
    profile = row.profile
    if profile.status != VerificationStatus.PENDING:
        raise Conflict(f"该专家已处理（{profile.status.value}）。This expert has already been "
                       f"verified or rejected.", current_status=profile.status.value)
    profile.status = VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED
    profile.status_note, profile.verified_at, profile.verified_by_id = note, utcnow(), \
        actor.user_id
    session.flush()
    audit.record(session, actor, "expert.verified" if approve else "expert.rejected", "expert",
                 user_id, after={"status": profile.status, "note": note})
    return row


# --- reading ----------------------------------------------------------------------------------

def year_start() -> datetime:
    start = today().replace(month=1, day=1)
    return datetime(start.year, 1, 1, tzinfo=utcnow().tzinfo)


def loads(session: Session, expert_ids: Iterable[int]) -> Counter[int]:
    """Seats each expert holds this year (invited, accepted or submitted)."""
    ids = list(expert_ids)
    if not ids:
        return Counter()
    rows = session.execute(select(ReviewAssignment.expert_id, func.count()).where(
        ReviewAssignment.expert_id.in_(ids), ReviewAssignment.status.in_(LOADED),
        ReviewAssignment.created_at >= year_start()).group_by(ReviewAssignment.expert_id))
    return Counter({expert_id: count for expert_id, count in rows})


def _rows(session: Session, pairs: Sequence[tuple[ExpertProfile, User]]) -> list[ExpertRow]:
    ids = [p.user_id for p, _ in pairs]
    interests: dict[int, list[ExpertInterest]] = {i: [] for i in ids}
    if ids:
        for interest in session.execute(select(ExpertInterest).where(
                ExpertInterest.expert_id.in_(ids)).order_by(ExpertInterest.id)).scalars():
            interests[interest.expert_id].append(interest)
    counts = loads(session, ids)
    return [ExpertRow(p, u, interests[p.user_id], counts[p.user_id]) for p, u in pairs]


def load(session: Session, user_id: int) -> ExpertRow:
    row = session.execute(select(ExpertProfile, User).join(
        User, User.id == ExpertProfile.user_id).where(ExpertProfile.user_id == user_id)).first()
    if row is None:
        raise NotFound(NO_EXPERT)
    return _rows(session, [(row[0], row[1])])[0]


def list_experts(session: Session, status: VerificationStatus | None, kind: ExpertKind | None,
                 q: str | None, page: int, page_size: int) -> tuple[list[ExpertRow], int]:
    query = select(ExpertProfile, User).join(User, User.id == ExpertProfile.user_id)
    if status is not None:
        query = query.where(ExpertProfile.status == status)
    if kind is not None:
        query = query.where(ExpertProfile.kind == kind)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(ExpertProfile.name.ilike(like)
                            | ExpertProfile.organisation_name.ilike(like))
    rows, total = paging.rows_page(session, query.order_by(ExpertProfile.created_at.desc(),
                                                           ExpertProfile.user_id.desc()),
                                   page, page_size)
    return _rows(session, [(p, u) for p, u in rows]), total


def verified_pool(session: Session) -> list[ExpertRow]:
    rows = session.execute(select(ExpertProfile, User).join(
        User, User.id == ExpertProfile.user_id).where(
        ExpertProfile.status == VerificationStatus.VERIFIED, User.is_active.is_(True))
        .order_by(ExpertProfile.user_id)).all()
    return _rows(session, [(p, u) for p, u in rows])


def profile_text(row: ExpertRow, field_names: dict[str, str]) -> str:
    """What the expert knows, as text for the matcher's similarity."""
    p = row.profile
    fields = " ".join(field_names.get(code, code) for code in p.fields)
    return f"{fields} {p.title} {p.bio}"


def view(row: ExpertRow) -> schemas.ExpertOut:
    p, u = row.profile, row.user
    return schemas.ExpertOut(
        user_id=p.user_id, username=u.username, email=u.email, name=p.name,
        organisation_name=p.organisation_name,
        organisation_credit_code=p.organisation_credit_code, organisation_id=p.organisation_id,
        title=p.title, fields=list(p.fields), kind=p.kind, bio=p.bio,
        yearly_capacity=p.yearly_capacity, load=row.load, status=p.status,
        status_note=p.status_note,
        interests=[schemas.InterestOut(relation=i.relation, organisation_name=i.organisation_name,
                                       credit_code=i.credit_code) for i in row.interests],
        created_at=p.created_at)
