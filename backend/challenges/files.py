"""Files attached to a proposal (揭榜方案附件) or to a milestone's evidence (里程碑成果材料).

The experts' dossier kit: at most the upload size limit, the type by the bytes (PDF, PNG or
JPEG), content-addressed store, a safe display name, at most `MAX_FILES` per proposal or
milestone. Seen by whoever sees the proposal (its team, the issuer, administrators, seated
reviewers) or the milestone (the issuer, administrators, its winner); a download by anyone
outside the team or the winner is in the audit log. Only the lead adds or removes a
proposal's files, and only while proposals are open: they are frozen with the proposal at the
deadline. Only the winner adds a milestone's files, while it awaits a decision (pending,
submitted or rejected) and the challenge is in delivery.
"""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.challenges import milestones, proposals
from backend.challenges.models import (
    Challenge,
    ChallengeFile,
    Milestone,
    MilestoneStatus,
    Proposal,
)
from backend.core.errors import Conflict, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.deals.files import read_limited, safe_filename
from backend.deals.storage import FileStore, sniff

MAX_FILES = 20
NO_FILE = "未找到该文件。No such file."
_OPEN_MILESTONE = (MilestoneStatus.PENDING, MilestoneStatus.SUBMITTED, MilestoneStatus.REJECTED)


def _store(session: Session, actor: audit.Actor, user: User, store: FileStore,
           challenge: Challenge, owner: dict[str, int], filename: str | None,
           stream: BinaryIO) -> ChallengeFile:
    column = ChallengeFile.proposal_id if "proposal_id" in owner else ChallengeFile.milestone_id
    count = session.execute(select(func.count()).select_from(ChallengeFile).where(
        column == next(iter(owner.values())))).scalar_one()
    if count >= MAX_FILES:
        raise Conflict(f"最多{MAX_FILES}个文件，请先删除不需要的文件。At most {MAX_FILES} files; "
                       "remove one first.", limit=MAX_FILES)
    data = read_limited(stream)
    content_type = sniff(data[:16])
    digest = store.put(data)
    row = ChallengeFile(challenge_id=challenge.id, filename=safe_filename(filename, content_type),
                        content_type=content_type, size=len(data), sha256=digest,
                        uploaded_by_id=user.id, **owner)
    session.add(row)
    session.flush()
    audit.record(session, actor, "challenge_file.upload", "challenge_file", row.id, after={
        "challenge_id": challenge.id, **owner, "filename": row.filename,
        "content_type": content_type, "size": row.size, "sha256": digest})
    return row


def _lead_while_open(user: User, challenge: Challenge, proposal: Proposal) -> None:
    if user.role == Role.ADMIN or user.organisation_id != proposal.lead_org_id:
        raise PermissionDenied("只有牵头单位可以修改方案附件。Only the lead organisation changes "
                               "the proposal's files.")
    proposals.check_open(challenge)


def attach_to_proposal(session: Session, actor: audit.Actor, user: User, store: FileStore,
                       challenge: Challenge, proposal: Proposal, filename: str | None,
                       stream: BinaryIO) -> ChallengeFile:
    _lead_while_open(user, challenge, proposal)
    return _store(session, actor, user, store, challenge, {"proposal_id": proposal.id},
                  filename, stream)


def remove_from_proposal(session: Session, actor: audit.Actor, user: User,
                         challenge: Challenge, proposal: Proposal, file_id: int) -> None:
    _lead_while_open(user, challenge, proposal)
    row = session.get(ChallengeFile, file_id)
    if row is None or row.proposal_id != proposal.id:
        raise NotFound(NO_FILE)
    before = {"challenge_id": challenge.id, "proposal_id": proposal.id,
              "filename": row.filename, "sha256": row.sha256}
    session.delete(row)
    session.flush()
    audit.record(session, actor, "challenge_file.delete", "challenge_file", file_id,
                 before=before)


def attach_to_milestone(session: Session, actor: audit.Actor, user: User, store: FileStore,
                        challenge: Challenge, milestone: Milestone, filename: str | None,
                        stream: BinaryIO) -> ChallengeFile:
    if user.role == Role.ADMIN or not milestones.is_winner(session, user, milestone):
        raise PermissionDenied("只有中榜方可以提交里程碑成果材料。Only the winner adds a "
                               "milestone's evidence files.")
    milestones.require_delivery(challenge)
    if milestone.status not in _OPEN_MILESTONE:
        raise Conflict(f"里程碑已验收（{milestone.status.value}），材料不能再添加。The milestone "
                       f"has been accepted ({milestone.status.value}); its files are final.",
                       current_status=milestone.status.value)
    return _store(session, actor, user, store, challenge, {"milestone_id": milestone.id},
                  filename, stream)


def proposal_files(session: Session, proposal: Proposal) -> list[ChallengeFile]:
    return list(session.execute(select(ChallengeFile).where(
        ChallengeFile.proposal_id == proposal.id).order_by(ChallengeFile.id)).scalars())


def milestone_files(session: Session, milestone: Milestone) -> list[ChallengeFile]:
    return list(session.execute(select(ChallengeFile).where(
        ChallengeFile.milestone_id == milestone.id).order_by(ChallengeFile.id)).scalars())


def read(session: Session, actor: audit.Actor, user: User, file_id: int, *,
         proposal: Proposal | None = None, milestone: Milestone | None = None,
         insider: bool) -> ChallengeFile:
    """A file of a proposal or milestone the caller may see (checked by the caller); a read by
    anyone outside the team or the winner (`insider`) is logged."""
    row = session.get(ChallengeFile, file_id)
    if row is None or (proposal is not None and row.proposal_id != proposal.id) or (
            milestone is not None and row.milestone_id != milestone.id):
        raise NotFound(NO_FILE)
    if not insider:
        audit.record(session, actor, "challenge_file.read", "challenge_file", row.id,
                     after={"challenge_id": row.challenge_id, "proposal_id": row.proposal_id,
                            "milestone_id": row.milestone_id, "filename": row.filename})
    return row
