"""Confidential dossiers (保密资料): consent before disclosure.

Who sees a dossier's content:
  - members of the owning firm, always;
  - while it is on a broker's draft, the drafting broker too (they are writing it with the firm);
  - anyone else — broker, institute, another firm — only while the owner has granted them
    access AND they have accepted the owner's current non-disclosure terms. A revocation or a
    new version of the terms takes effect on the next read: nothing is cached.
Administrators oversee the grants, acceptances and views but do not read the content.

Who knows a dossier exists: whoever may see its demand (they may ask for access). Every read of
the content or a file by someone outside the owning firm is logged and shown to the owner.

A financing request's and a challenge's dossiers follow the same rules; who may know of them
(and, for a challenge, as whom: issuer, overseeing administrator, seated reviewer or eligible
would-be solver) is the higher domain's rule, handed over when its module loads.

The matcher never indexes dossier text (`matches/documents.py` reads the demand's own fields
only), so no ranking, reason or preview can carry it to anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.accounts.service import load_user
from backend.audit import service as audit
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.deals.storage import FileStore
from backend.intake import files, notices, terms
from backend.intake.access import Seat, insider, request_for
from backend.intake.models import (
    AccessStatus,
    DemandDraft,
    Dossier,
    DossierAccess,
    DossierView,
    DraftStatus,
    StoredFile,
)
from backend.intake.schemas import DossierIn
from backend.listings import demands, lookup

NOT_FOUND = "未找到该保密资料。No such dossier."

# A financing request's dossier (the capital chain, a domain above intake): who may know it
# exists is the capital chain's rule, handed over when `backend.capital.dossiers` loads. The
# check raises NotFound unless `user` may see the request's dossier (its owner, an administrator,
# an investor of its audience while the request is not withdrawn).
FinancingCheck = Callable[[Session, User, int], None]
_financing_check: FinancingCheck | None = None


def install_financing_check(check: FinancingCheck) -> None:
    global _financing_check
    _financing_check = check


# The titles of financing requests by id, for the owner's list of dossiers (installed with the
# check above).
FinancingTitles = Callable[[Session, list[int]], dict[int, str]]
_financing_titles: FinancingTitles | None = None


def install_financing_titles(titles: FinancingTitles) -> None:
    global _financing_titles
    _financing_titles = titles


def _check_financing(session: Session, user: User, request_id: int) -> None:
    if _financing_check is None:
        raise RuntimeError("backend.capital.dossiers is not loaded: a financing request's "
                           "dossier cannot be checked.")
    _financing_check(session, user, request_id)


class ChallengeSeat(StrEnum):
    """Who the caller is to a challenge, as far as its dossier goes (the challenges' rule)."""

    ISSUER = "issuer"      # the issuing firm's users; the administrators for a bureau challenge
    ADMIN = "admin"        # oversight of a firm's challenge: grants, terms, views; no content
    REVIEWER = "reviewer"  # seated on its review panel: reads once the terms are accepted
    SOLVER = "solver"      # an eligible would-be solver: asks, and reads after grant + terms


# A challenge's dossier (揭榜挂帅, a domain above intake): who may know it exists, and as whom, is
# the challenges' rule, handed over when `backend.challenges.dossiers` loads. The rule returns
# the caller's seat or raises NotFound (a draft, a solver not eligible, a solver who did not
# win once the challenge is decided).
ChallengeRule = Callable[[Session, User, int], ChallengeSeat]
_challenge_rule: ChallengeRule | None = None


def install_challenge_rule(rule: ChallengeRule) -> None:
    global _challenge_rule
    _challenge_rule = rule


def _challenge_seat(session: Session, user: User, challenge_id: int) -> ChallengeSeat:
    if _challenge_rule is None:
        raise RuntimeError("backend.challenges.dossiers is not loaded: a challenge's dossier "
                           "cannot be checked.")
    return _challenge_rule(session, user, challenge_id)


# Whether what a financing request's or a challenge's dossier belongs to still takes files: the
# owning domain's rule (a closed or withdrawn request, an ended challenge: no), installed with
# the rules above. It raises Conflict (409, saying why) when not.
AttachCheck = Callable[[Session, Dossier], None]
_attach_checks: list[AttachCheck] = []


def install_attach_check(check: AttachCheck) -> None:
    _attach_checks.append(check)


class Relation(StrEnum):
    OWNER = "owner"      # a member of the owning firm (a challenge's issuer)
    DRAFTER = "drafter"  # the broker drafting it, while it is on a draft
    ADMIN = "admin"
    REVIEWER = "reviewer"  # a challenge's seated reviewer: needs the accepted terms, no grant
    OTHER = "other"      # may see the demand: needs a grant and the accepted terms


_SEAT_RELATION = {ChallengeSeat.ISSUER: Relation.OWNER, ChallengeSeat.ADMIN: Relation.ADMIN,
                  ChallengeSeat.REVIEWER: Relation.REVIEWER, ChallengeSeat.SOLVER: Relation.OTHER}


@dataclass(frozen=True)
class DossierAccessView:
    dossier: Dossier
    relation: Relation
    user: User


def _snapshot(d: Dossier) -> dict[str, Any]:
    return {"demand_id": d.demand_id, "draft_id": d.draft_id,
            "financing_request_id": d.financing_request_id, "challenge_id": d.challenge_id,
            "details": d.details,
            "volumes": d.volumes, "budget": d.budget}


def _relation(session: Session, user: User, dossier: Dossier) -> Relation:
    if user.role == Role.FIRM and user.organisation_id == dossier.organisation_id:
        return Relation.OWNER
    if (dossier.financing_request_id is not None and user.role == Role.INSTITUTE
            and user.organisation_id == dossier.organisation_id):
        return Relation.OWNER
    if user.role == Role.ADMIN:
        return Relation.ADMIN
    if dossier.demand_id is None and dossier.draft_id is not None:
        draft = session.get(DemandDraft, dossier.draft_id)
        if draft is not None and draft.broker_id == user.id:
            return Relation.DRAFTER
    return Relation.OTHER


def dossier_for(session: Session, user: User, dossier_id: int, *, lock: bool = False
                ) -> DossierAccessView:
    """The dossier, if the user may know it exists (404 otherwise)."""
    query = select(Dossier).where(Dossier.id == dossier_id)
    if lock:
        query = query.with_for_update()
    dossier = one_or_404(session, query.execution_options(populate_existing=True), NOT_FOUND)
    try:
        if dossier.challenge_id is not None:
            seat = _challenge_seat(session, user, dossier.challenge_id)
            return DossierAccessView(dossier, _SEAT_RELATION[seat], user)
        if dossier.financing_request_id is not None:
            _check_financing(session, user, dossier.financing_request_id)
        elif dossier.demand_id is not None:
            demands.check_visible(session, user, dossier.demand_id)
        else:
            draft = session.get(DemandDraft, dossier.draft_id)
            if draft is None:  # a dossier has a demand or a draft (check constraint)
                raise NotFound(NOT_FOUND)
            insider(request_for(session, user, draft.help_request_id))
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    return DossierAccessView(dossier, _relation(session, user, dossier), user)


def access_row(session: Session, dossier_id: int, user_id: int) -> DossierAccess | None:
    return session.execute(select(DossierAccess).where(
        DossierAccess.dossier_id == dossier_id, DossierAccess.user_id == user_id)
    ).scalar_one_or_none()


def require_reader(view: DossierAccessView) -> None:
    """Investors read a financing request's dossier only, never a demand's (nor a
    challenge's: they are no solvers, and the challenges' rule does not seat them)."""
    if view.user.role == Role.INVESTOR and view.dossier.financing_request_id is None:
        raise PermissionDenied("投资机构不能查看需求的保密资料。Investors read no demand's "
                               "dossier.")
    if view.user.role == Role.EXPERT and view.relation is not Relation.REVIEWER:
        raise PermissionDenied("专家只能查看其评审的榜单的保密资料。Experts read only the dossier "
                               "of a challenge they review.")


def _require_owner(view: DossierAccessView) -> None:
    if view.relation is not Relation.OWNER:
        raise PermissionDenied("只有该需求的企业可以管理保密资料。Only the firm that owns the "
                               "dossier may manage it.")


def _require_oversight(view: DossierAccessView) -> None:
    if view.relation not in (Relation.OWNER, Relation.ADMIN):
        raise PermissionDenied("只有资料所属企业与管理员可以查看。Only the owner and "
                               "administrators may see this.")


# --- may the caller read it? ------------------------------------------------------------------

def may_read(session: Session, view: DossierAccessView) -> tuple[bool, str | None]:
    """(True, None), or (False, why): `access_required` or `terms_required`."""
    if view.relation in (Relation.OWNER, Relation.DRAFTER):
        return True, None
    if view.relation is not Relation.REVIEWER:  # a seated reviewer needs no grant
        row = access_row(session, view.dossier.id, view.user.id)
        if row is None or row.status != AccessStatus.GRANTED:
            return False, "access_required"
    current = terms.latest(session, view.dossier.organisation_id)
    if current is None or not terms.has_accepted(session, view.user.id, current.id):
        return False, "terms_required"
    return True, None


def _require_read(session: Session, view: DossierAccessView) -> None:
    allowed, why = may_read(session, view)
    if allowed:
        return
    if why == "terms_required":
        current = terms.latest(session, view.dossier.organisation_id)
        raise PermissionDenied("请先阅读并接受资料所属企业的保密协议。Accept the owner's "
                               "non-disclosure terms first.", reason=why,
                               terms_version=current.version if current else None)
    raise PermissionDenied("查看保密资料需经资料所属企业授权。The owner has not granted you "
                           "access to this dossier.", reason=why)


def _log_view(session: Session, view: DossierAccessView, ip: str | None,
              file_id: int | None = None) -> None:
    if view.relation is Relation.OWNER:
        return
    session.add(DossierView(dossier_id=view.dossier.id, user_id=view.user.id, file_id=file_id,
                            ip=ip))
    session.flush()


def read(session: Session, actor: audit.Actor, view: DossierAccessView) -> Dossier:
    require_reader(view)
    _require_read(session, view)
    _log_view(session, view, actor.ip)
    return view.dossier


def read_file(session: Session, actor: audit.Actor, view: DossierAccessView, file_id: int
              ) -> StoredFile:
    require_reader(view)
    _require_read(session, view)
    row = files.file_of(session, file_id, dossier_id=view.dossier.id)
    _log_view(session, view, actor.ip, row.id)
    return row


def files_of(session: Session, dossier: Dossier) -> list[StoredFile]:
    return files.files_of(session, dossier_id=dossier.id)


# --- writing ----------------------------------------------------------------------------------

def _write(session: Session, actor: audit.Actor, dossier: Dossier | None, data: DossierIn,
           **owner: Any) -> Dossier:
    if dossier is None:
        dossier = Dossier(details=data.details, volumes=data.volumes, budget=data.budget,
                          created_by_id=actor.user_id, **owner)
        session.add(dossier)
        session.flush()
        terms.current(session, actor, dossier.organisation_id)
        audit.record(session, actor, "dossier.create", "dossier", dossier.id,
                     after=_snapshot(dossier))
        return dossier
    before = _snapshot(dossier)
    dossier.details, dossier.volumes, dossier.budget = data.details, data.volumes, data.budget
    after = _snapshot(dossier)
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        dossier.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "dossier.update", "dossier", dossier.id,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return dossier


def put_for_demand(session: Session, actor: audit.Actor, user: User, demand_id: int,
                   data: DossierIn) -> Dossier:
    """The owning firm writes its demand's dossier."""
    demand = demands.demand_for_owner(session, user, demand_id)
    existing = session.execute(select(Dossier).where(Dossier.demand_id == demand.id)
                               ).scalar_one_or_none()
    return _write(session, actor, existing, data, demand_id=demand.id,
                  organisation_id=demand.organisation_id)


def put_for_draft(session: Session, actor: audit.Actor, draft: DemandDraft, seat: Seat,
                  user: User, data: DossierIn) -> Dossier:
    """The drafting broker writes it while drafting; the firm while the draft waits for it."""
    allowed: tuple[DraftStatus, ...]
    if seat is Seat.FIRM:
        allowed = (DraftStatus.SUBMITTED,)
    elif seat is Seat.BROKER and draft.broker_id == user.id:
        allowed = (DraftStatus.DRAFT, DraftStatus.RETURNED)
    else:
        raise PermissionDenied("只有起草人或该企业可以编写保密资料。Only the drafting broker or "
                               "the firm may write the dossier.")
    if draft.status not in allowed:
        raise Conflict(f"该草稿当前状态为「{draft.status.value}」，不能修改保密资料。This draft "
                       f"is {draft.status.value}; its dossier cannot be changed now.",
                       current_status=draft.status.value)
    existing = session.execute(select(Dossier).where(Dossier.draft_id == draft.id)
                               ).scalar_one_or_none()
    return _write(session, actor, existing, data, draft_id=draft.id,
                  organisation_id=draft.organisation_id)


def put_for_challenge(session: Session, actor: audit.Actor, challenge_id: int,
                      organisation_id: int, data: DossierIn) -> Dossier:
    """The issuer writes its challenge's dossier (the challenges checked that the caller is the
    issuer and may change it; `organisation_id` is the issuing firm, or the bureau)."""
    existing = session.execute(select(Dossier).where(Dossier.challenge_id == challenge_id)
                               .with_for_update()).scalar_one_or_none()
    return _write(session, actor, existing, data, challenge_id=challenge_id,
                  organisation_id=organisation_id)


def put_for_financing(session: Session, actor: audit.Actor, request_id: int,
                      organisation_id: int, data: DossierIn) -> Dossier:
    """The requesting organisation writes its financing request's dossier (the capital chain
    checked that the caller owns the request and may change it)."""
    existing = session.execute(select(Dossier).where(Dossier.financing_request_id == request_id)
                               .with_for_update()).scalar_one_or_none()
    return _write(session, actor, existing, data, financing_request_id=request_id,
                  organisation_id=organisation_id)


def attach(session: Session, actor: audit.Actor, view: DossierAccessView, store: FileStore,
           filename: str | None, stream: BinaryIO) -> StoredFile:
    if view.relation not in (Relation.OWNER, Relation.DRAFTER):
        raise PermissionDenied("只有资料所属企业或起草人可以上传附件。Only the owner or the "
                               "drafting broker may attach files.")
    for check in _attach_checks:
        check(session, view.dossier)
    return files.store_file(session, actor, store, filename, stream, dossier_id=view.dossier.id)


def move_to_demand(session: Session, actor: audit.Actor, draft_id: int, demand_id: int,
                   broker_id: int) -> Dossier | None:
    """On approval the draft's dossier becomes the demand's; the approving member grants the
    drafting broker access (they still accept the terms like anyone else)."""
    dossier = session.execute(select(Dossier).where(Dossier.draft_id == draft_id)
                              ).scalar_one_or_none()
    if dossier is None:
        return None
    dossier.demand_id = demand_id
    session.flush()
    audit.record(session, actor, "dossier.attach", "dossier", dossier.id,
                 after={"demand_id": demand_id, "draft_id": draft_id})
    _set(session, actor, dossier, broker_id, AccessStatus.GRANTED, "grant")
    return dossier


# --- access -----------------------------------------------------------------------------------

def _set(session: Session, actor: audit.Actor, dossier: Dossier, user_id: int,
         status: AccessStatus, verb: str, message: str | None = None) -> DossierAccess:
    row = access_row(session, dossier.id, user_id)
    before = row.status if row is not None else None
    if row is None:
        row = DossierAccess(dossier_id=dossier.id, user_id=user_id, status=status)
        session.add(row)
    row.status = status
    if status is AccessStatus.REQUESTED:
        row.requested_at, row.message = utcnow(), message or ""
        row.decided_by_id = row.decided_at = None
    else:
        row.decided_by_id, row.decided_at = actor.user_id, utcnow()
    session.flush()
    audit.record(session, actor, f"dossier.{verb}", "dossier", dossier.id,
                 before={"user_id": user_id, "status": before},
                 after={"user_id": user_id, "status": status})
    return row


def _title(dossier: Dossier, text: str) -> str:
    """A challenge's or a financing request's dossier has notice kinds of its own
    (`challenge.dossier_*`, `financing.dossier_*`) and numbers what it belongs to: the bell
    leads each reader to that page in their own section."""
    if dossier.challenge_id is not None:
        return f"揭榜挂帅 #{dossier.challenge_id}：保密资料{text}"
    if dossier.financing_request_id is not None:
        return f"融资需求 #{dossier.financing_request_id}：保密资料{text}"
    return f"保密资料 #{dossier.id}：{text}"


def _managers(session: Session, dossier: Dossier) -> list[int]:
    """Who hears of a request: the owning organisation's users; for a bureau challenge's
    dossier the administrators too (they act as its issuer)."""
    members = notices.org_members(session, dossier.organisation_id)
    if dossier.challenge_id is not None:
        bureau = session.get(Organisation, dossier.organisation_id)
        if bureau is not None and bureau.kind is OrgKind.BUREAU:
            return list(dict.fromkeys([*members, *notices.admins(session)]))
    return members


# A demand's dossier keeps the dossier kinds; a challenge's and a financing request's speak of
# what they belong to.
_OWN_KIND = {"dossier.requested": "dossier_requested", "dossier.granted": "dossier_granted",
             "dossier.decline": "dossier_declined", "dossier.revoke": "dossier_revoked"}


def _kind(dossier: Dossier, kind: str) -> str:
    if dossier.challenge_id is not None:
        return f"challenge.{_OWN_KIND[kind]}"
    if dossier.financing_request_id is not None:
        return f"financing.{_OWN_KIND[kind]}"
    return kind


def request_access(session: Session, actor: audit.Actor, view: DossierAccessView, message: str
                   ) -> DossierAccess:
    require_reader(view)
    dossier = view.dossier
    if view.relation is not Relation.OTHER or (dossier.demand_id is None
                                               and dossier.financing_request_id is None
                                               and dossier.challenge_id is None):
        raise Conflict("您无需申请此资料的访问权限。You need not ask for access to this dossier.")
    row = access_row(session, view.dossier.id, view.user.id)
    if row is not None and row.status in (AccessStatus.REQUESTED, AccessStatus.GRANTED):
        return row
    row = _set(session, actor, view.dossier, view.user.id, AccessStatus.REQUESTED, "request",
               message)
    kind = _kind(view.dossier, "dossier.requested")
    notices.send(session, _managers(session, view.dossier), kind,
                 _title(view.dossier, f"{view.user.display_name}申请查看"),
                 f"{view.user.display_name} asks to see the dossier. {message}".strip())
    return row


def grant(session: Session, actor: audit.Actor, view: DossierAccessView, user_id: int
          ) -> DossierAccess:
    """The owner admits a user who can see the demand (who asked, or whom it invites)."""
    _require_owner(view)
    dossier = view.dossier
    if (dossier.demand_id is None and dossier.financing_request_id is None
            and dossier.challenge_id is None):
        raise Conflict("需求发布后才能授权他人查看保密资料。Grant access once the demand is "
                       "published.")
    target = load_user(session, user_id)
    if target is None or target.role == Role.ADMIN or target.organisation_id == \
            dossier.organisation_id:
        raise InvalidInput("user_id", "不能授权该用户。This user cannot be granted access.")
    try:
        if dossier.challenge_id is not None:
            # Only an eligible would-be solver, while the challenge takes requests (a reviewer
            # reads without a grant; the issuer's own users need none).
            if _challenge_seat(session, target, dossier.challenge_id) is not ChallengeSeat.SOLVER:
                raise NotFound(NOT_FOUND)
        elif dossier.financing_request_id is not None:
            if target.role != Role.INVESTOR:
                raise NotFound(NOT_FOUND)
            _check_financing(session, target, dossier.financing_request_id)
        else:
            if target.role == Role.INVESTOR:
                raise NotFound(NOT_FOUND)
            demands.check_visible(session, target, dossier.demand_id)  # type: ignore[arg-type]
    except NotFound:
        raise InvalidInput("user_id", "该用户看不到此需求，不能授权。This user cannot see the "
                                      "request.") from None
    row = access_row(session, dossier.id, user_id)
    if row is not None and row.status is AccessStatus.GRANTED:
        return row
    row = _set(session, actor, dossier, user_id, AccessStatus.GRANTED, "grant")
    kind = _kind(dossier, "dossier.granted")
    notices.send(session, [user_id], kind,
                 _title(dossier, "已获授权，接受保密协议后即可查看"),
                 "Access granted: accept the owner's non-disclosure terms to read it.")
    return row


def _decide(session: Session, actor: audit.Actor, view: DossierAccessView, user_id: int,
            current: AccessStatus, target: AccessStatus, verb: str, zh: str) -> DossierAccess:
    _require_owner(view)
    row = access_row(session, view.dossier.id, user_id)
    if row is None or row.status is not current:
        raise Conflict(f"该用户没有{'待处理的申请' if current is AccessStatus.REQUESTED else '访问权限'}。"
                       f"This user has no {current.value} access.", current_status=(
                           row.status.value if row else None))
    row = _set(session, actor, view.dossier, user_id, target, verb)
    kind = _kind(view.dossier, f"dossier.{verb}")
    notices.send(session, [user_id], kind,
                 _title(view.dossier, zh))
    return row


def decline(session: Session, actor: audit.Actor, view: DossierAccessView, user_id: int
            ) -> DossierAccess:
    return _decide(session, actor, view, user_id, AccessStatus.REQUESTED, AccessStatus.DECLINED,
                   "decline", "访问申请未获同意")


def revoke(session: Session, actor: audit.Actor, view: DossierAccessView, user_id: int
           ) -> DossierAccess:
    return _decide(session, actor, view, user_id, AccessStatus.GRANTED, AccessStatus.REVOKED,
                   "revoke", "访问权限已被撤回")


def accept_terms(session: Session, actor: audit.Actor, view: DossierAccessView, version: int
                 ) -> tuple[int, Any]:
    require_reader(view)
    current = terms.current(session, actor, view.dossier.organisation_id)
    if version != current.version:
        raise Conflict(f"保密协议已更新为第{current.version}版，请阅读后再接受。The terms are now "
                       f"version {current.version}; read them before accepting.",
                       terms_version=current.version)
    return current.version, terms.accept(session, actor, view.user, current)


# --- oversight ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccessLine:
    row: DossierAccess
    user: User
    organisation_name: str | None
    accepted_version: int | None


def access_list(session: Session, view: DossierAccessView) -> list[AccessLine]:
    _require_oversight(view)
    rows = session.execute(
        select(DossierAccess, User, Organisation.name).join(User, User.id == DossierAccess.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(DossierAccess.dossier_id == view.dossier.id).order_by(DossierAccess.id)).all()
    accepted = terms.accepted_versions(session, view.dossier.organisation_id,
                                       [u.id for _, u, _ in rows])
    return [AccessLine(r, u, name, accepted.get(u.id)) for r, u, name in rows]


def view_log(session: Session, view: DossierAccessView, limit: int = 500
             ) -> list[tuple[DossierView, User, str | None]]:
    _require_oversight(view)
    rows = session.execute(
        select(DossierView, User, Organisation.name).join(User, User.id == DossierView.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(DossierView.dossier_id == view.dossier.id)
        .order_by(DossierView.viewed_at.desc(), DossierView.id.desc()).limit(limit)).all()
    return [(v, u, name) for v, u, name in rows]


def demand_has_dossier(session: Session, user: User | None, demand_id: int) -> bool:
    """Whether a demand the caller can see carries a dossier (its status may be asked for):
    the demand page asks only then, instead of reading a 404 on every other demand."""
    if user is None:
        return False
    demands.check_visible(session, user, demand_id)
    return session.execute(select(Dossier.id).where(Dossier.demand_id == demand_id)
                           ).first() is not None


def for_demand(session: Session, user: User, demand_id: int) -> DossierAccessView:
    """The dossier of a demand the user may see (404 when there is none or no view)."""
    demands.check_visible(session, user, demand_id)
    dossier_id = one_or_404(session, select(Dossier.id).where(Dossier.demand_id == demand_id), NOT_FOUND)
    return dossier_for(session, user, dossier_id)


@dataclass(frozen=True)
class Owned:
    dossier: Dossier
    title: str        # the demand's or the financing request's
    requested: int
    granted: int
    views: int


def owned(session: Session, user: User) -> list[Owned]:
    """The dossiers the caller's organisation owns — on its demands (firms) and on its financing
    requests (firms and institutes) — newest change first, with their counts. Drafts' dossiers
    (still the broker's work) and administrators have none here."""
    if user.role not in (Role.FIRM, Role.INSTITUTE) or user.organisation_id is None:
        return []
    rows = list(session.execute(select(Dossier).where(
        Dossier.organisation_id == user.organisation_id,
        Dossier.demand_id.is_not(None) | Dossier.financing_request_id.is_not(None))
        .order_by(Dossier.updated_at.desc(), Dossier.id.desc())).scalars())
    ids = [d.id for d in rows]
    if not ids:
        return []
    counts: dict[tuple[int, AccessStatus], int] = {
        (dossier_id, status): int(n) for dossier_id, status, n in session.execute(
            select(DossierAccess.dossier_id, DossierAccess.status, func.count())
            .where(DossierAccess.dossier_id.in_(ids))
            .group_by(DossierAccess.dossier_id, DossierAccess.status)).all()}
    seen = dict(session.execute(select(DossierView.dossier_id, func.count())
                                .where(DossierView.dossier_id.in_(ids))
                                .group_by(DossierView.dossier_id)).all())
    demand_titles = {k: v.title for k, v in lookup.demand_briefs(
        session, [d.demand_id for d in rows if d.demand_id]).items()}
    request_ids = [d.financing_request_id for d in rows if d.financing_request_id]
    request_titles = _financing_titles(session, request_ids) \
        if request_ids and _financing_titles is not None else {}

    def title(d: Dossier) -> str:
        if d.financing_request_id is not None:
            return request_titles.get(d.financing_request_id, "")
        return demand_titles.get(d.demand_id or 0, "")

    return [Owned(d, title(d), counts.get((d.id, AccessStatus.REQUESTED), 0),
                  counts.get((d.id, AccessStatus.GRANTED), 0), int(seen.get(d.id, 0)))
            for d in rows]


def for_challenge(session: Session, user: User, challenge_id: int) -> DossierAccessView:
    """The dossier of a challenge the user may know it of (404 when there is none or no
    view)."""
    _challenge_seat(session, user, challenge_id)
    dossier_id = one_or_404(session, select(Dossier.id).where(
        Dossier.challenge_id == challenge_id), NOT_FOUND)
    return dossier_for(session, user, dossier_id)


def for_financing(session: Session, user: User, request_id: int) -> DossierAccessView:
    """The dossier of a financing request the user may see (404 when there is none or no
    view)."""
    _check_financing(session, user, request_id)
    dossier_id = one_or_404(session, select(Dossier.id).where(
        Dossier.financing_request_id == request_id), NOT_FOUND)
    return dossier_for(session, user, dossier_id)


def draft_dossier_id(session: Session, draft_id: int) -> int | None:
    return session.execute(select(Dossier.id).where(Dossier.draft_id == draft_id)
                           ).scalar_one_or_none()
