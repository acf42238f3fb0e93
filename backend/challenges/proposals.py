"""Proposals (揭榜方案): who may submit, who sees them, editing until the deadline, freezing.

A proposal is seen by its team (the lead organisation's and the named members' users), the
challenge's issuer and administrators; any other caller — another solver above all — gets
404, as if it did not exist. The lead organisation edits it while the challenge is open; when
proposals close each is frozen: the SHA-256 of the canonical JSON of its submitted version is
kept on it and in the audit log.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts import service as accounts
from backend.accounts.models import Organisation, OrgKind, User, VerificationStatus
from backend.audit import service as audit
from backend.challenges import notices, schemas
from backend.challenges.models import (
    Challenge,
    ChallengeStatus,
    MemberConsent,
    Proposal,
    ProposalMember,
    ReviewSeat,
    ReviewSeatStatus,
)
from backend.challenges.rules import closes_at, is_issuer
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.experts import conflicts
from backend.experts import pool as expert_pool
from backend.integrity import gather
from backend.integrity.rules import org_links

NOT_FOUND = "未找到该揭榜方案。No such proposal."
_SOLVER_KINDS = (OrgKind.FIRM, OrgKind.INSTITUTE)


def snapshot(proposal: Proposal) -> dict[str, Any]:
    """The submitted version: what the hash is taken over."""
    return {"challenge_id": proposal.challenge_id, "lead_org_id": proposal.lead_org_id,
            "member_org_ids": list(proposal.member_org_ids), "broker_id": proposal.broker_id,
            "approach": proposal.approach, "team": proposal.team,
            "indicators": proposal.indicators, "plan": proposal.plan,
            "budget": proposal.budget, "ip_arrangement": proposal.ip_arrangement,
            "revision": proposal.revision}


def canonical_json(proposal: Proposal) -> str:
    return json.dumps(audit.jsonable(snapshot(proposal)), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def fingerprint(proposal: Proposal) -> str:
    return hashlib.sha256(canonical_json(proposal).encode("utf-8")).hexdigest()


def team_org_ids(proposal: Proposal) -> set[int]:
    return {proposal.lead_org_id, *proposal.member_org_ids}


def reviewing(session: Session, user: User, challenge: Challenge) -> bool:
    """Whether `user` is seated (now) on the challenge's review panel, with no conflict of
    interest as things stand now (one recorded or declared since the seating takes the seat's
    reach away, as in the proof-of-concept reviews)."""
    if user.role != Role.EXPERT:
        return False
    seated = session.execute(select(ReviewSeat.id).where(
        ReviewSeat.challenge_id == challenge.id, ReviewSeat.expert_id == user.id,
        ReviewSeat.status.in_((ReviewSeatStatus.SEATED, ReviewSeatStatus.SUBMITTED)))
    ).first() is not None
    return seated and not reviewer_conflicts(session, user.id, challenge)


def reviewed_orgs(session: Session, challenge: Challenge) -> set[int]:
    """The issuer and every organisation named on any proposal's team."""
    orgs = {o for p in session.execute(select(Proposal).where(
        Proposal.challenge_id == challenge.id)).scalars() for o in team_org_ids(p)}
    if challenge.issuer_org_id is not None:
        orgs.add(challenge.issuer_org_id)
    return orgs


def reviewer_conflicts(session: Session, expert_id: int, challenge: Challenge
                       ) -> list[conflicts.Found]:
    """The expert's conflicts of interest with the issuer or any team, as they stand now."""
    row = expert_pool.load(session, expert_id)
    return [f for org_id in sorted(reviewed_orgs(session, challenge))
            for f in conflicts.conflicts_for(session, [row], org_id)[expert_id]]


def consents(session: Session, proposal_ids: list[int]
             ) -> dict[int, dict[int, MemberConsent]]:
    """For each proposal, its named member organisations' answers."""
    found: dict[int, dict[int, MemberConsent]] = {i: {} for i in proposal_ids}
    if proposal_ids:
        for row in session.execute(select(ProposalMember).where(
                ProposalMember.proposal_id.in_(proposal_ids))).scalars():
            found[row.proposal_id][row.org_id] = row.status
    return found


