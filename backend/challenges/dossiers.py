"""A challenge's confidential dossier (保密资料): the part of the problem the issuer shows only to
those it admits, behind its non-disclosure terms, as for demands (`backend/intake/dossiers.py`
keeps the dossiers, their grants, terms and view log).

Who may know it exists, and as whom, is the challenges' rule, handed to intake as this module
loads (intake is below challenges):
  - the issuer — the issuing firm's users, or the administrators for a bureau challenge —
    writes it and its terms, grants, declines and revokes access, sees every read;
  - administrators oversee a firm's challenge's dossier (grants, terms, views), not its content;
  - the challenge's seated reviewers read it once they accept the issuer's terms (no grant);
  - an eligible would-be solver (a verified organisation's user, of a kind and region the
    challenge's eligibility admits, not the issuer) asks for access while the challenge is
    published, closed or under review, and reads after the issuer's grant and the accepted terms.
A draft's dossier is known to its issuer (and administrators) only. Once the challenge is
decided (awarded or not, and after), it closes to every solver except the winning teams: the
dossier's existence included.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import OrgKind, User, VerificationStatus
from backend.audit import service as audit
from backend.challenges import proposals, schemas, service
from backend.challenges.models import Award, Challenge, ChallengeStatus, Proposal
from backend.challenges.rules import is_issuer, require_issuer
from backend.core.errors import Conflict, NotFound
from backend.core.permissions import Role
from backend.intake import dossiers
from backend.intake.dossiers import ChallengeSeat
from backend.intake.models import Dossier
from backend.intake.schemas import DossierIn

S = ChallengeStatus
# While these last, an eligible solver may ask for access and, once admitted, read.
OPEN_TO_SOLVERS = frozenset({S.PUBLISHED, S.CLOSED, S.UNDER_REVIEW})
_SOLVER_ROLES = (Role.FIRM, Role.INSTITUTE)


def _eligible(session: Session, user: User, challenge: Challenge) -> bool:
    """A verified organisation's user the challenge's eligibility admits (as `proposals`
    checks a team's organisations), other than the issuer."""
    if user.role not in _SOLVER_ROLES or user.organisation_id is None:
        return False
    if user.organisation_id == challenge.issuer_org_id:
        return False
    try:
        org = accounts.get_organisation(session, user.organisation_id)
    except NotFound:
        return False
    rules = schemas.Eligibility.model_validate(challenge.eligibility)
    kinds = set(rules.org_kinds) or {OrgKind.FIRM, OrgKind.INSTITUTE}
    return (org.verification_status == VerificationStatus.VERIFIED and org.kind in kinds
            and (not rules.regions or org.region in rules.regions))


def _on_winning_team(session: Session, user: User, challenge: Challenge) -> bool:
    won = list(session.execute(select(Proposal).join(Award, Award.proposal_id == Proposal.id)
                               .where(Award.challenge_id == challenge.id)).scalars())
    answers = proposals.consents(session, [p.id for p in won])
    return any(proposals.on_team(user, p, answers[p.id]) for p in won)


def seat(session: Session, user: User, challenge_id: int) -> ChallengeSeat:
    """Who `user` is to the challenge's dossier (NotFound: nobody it may be shown to)."""
    challenge = service.challenge_for(session, user, challenge_id)
    if is_issuer(user, challenge):
        return ChallengeSeat.ISSUER
    if user.role == Role.ADMIN:
        return ChallengeSeat.ADMIN
    if proposals.reviewing(session, user, challenge):
        return ChallengeSeat.REVIEWER
    if challenge.status in OPEN_TO_SOLVERS and _eligible(session, user, challenge):
        return ChallengeSeat.SOLVER
    if challenge.status not in OPEN_TO_SOLVERS and challenge.status is not S.DRAFT \
            and _on_winning_team(session, user, challenge):
        return ChallengeSeat.SOLVER
    raise NotFound(dossiers.NOT_FOUND)


def _takes_files(session: Session, dossier: Dossier) -> None:
    """An ended challenge's dossier takes no more files (409), as its text is no longer
    written."""
    if dossier.challenge_id is None:
        return
    challenge = session.get(Challenge, dossier.challenge_id)
    if challenge is not None and challenge.status in service.ENDED:
        raise Conflict(f"榜单已结束（{challenge.status.value}），保密资料不能再添加附件。This "
                       f"challenge has ended ({challenge.status.value}); its dossier takes no "
                       "more files.", current_status=challenge.status.value)


dossiers.install_challenge_rule(seat)
dossiers.install_attach_check(_takes_files)


def has_dossier(session: Session, user: User | None, challenge: Challenge) -> bool:
    """Whether the challenge carries a dossier the caller may know of (never its content)."""
    if user is None:
        return False
    if session.execute(select(Dossier.id).where(Dossier.challenge_id == challenge.id)
                       ).first() is None:
        return False
    try:
        seat(session, user, challenge.id)
    except NotFound:
        return False
    return True


def _bureau_org(session: Session, user: User, challenge: Challenge) -> int:
    """Whose terms bind a bureau challenge's dossier: the bureau organisation, the one its
    first writer (an administrator) belongs to."""
    existing = session.execute(select(Dossier.organisation_id).where(
        Dossier.challenge_id == challenge.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    if user.organisation_id is not None:
        org = accounts.get_organisation(session, user.organisation_id)
        if org.kind is OrgKind.BUREAU:
            return org.id
    raise Conflict("您的管理员账号未归属科技主管部门机构，不能编写保密资料（其保密协议须以该机构名义）。"
                   "Your administrator account belongs to no bureau organisation, in whose name "
                   "the dossier's terms would be given.")


def put(session: Session, actor: audit.Actor, user: User, challenge_id: int, data: DossierIn
        ) -> Dossier:
    """The issuer writes the dossier (404 unseen, 403 not the issuer; 409 once the challenge
    has ended)."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    require_issuer(user, challenge)
    if challenge.status in service.ENDED:
        raise Conflict(f"榜单已结束（{challenge.status.value}），不能再编写保密资料。This "
                       f"challenge has ended ({challenge.status.value}); its dossier cannot be "
                       "changed.", current_status=challenge.status.value)
    org_id = challenge.issuer_org_id if challenge.issuer_org_id is not None else _bureau_org(
        session, user, challenge)
    return dossiers.put_for_challenge(session, actor, challenge.id, org_id, data)
