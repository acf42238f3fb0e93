"""HTTP for challenges (揭榜挂帅): parse, authorise, call the rules, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from backend.accounts.deps import ActorDep, CurrentUser, OptionalUser, require
from backend.accounts.models import User
from backend.challenges import (
    files,
    milestones,
    proposals,
    review,
    schemas,
    selection,
    service,
    stats,
    views,
)
from backend.challenges.models import ChallengeStatus
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.permissions import Permission, Role
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals.storage import FileStore, file_store
from backend.intake.downloads import FILE_RESPONSE, stream_file

router = APIRouter(prefix="/api/v1/challenges", tags=["challenges"],
                   route_class=UnitOfWorkRoute)

Issuer = Annotated[User, Depends(require(Permission.CHALLENGE_ISSUE))]    # firms, the bureau
Solver = Annotated[User, Depends(require(Permission.CHALLENGE_PROPOSE))]  # firms, institutes
StatsReader = Annotated[User, Depends(require(Permission.CHALLENGE_STATS))]  # administrators
Reviewer = Annotated[User, Depends(require(Permission.REVIEW_WORK))]      # experts
Store = Annotated[FileStore, Depends(file_store)]


# --- challenges ---------------------------------------------------------------------------

@router.post("", status_code=status.HTTP_201_CREATED)
def create_challenge(body: schemas.ChallengeIn, session: SessionDep, user: Issuer,
                     actor: ActorDep) -> schemas.ChallengeOut:
    challenge = service.create(session, actor, user, body)
    return views.challenge_view(session, user, challenge)


@router.get("")
def list_challenges(session: SessionDep, user: OptionalUser,
                    status: ChallengeStatus | None = None, page: PageNo = 1,
                    page_size: PageSize = 20) -> Page[schemas.ChallengeSummary]:
    """Published and past challenges for everyone; drafts only to their issuer."""
    rows, count = service.list_visible(session, user, status, page, page_size)
    return Page(items=views.summaries(session, rows), total=count, page=page,
                page_size=page_size)


@router.get("/reviewing")
def list_reviewing(session: SessionDep, user: Reviewer) -> list[schemas.ReviewingOut]:
    """The challenges the expert is seated to review (declared before `/{challenge_id}`)."""
    return [schemas.ReviewingOut(challenge=views.summary(c), seat_id=seat.id,
                                 seat_status=seat.status)
            for c, seat in review.my_challenges(session, user)]


@router.get("/statistics")
def challenge_statistics(session: SessionDep, user: StatsReader) -> stats.ChallengeStatsOut:
    """The bureau's dashboard: challenges by top-level field and status, prize money committed
    and paid (winner-confirmed payments only), proposals (declared before `/{challenge_id}`)."""
    return stats.statistics(session)


@router.get("/invitations")
def list_invitations(session: SessionDep, user: Solver) -> list[schemas.InvitationOut]:
    """The proposals the caller's organisation is named on as a joint team's member, with its
    answer (declared before `/{challenge_id}`)."""
    return views.invitation_views(session, proposals.invitations(session, user))


@router.get("/{challenge_id}")
def get_challenge(challenge_id: int, session: SessionDep, user: OptionalUser
                  ) -> schemas.ChallengeOut:
    return views.challenge_view(session, user,
                                service.challenge_for(session, user, challenge_id))


@router.put("/{challenge_id}")
def update_challenge(challenge_id: int, body: schemas.ChallengeIn, session: SessionDep,
                     user: Issuer, actor: ActorDep) -> schemas.ChallengeOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    service.update(session, actor, user, challenge, body)
    return views.challenge_view(session, user, challenge)


@router.put("/{challenge_id}/top-up")
def set_top_up(challenge_id: int, body: schemas.TopUpIn, session: SessionDep, user: Issuer,
               actor: ActorDep) -> schemas.ChallengeOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    service.set_top_up(session, actor, user, challenge, body.top_up)
    return views.challenge_view(session, user, challenge)


@router.post("/{challenge_id}/transitions")
def transition_challenge(challenge_id: int, body: schemas.ChallengeTransitionIn, session: SessionDep,
                         user: Issuer, actor: ActorDep) -> schemas.ChallengeOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    service.transition(session, actor, user, challenge, body.to_status, body.reason)
    return views.challenge_view(session, user, challenge)


@router.post("/{challenge_id}/selection")
def decide(challenge_id: int, body: schemas.SelectionIn, session: SessionDep, user: Issuer,
           actor: ActorDep) -> schemas.ChallengeOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    selection.select_proposals(session, actor, user, challenge, body)
    return views.challenge_view(session, user, challenge)


# --- proposals ----------------------------------------------------------------------------

@router.post("/{challenge_id}/proposals", status_code=status.HTTP_201_CREATED)
def submit_proposal(challenge_id: int, body: schemas.ChallengeProposalIn, session: SessionDep,
                    user: Solver, actor: ActorDep) -> schemas.ChallengeProposalOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    proposal = proposals.submit(session, actor, user, challenge, body)
    return views.proposal_view(session, user, proposal)


@router.get("/{challenge_id}/proposals")
def list_proposals(challenge_id: int, session: SessionDep, user: CurrentUser
                   ) -> list[schemas.ChallengeProposalOut]:
    """The issuer and administrators see every proposal; a solver its own team's only."""
    challenge = service.challenge_for(session, user, challenge_id)
    return [views.proposal_view(session, user, p)
            for p in proposals.list_for(session, user, challenge)]