def on_team(user: User, proposal: Proposal, consent: dict[int, MemberConsent]) -> bool:
    """The lead organisation's users, and a named member's unless it declined."""
    if user.role not in (Role.FIRM, Role.INSTITUTE) or user.organisation_id is None:
        return False
    org = user.organisation_id
    if org == proposal.lead_org_id:
        return True
    return org in proposal.member_org_ids and consent.get(org) != MemberConsent.DECLINED


def may_see(user: User, challenge: Challenge, proposal: Proposal,
            consent: dict[int, MemberConsent], *, reviewer: bool = False) -> bool:
    """The team, the issuer, administrators, and (`reviewer`) the challenge's seated reviewers."""
    if user.role == Role.ADMIN or is_issuer(user, challenge) or reviewer:
        return True
    return on_team(user, proposal, consent)


def proposal_for(session: Session, user: User, challenge: Challenge, proposal_id: int, *,
                 lock: bool = False) -> Proposal:
    query = select(Proposal).where(Proposal.id == proposal_id,
                                   Proposal.challenge_id == challenge.id)
    if lock:
        query = query.with_for_update()
    proposal = session.execute(query).scalar_one_or_none()
    if proposal is None or not may_see(user, challenge, proposal,
                                       consents(session, [proposal.id])[proposal.id],
                                       reviewer=reviewing(session, user, challenge)):
        raise NotFound(NOT_FOUND)
    return proposal


def list_for(session: Session, user: User, challenge: Challenge) -> list[Proposal]:
    rows = session.execute(select(Proposal).where(Proposal.challenge_id == challenge.id)
                           .order_by(Proposal.id)).scalars().all()
    seated = reviewing(session, user, challenge)
    answers = consents(session, [p.id for p in rows])
    return [p for p in rows if may_see(user, challenge, p, answers[p.id], reviewer=seated)]


# --- submitting and editing -----------------------------------------------------------------

def _check_open(challenge: Challenge) -> None:
    deadline = challenge.deadline.isoformat()
    if challenge.status != ChallengeStatus.PUBLISHED or utcnow() >= closes_at(challenge):
        raise Conflict(f"揭榜已于{deadline}（北京时间当日24时）截止，方案不能再提交或修改。Proposals "
                       f"closed at the end of {deadline} (Beijing time); no proposal can be "
                       f"submitted or changed now.", deadline=deadline,
                       current_status=challenge.status.value)


check_open = _check_open  # the proposal's files follow the same deadline


def _lead_org(session: Session, user: User, challenge: Challenge) -> int:
    refused = ("只有已认证的企业或高校院所可以揭榜。Only a verified firm or institute may submit "
               "a proposal.")
    if user.role not in (Role.FIRM, Role.INSTITUTE) or user.organisation_id is None:
        raise PermissionDenied(refused)
    org = accounts.get_organisation(session, user.organisation_id)
    if org.kind not in _SOLVER_KINDS or org.verification_status != VerificationStatus.VERIFIED:
        raise PermissionDenied(refused)
    if org.id == challenge.issuer_org_id:
        raise PermissionDenied("发榜方不能揭自己的榜。The issuer cannot answer its own challenge.")
    return org.id


def _check_team(session: Session, challenge: Challenge, lead_org_id: int,
                data: schemas.ChallengeProposalIn) -> None:
    rules = schemas.Eligibility.model_validate(challenge.eligibility)
    if data.member_org_ids and not rules.joint_teams:
        raise InvalidInput("member_org_ids", "该榜单不接受联合体揭榜。This challenge does not "
                                             "accept joint teams.")
    if lead_org_id in data.member_org_ids:
        raise InvalidInput("member_org_ids", "牵头单位不能同时列为成员。The lead organisation is "
                                             "not also a member.")
    kinds: set[OrgKind] = set(rules.org_kinds) or set(_SOLVER_KINDS)
    for org_id in [lead_org_id, *data.member_org_ids]:
        field = "member_org_ids" if org_id != lead_org_id else "lead"
        try:
            org = accounts.get_organisation(session, org_id)
        except NotFound:
            raise InvalidInput(field, f"机构{org_id}不存在。There is no organisation {org_id}."
                               ) from None
        if org.verification_status != VerificationStatus.VERIFIED or org.id == \
                challenge.issuer_org_id:
            raise InvalidInput(field, f"“{org.name}”须为已认证的机构且不是发榜方。“{org.name}” "
                                      "must be verified and not the issuer.")
        if org.kind not in kinds:
            raise InvalidInput(field, f"“{org.name}”的机构类型（{org.kind.value}）不符合揭榜条件。"
                                      f"“{org.name}” is a {org.kind.value}; this challenge is "
                                      f"open to: {', '.join(sorted(k.value for k in kinds))}.")
        if rules.regions and org.region not in rules.regions:
            raise InvalidInput(field, f"“{org.name}”所在地区（{org.region}）不在揭榜范围内。"
                                      f"“{org.name}” is in {org.region}; this challenge is open "
                                      f"to: {'、'.join(rules.regions)}.")
    _refuse_related(session, challenge, lead_org_id, data.member_org_ids)


_LINK_WORDS = {"legal_representative": "同一法定代表人", "officer": "同一董事或高管",
               "shareholder": "同一股东", "person": "同一自然人",
               "org_shareholder": "同一法人股东", "control": "控股关系",
               "address": "注册地址相同", "phone": "联系电话相同",
               "email_domain": "邮箱域名相同", "bank_account": "银行账户相同"}


def _refuse_related(session: Session, challenge: Challenge, lead_org_id: int,
                    member_org_ids: list[int]) -> None:
    """No organisation of the issuer's group (the integrity rules' related-party links) on the
    team: the issuer would award its prize, and the bureau's top-up, to itself."""
    found = related_problem(session, challenge, lead_org_id, member_org_ids)
    if found is not None:
        raise InvalidInput(*found)


def related_problem(session: Session, challenge: Challenge, lead_org_id: int,
                    member_org_ids: list[int]) -> tuple[str, str] | None:
    """The field (`lead` or `member_org_ids`) and the message naming the relation when an
    organisation on the team is related to a firm issuer as the links stand now — checked at
    submission and again at selection (a relation recorded in between blocks the award)."""
    issuer_org_id = challenge.issuer_org_id
    if issuer_org_id is None:  # the bureau's challenge: the bureau's organisation, if on file
        issuer_org_id = accounts.bureau_organisation_id(session)
    if issuer_org_id is None:
        return None
    team = [lead_org_id, *member_org_ids]
    found = {p.org_id: p for p in gather.parties(session, [issuer_org_id, *team])}
    issuer = found.get(issuer_org_id)
    if issuer is None:
        return None
    for org_id in team:
        party = found.get(org_id)
        if party is None:
            continue
        links = org_links(party, "solver", issuer, "issuer")
        if links:
            names = accounts.declared_names(session, [org_id, issuer_org_id])
            who = [f" {names[k]}" if isinstance(k := link.get("key"), int) and k in names
                   else "" for link in links]
            zh = "、".join(dict.fromkeys(_LINK_WORDS.get(str(link["attribute"]), "关联")[0]
                                         + w for link, w in zip(links, who, strict=True)))
            en = ", ".join(dict.fromkeys(str(link["attribute"]).replace("_", " ") + w
                                         for link, w in zip(links, who, strict=True)))
            return ("member_org_ids" if org_id != lead_org_id else "lead",
                    f"“{party.name}”与发榜方存在关联关系（{zh}），不能揭榜。“{party.name}” is "
                    f"related to the issuer ({en}) and cannot answer its challenge.")
    return None


def _check_broker(session: Session, broker_id: int | None) -> None:
    if broker_id is None:
        return
    try:
        row = accounts.get_broker(session, broker_id)
    except NotFound:
        row = None
    if row is None or row.profile.verification_status != VerificationStatus.VERIFIED:
        raise InvalidInput("broker_id", "须为已认证的技术经纪人。The broker must be a verified "
                                        "broker.")