@router.get("/{challenge_id}/proposals/{proposal_id}")
def get_proposal(challenge_id: int, proposal_id: int, session: SessionDep, user: CurrentUser
                 ) -> schemas.ChallengeProposalOut:
    challenge = service.challenge_for(session, user, challenge_id)
    return views.proposal_view(session, user, proposals.proposal_for(session, user, challenge,
                                                               proposal_id))


@router.put("/{challenge_id}/proposals/{proposal_id}")
def update_proposal(challenge_id: int, proposal_id: int, body: schemas.ChallengeProposalIn,
                    session: SessionDep, user: Solver, actor: ActorDep) -> schemas.ChallengeProposalOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    proposal = proposals.proposal_for(session, user, challenge, proposal_id, lock=True)
    proposals.update(session, actor, user, challenge, proposal, body)
    return views.proposal_view(session, user, proposal)


@router.get("/{challenge_id}/partners")
def find_partners(challenge_id: int, session: SessionDep, user: Solver,
                  q: Annotated[str, Query(min_length=2, max_length=100)]
                  ) -> list[schemas.PartnerOut]:
    """Verified organisations by name (at least two characters) that the challenge admits as
    a joint team's member, to name on a proposal: name, kind and region only."""
    challenge = service.challenge_for(session, user, challenge_id)
    return [schemas.PartnerOut(id=o.id, name=o.name, kind=o.kind, region=o.region)
            for o in proposals.partners(session, user, challenge, q)]


@router.post("/{challenge_id}/proposals/{proposal_id}/membership")
def answer_membership(challenge_id: int, proposal_id: int, body: schemas.MembershipAnswerIn,
                      session: SessionDep, user: Solver, actor: ActorDep
                      ) -> schemas.ChallengeProposalOut:
    """A named member organisation agrees to be on the team (only then is it shown to the
    issuer and may the proposal be selected) or declines."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    proposal = proposals.proposal_for(session, user, challenge, proposal_id, lock=True)
    proposals.answer(session, actor, user, challenge, proposal, body.accept)
    return views.proposal_view(session, user, proposal)


@router.get("/{challenge_id}/proposals/{proposal_id}/files")
def list_proposal_files(challenge_id: int, proposal_id: int, session: SessionDep,
                        user: CurrentUser) -> list[schemas.ChallengeFileOut]:
    """Whoever sees the proposal: its team, the issuer, administrators, seated reviewers."""
    challenge = service.challenge_for(session, user, challenge_id)
    proposal = proposals.proposal_for(session, user, challenge, proposal_id)
    return [schemas.ChallengeFileOut.model_validate(f)
            for f in files.proposal_files(session, proposal)]


@router.post("/{challenge_id}/proposals/{proposal_id}/files",
             status_code=status.HTTP_201_CREATED)
@blocking
def attach_proposal_file(challenge_id: int, proposal_id: int, file: UploadFile,
                         session: SessionDep, user: Solver, actor: ActorDep, store: Store
                         ) -> schemas.ChallengeFileOut:
    """The lead attaches a PDF, PNG or JPEG until the deadline (frozen with the proposal)."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    proposal = proposals.proposal_for(session, user, challenge, proposal_id, lock=True)
    return schemas.ChallengeFileOut.model_validate(files.attach_to_proposal(
        session, actor, user, store, challenge, proposal, file.filename, file.file))