def _apply(proposal: Proposal, data: schemas.ChallengeProposalIn) -> None:
    proposal.member_org_ids = list(data.member_org_ids)
    proposal.broker_id = data.broker_id
    proposal.approach = data.approach
    proposal.team = data.team
    proposal.indicators = [i.model_dump(mode="json") for i in data.indicators]
    proposal.plan = [p.model_dump(mode="json") for p in data.plan]
    proposal.budget = data.budget
    proposal.ip_arrangement = data.ip_arrangement


def submit(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
           data: schemas.ChallengeProposalIn) -> Proposal:
    lead_org_id = _lead_org(session, user, challenge)
    _check_open(challenge)
    _check_team(session, challenge, lead_org_id, data)
    _check_broker(session, data.broker_id)
    taken = ("贵单位已就此榜提交方案，请修改原方案。Your organisation already has a proposal on "
             "this challenge; edit that one.")
    if session.execute(select(Proposal.id).where(Proposal.challenge_id == challenge.id,
                                                 Proposal.lead_org_id == lead_org_id)
                       ).first() is not None:
        raise Conflict(taken)
    now = utcnow()
    proposal = Proposal(challenge_id=challenge.id, lead_org_id=lead_org_id,
                        submitted_by_id=user.id, created_at=now, updated_at=now, revision=1)
    _apply(proposal, data)
    session.add(proposal)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(taken) from None
    invited = _sync_members(session, proposal)
    audit.record(session, actor, "challenge_proposal.submit", "challenge_proposal",
                 proposal.id, after={**snapshot(proposal), "sha256": fingerprint(proposal)})
    notices.proposal_received(session, challenge, proposal)
    notices.members_invited(session, challenge, invited)
    return proposal


def update(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
           proposal: Proposal, data: schemas.ChallengeProposalIn) -> None:
    if user.organisation_id != proposal.lead_org_id or user.role == Role.ADMIN:
        raise PermissionDenied("只有牵头单位可以修改方案。Only the lead organisation edits the "
                               "proposal.")
    _check_open(challenge)
    _check_team(session, challenge, proposal.lead_org_id, data)
    _check_broker(session, data.broker_id)
    before = fingerprint(proposal)
    _apply(proposal, data)
    proposal.revision += 1
    proposal.updated_at = utcnow()
    session.flush()
    notices.members_invited(session, challenge, _sync_members(session, proposal))
    audit.record(session, actor, "challenge_proposal.update", "challenge_proposal",
                 proposal.id, before={"sha256": before},
                 after={**snapshot(proposal), "sha256": fingerprint(proposal)})


def _sync_members(session: Session, proposal: Proposal) -> list[int]:
    """A newly named member organisation is invited; one no longer named loses its row (its
    answer with it); a member still named keeps its answer through the lead's edits."""
    named = set(proposal.member_org_ids)
    rows = {r.org_id: r for r in session.execute(select(ProposalMember).where(
        ProposalMember.proposal_id == proposal.id)).scalars()}
    for org_id, row in rows.items():
        if org_id not in named:
            session.delete(row)
    invited = [o for o in proposal.member_org_ids if o not in rows]
    for org_id in invited:
        session.add(ProposalMember(proposal_id=proposal.id, org_id=org_id,
                                   status=MemberConsent.INVITED, invited_at=utcnow()))
    session.flush()
    return invited


# --- finding members by name ---------------------------------------------------------------

PARTNER_LIMIT = 20


def partners(session: Session, user: User, challenge: Challenge, q: str
             ) -> list[Organisation]:
    """Verified organisations whose name contains `q` and that the challenge's eligibility
    admits as a joint team's member (kind, region), neither the issuer nor the caller's own:
    at most `PARTNER_LIMIT`, by name. Naming one only invites it; it joins once it agrees."""
    rules = schemas.Eligibility.model_validate(challenge.eligibility)
    if not rules.joint_teams or not q.strip():
        return []
    kinds: set[OrgKind] = set(rules.org_kinds) or set(_SOLVER_KINDS)
    query = select(Organisation).where(
        Organisation.verification_status == VerificationStatus.VERIFIED,
        Organisation.kind.in_(sorted(kinds)),
        Organisation.name.contains(q.strip(), autoescape=True))
    if rules.regions:
        query = query.where(Organisation.region.in_(rules.regions))
    excluded = {o for o in (challenge.issuer_org_id, user.organisation_id) if o is not None}
    if excluded:
        query = query.where(Organisation.id.not_in(sorted(excluded)))
    return list(session.execute(query.order_by(Organisation.name, Organisation.id)
                                .limit(PARTNER_LIMIT)).scalars())


# --- a member organisation's consent ----------------------------------------------------------

_ANSWERABLE = (ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW)


def invitations(session: Session, user: User
                ) -> list[tuple[ProposalMember, Proposal, Challenge]]:
    """The proposals the caller's organisation is named on as a member, newest first."""
    if user.role not in (Role.FIRM, Role.INSTITUTE) or user.organisation_id is None:
        return []
    rows = session.execute(
        select(ProposalMember, Proposal, Challenge)
        .join(Proposal, Proposal.id == ProposalMember.proposal_id)
        .join(Challenge, Challenge.id == Proposal.challenge_id)
        .where(ProposalMember.org_id == user.organisation_id)
        .order_by(ProposalMember.id.desc())).all()
    return [(m, p, c) for m, p, c in rows]


def answer(session: Session, actor: audit.Actor, user: User, challenge: Challenge,
           proposal: Proposal, accept: bool) -> ProposalMember:
    """The member organisation agrees to be on the team, or declines (final: the lead may
    name it again only by taking it off and adding it anew, before the deadline)."""
    row = None
    if user.role in (Role.FIRM, Role.INSTITUTE) and user.organisation_id is not None:
        row = session.execute(select(ProposalMember).where(
            ProposalMember.proposal_id == proposal.id,
            ProposalMember.org_id == user.organisation_id).with_for_update()
        ).scalar_one_or_none()
    if row is None:
        raise PermissionDenied("只有被列为联合体成员的单位可以答复。Only an organisation named as a "
                               "member of the team may answer.")
    if row.status != MemberConsent.INVITED:
        raise Conflict(f"贵单位已答复（{row.status.value}）。Your organisation has already "
                       f"answered ({row.status.value}).", current_status=row.status.value)
    if challenge.status not in _ANSWERABLE:
        raise Conflict(f"榜单已评选（当前：{challenge.status.value}），不能再答复。The challenge "
                       f"has been decided ({challenge.status.value}); the invitation can no "
                       f"longer be answered.", current_status=challenge.status.value)
    row.status = MemberConsent.ACCEPTED if accept else MemberConsent.DECLINED
    row.answered_by_id = user.id
    row.answered_at = utcnow()
    session.flush()
    audit.record(session, actor, "challenge_proposal.member_accept" if accept
                 else "challenge_proposal.member_decline", "challenge_proposal", proposal.id,
                 before={"org_id": row.org_id, "status": MemberConsent.INVITED},
                 after={"org_id": row.org_id, "status": row.status})
    return row


def unconsented(session: Session, proposal: Proposal) -> list[int]:
    """Named member organisations that have not agreed (invited or declined)."""
    answers = consents(session, [proposal.id])[proposal.id]
    return [o for o in proposal.member_org_ids if answers.get(o) != MemberConsent.ACCEPTED]


def freeze_all(session: Session, actor: audit.Actor, challenge: Challenge) -> None:
    """Proposals close: each is frozen at its submitted version, its hash recorded."""
    now = utcnow()
    for proposal in session.execute(select(Proposal).where(
            Proposal.challenge_id == challenge.id, Proposal.frozen_sha256.is_(None))
            .order_by(Proposal.id)).scalars():
        proposal.frozen_sha256 = fingerprint(proposal)
        proposal.frozen_at = now
        audit.record(session, actor, "challenge_proposal.freeze", "challenge_proposal",
                     proposal.id, after={"challenge_id": challenge.id,
                                         "revision": proposal.revision,
                                         "sha256": proposal.frozen_sha256})
    session.flush()