@router.get("/{challenge_id}/proposals/{proposal_id}/files/{file_id}",
            response_class=StreamingResponse, responses=FILE_RESPONSE)
@blocking
def download_proposal_file(challenge_id: int, proposal_id: int, file_id: int,
                           session: SessionDep, user: CurrentUser, actor: ActorDep,
                           store: Store) -> StreamingResponse:
    challenge = service.challenge_for(session, user, challenge_id)
    proposal = proposals.proposal_for(session, user, challenge, proposal_id)
    insider = user.organisation_id is not None and user.role != Role.ADMIN and \
        user.organisation_id in proposals.team_org_ids(proposal)
    return stream_file(store, files.read(session, actor, user, file_id, proposal=proposal,
                                         insider=insider))


@router.delete("/{challenge_id}/proposals/{proposal_id}/files/{file_id}",
               status_code=status.HTTP_204_NO_CONTENT)
def remove_proposal_file(challenge_id: int, proposal_id: int, file_id: int,
                         session: SessionDep, user: Solver, actor: ActorDep) -> None:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    proposal = proposals.proposal_for(session, user, challenge, proposal_id, lock=True)
    files.remove_from_proposal(session, actor, user, challenge, proposal, file_id)


# --- milestones ---------------------------------------------------------------------------

@router.get("/{challenge_id}/milestones")
def list_milestones(challenge_id: int, session: SessionDep, user: CurrentUser
                    ) -> list[schemas.MilestoneOut]:
    """The issuer and administrators see every milestone; a winner its own; late ones are
    flagged."""
    challenge = service.challenge_for(session, user, challenge_id)
    return [views.milestone_view(m) for m in milestones.visible(session, user, challenge)]


@router.post("/{challenge_id}/milestones/{milestone_id}/evidence")
def submit_evidence(challenge_id: int, milestone_id: int, body: schemas.MilestoneEvidenceIn,
                    session: SessionDep, user: Solver, actor: ActorDep) -> schemas.MilestoneOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    return views.milestone_view(milestones.record_evidence(session, actor, user, challenge,
                                                           milestone_id, body.text))


@router.get("/{challenge_id}/milestones/{milestone_id}/files")
def list_milestone_files(challenge_id: int, milestone_id: int, session: SessionDep,
                         user: CurrentUser) -> list[schemas.ChallengeFileOut]:
    """The issuer, administrators and the milestone's winner."""
    challenge = service.challenge_for(session, user, challenge_id)
    milestone = milestones.milestone_for(session, user, challenge, milestone_id)
    return [schemas.ChallengeFileOut.model_validate(f)
            for f in files.milestone_files(session, milestone)]


@router.post("/{challenge_id}/milestones/{milestone_id}/files",
             status_code=status.HTTP_201_CREATED)
@blocking
def attach_milestone_file(challenge_id: int, milestone_id: int, file: UploadFile,
                          session: SessionDep, user: Solver, actor: ActorDep, store: Store
                          ) -> schemas.ChallengeFileOut:
    """The winner attaches evidence (PDF, PNG or JPEG) until the milestone is accepted."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    milestone = milestones.milestone_for(session, user, challenge, milestone_id)
    return schemas.ChallengeFileOut.model_validate(files.attach_to_milestone(
        session, actor, user, store, challenge, milestone, file.filename, file.file))


@router.get("/{challenge_id}/milestones/{milestone_id}/files/{file_id}",
            response_class=StreamingResponse, responses=FILE_RESPONSE)
@blocking
def download_milestone_file(challenge_id: int, milestone_id: int, file_id: int,
                            session: SessionDep, user: CurrentUser, actor: ActorDep,
                            store: Store) -> StreamingResponse:
    challenge = service.challenge_for(session, user, challenge_id)
    milestone = milestones.milestone_for(session, user, challenge, milestone_id)
    return stream_file(store, files.read(session, actor, user, file_id, milestone=milestone,
                                         insider=milestones.is_winner(session, user,
                                                                      milestone)))


@router.post("/{challenge_id}/milestones/{milestone_id}/expert-check")
def expert_check(challenge_id: int, milestone_id: int, body: schemas.MilestoneExpertCheckIn,
                 session: SessionDep, user: Reviewer, actor: ActorDep) -> schemas.MilestoneOut:
    """A reviewer seated on the challenge records a verdict on the evidence, pass or fail with
    the reason (when the challenge asks for the check); until a pass the issuer cannot accept
    the milestone (rejecting it stays allowed)."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    return views.milestone_view(milestones.record_expert_check(
        session, actor, user, challenge, milestone_id, body.note, body.verdict))


@router.post("/{challenge_id}/milestones/{milestone_id}/accept")
def accept_milestone(challenge_id: int, milestone_id: int, session: SessionDep, user: Issuer,
                     actor: ActorDep, body: schemas.MilestoneDecisionIn | None = None
                     ) -> schemas.MilestoneOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    return views.milestone_view(milestones.record_decision(
        session, actor, user, challenge, milestone_id, True, body.reason if body else None))


@router.post("/{challenge_id}/milestones/{milestone_id}/reject")
def reject_milestone(challenge_id: int, milestone_id: int, body: schemas.MilestoneDecisionIn,
                     session: SessionDep, user: Issuer, actor: ActorDep
                     ) -> schemas.MilestoneOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    return views.milestone_view(milestones.record_decision(
        session, actor, user, challenge, milestone_id, False, body.reason))


@router.post("/{challenge_id}/milestones/{milestone_id}/payment")
def record_payment(challenge_id: int, milestone_id: int, body: schemas.MilestonePaymentIn,
                   session: SessionDep, user: Issuer, actor: ActorDep) -> schemas.MilestoneOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    return views.milestone_view(milestones.record_payment(
        session, actor, user, challenge, milestone_id, body.paid_on, body.reference))


@router.post("/{challenge_id}/milestones/{milestone_id}/receipt")
def answer_payment(challenge_id: int, milestone_id: int, body: schemas.MilestoneReceiptIn,
                   session: SessionDep, user: Solver, actor: ActorDep) -> schemas.MilestoneOut:
    """The winner confirms receiving the recorded payment (only then it counts as paid) or
    disputes it with a reason."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    return views.milestone_view(milestones.record_receipt(
        session, actor, user, challenge, milestone_id, body.confirmed, body.reason))


# --- expert review --------------------------------------------------------------------------

@router.post("/{challenge_id}/review", status_code=status.HTTP_201_CREATED)
def ask_review(challenge_id: int, body: schemas.ReviewRequestIn, session: SessionDep,
               user: Issuer, actor: ActorDep) -> schemas.ReviewBoardOut:
    """The issuer or an administrator: seat a panel without conflicts of interest."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    review.ask(session, actor, user, challenge, body)
    return views.review_board(session, user, challenge)


@router.get("/{challenge_id}/review")
def get_review(challenge_id: int, session: SessionDep, user: CurrentUser
               ) -> schemas.ReviewBoardOut:
    """The issuer and administrators: panel and ranking; a seated reviewer: their sheet (the
    ranking once they submitted)."""
    challenge = service.challenge_for(session, user, challenge_id)
    return views.review_board(session, user, challenge)


@router.post("/{challenge_id}/review/seats/{seat_id}/replace")
def replace_reviewer(challenge_id: int, seat_id: int, session: SessionDep, user: Issuer,
                     actor: ActorDep) -> schemas.ReviewBoardOut:
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    review.replace(session, actor, user, challenge, seat_id)
    return views.review_board(session, user, challenge)


@router.put("/{challenge_id}/review/scores")
def submit_scores(challenge_id: int, body: schemas.ScoreSheetIn, session: SessionDep,
                  user: Reviewer, actor: ActorDep) -> schemas.ReviewBoardOut:
    """A seated reviewer's scores for every proposal; final once submitted."""
    challenge = service.challenge_for(session, user, challenge_id, lock=True)
    review.submit(session, actor, user, challenge, body)
    return views.review_board(session, user, challenge)
