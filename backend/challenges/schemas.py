"""Request and response shapes for challenges, proposals, selection and milestones."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictInt, model_validator

from backend.accounts.models import OrgKind
from backend.capital.schemas import MONEY_CEILING
from backend.challenges.models import (
    ChallengeStatus,
    ExpertVerdict,
    MemberConsent,
    MilestoneStatus,
    ReceiptStatus,
    ReviewSeatStatus,
)
from backend.core import clock
from backend.core.dates import EPOCH, PastDate
from backend.core.schemas import FreeText, Name, Schema, ShortName
from backend.experts.models import ExpertKind

# Money: to the fen, and at most 10^10 yuan (the ceiling the capital domain uses for sums a
# person states) — a prize, top-up, award, budget or plan step beyond it is a typing mistake.
Amount = Annotated[Decimal, Field(gt=0, le=MONEY_CEILING, max_digits=13, decimal_places=2)]
TopUp = Annotated[Decimal, Field(ge=0, le=MONEY_CEILING, max_digits=13, decimal_places=2)]
Threshold = Annotated[Decimal, Field(max_digits=18, decimal_places=6)]
LongText = Annotated[str, FreeText(min_length=1, max_length=10000, multiline=True)]
Reason = Annotated[str, FreeText(min_length=1, max_length=1000, multiline=True)]
Reference = Annotated[str, FreeText(min_length=1, max_length=64)]
PLANNING_HORIZON = timedelta(days=366 * 10)


def _plannable(value: date) -> date:
    """A date something is planned for: the epoch to ten years ahead (Beijing time)."""
    latest = clock.today() + PLANNING_HORIZON
    if not EPOCH <= value <= latest:
        raise ValueError(f"日期须在{EPOCH.isoformat()}至{latest.isoformat()}之间。The date must be "
                         f"between {EPOCH.isoformat()} and {latest.isoformat()}.")
    return value


PlanDate = Annotated[date, AfterValidator(_plannable)]
Comparator = Literal["≤", "≥", "="]
SolverKind = Literal[OrgKind.FIRM, OrgKind.INSTITUTE]


class Indicator(Schema):
    """A measurable target, e.g. 翘曲量 ≤ 0.1 mm."""

    name: Name
    unit: Annotated[str, FreeText(max_length=32)]
    comparator: Comparator
    threshold: Threshold


Indicators = Annotated[list[Indicator], Field(min_length=1, max_length=20)]


class PlannedMilestone(Schema):
    title: Name
    indicators: Annotated[list[Indicator], Field(default_factory=list, max_length=20)]
    due_on: PlanDate
    amount: Amount


class Eligibility(Schema):
    """Empty lists: any region; firms and institutes alike."""

    regions: Annotated[list[ShortName], Field(default_factory=list, max_length=50)]
    org_kinds: Annotated[list[SolverKind], Field(default_factory=list, max_length=2)]
    joint_teams: bool = True


class Criterion(Schema):
    name: Name
    weight: Annotated[int, Field(ge=1, le=100)]


class ChallengeIn(Schema):
    title: Name
    problem: LongText
    indicators: Indicators
    prize: Amount
    milestones: Annotated[list[PlannedMilestone], Field(min_length=1, max_length=20)]
    eligibility: Eligibility = Field(default_factory=lambda: Eligibility(regions=[], org_kinds=[]))
    review_criteria: Annotated[list[Criterion], Field(default_factory=list, max_length=20)]
    deadline: PlanDate
    demand_id: int | None = None
    # A seated reviewer confirms each milestone's evidence before the issuer may accept it.
    milestone_expert_check: bool = False

    @model_validator(mode="after")
    def _milestones_after_deadline(self) -> ChallengeIn:
        for m in self.milestones:
            if m.due_on <= self.deadline:
                raise ValueError(f"里程碑“{m.title}”的到期日须晚于揭榜截止日{self.deadline}。"
                                 f"Milestone “{m.title}” must fall due after the proposal "
                                 f"deadline {self.deadline}.")
        return self


class TopUpIn(Schema):
    top_up: TopUp


class ChallengeTransitionIn(Schema):
    to_status: ChallengeStatus
    reason: Reason | None = None


class AwardIn(Schema):
    proposal_id: int
    amount: Amount
    reason: Reason


class SelectionIn(Schema):
    """One or more proposals (a split award: amounts summing to prize plus top-up), or none
    with the reason."""

    awards: Annotated[list[AwardIn], Field(default_factory=list, max_length=20)]
    reason: Reason | None = None
    # Required when the chosen proposals are not the expert reviewers' top ones.
    departure_reason: Reason | None = None

    @model_validator(mode="after")
    def _reason_for_none(self) -> SelectionIn:
        if not self.awards and not self.reason:
            raise ValueError("不授奖须说明理由。Awarding none needs a reason.")
        if len({a.proposal_id for a in self.awards}) != len(self.awards):
            raise ValueError("同一方案只能授奖一次。Each proposal can be chosen once.")
        return self


class AwardOut(Schema):
    id: int
    proposal_id: int
    winner_org_id: int
    amount: Decimal
    reason: str
    deal_id: int | None
    decided_at: datetime
    winner_name: str = ""  # organisations' names are public; proposals' content is not


class ChallengeOut(Schema):
    id: int
    issuer_org_id: int | None
    bureau: bool
    title: str
    problem: str
    indicators: list[Indicator]
    prize: Decimal
    top_up: Decimal
    total: Decimal
    milestones: list[PlannedMilestone]
    eligibility: Eligibility
    review_criteria: list[Criterion]
    deadline: date
    proposals_close_at: datetime
    demand_id: int | None
    status: ChallengeStatus
    outcome_reason: str | None
    published_at: datetime | None
    closed_at: datetime | None
    decided_at: datetime | None
    ended_at: datetime | None
    awards: list[AwardOut]
    is_issuer: bool
    ranking_departure_reason: str | None = None
    issuer_name: str | None = None  # None: the bureau
    milestone_expert_check: bool = False
    # Whether it carries a confidential dossier the caller may know of (never its content).
    has_dossier: bool = False


class ChallengeSummary(Schema):
    id: int
    issuer_org_id: int | None
    bureau: bool
    title: str
    prize: Decimal
    top_up: Decimal
    deadline: date
    status: ChallengeStatus
    issuer_name: str | None = None  # None: the bureau
    winner_names: list[str] = Field(default_factory=list)


class PlanStep(Schema):
    title: Name
    due_on: PlanDate
    amount: Amount


class ChallengeProposalIn(Schema):
    member_org_ids: Annotated[list[int], Field(default_factory=list, max_length=10)]
    broker_id: int | None = None
    approach: LongText
    team: LongText
    indicators: Indicators
    plan: Annotated[list[PlanStep], Field(min_length=1, max_length=20)]
    budget: Amount
    ip_arrangement: LongText

    @model_validator(mode="after")
    def _consistent(self) -> ChallengeProposalIn:
        if len(set(self.member_org_ids)) != len(self.member_org_ids):
            raise ValueError("联合体成员不能重复。A member organisation is named twice.")
        planned = sum((step.amount for step in self.plan), Decimal(0))
        if planned != self.budget:
            raise ValueError(f"计划各阶段金额合计{planned}元，须等于预算{self.budget}元。The plan's "
                             f"steps add up to {planned} yuan; they must add up to the budget, "
                             f"{self.budget} yuan.")
        return self


class ProposalMemberOut(Schema):
    org_id: int
    org_name: str
    status: MemberConsent
    answered_at: datetime | None


class ChallengeProposalOut(Schema):
    """`member_org_ids` and `members`: to the team every organisation named (with its answer);
    to the issuer, reviewers and administrators only those who agreed. `lead_org_name`: to the
    issuer, administrators and the team."""

    id: int
    challenge_id: int
    lead_org_id: int
    # The lead organisation's name: to the issuer (who may see who proposed to it),
    # administrators and the team; None to a seated reviewer.
    lead_org_name: str | None = None
    member_org_ids: list[int]
    members: list[ProposalMemberOut] = Field(default_factory=list)
    broker_id: int | None
    approach: str
    team: str
    indicators: list[Indicator]
    plan: list[PlanStep]
    budget: Decimal
    ip_arrangement: str
    created_at: datetime
    updated_at: datetime
    revision: int
    frozen_sha256: str | None
    frozen_at: datetime | None


class ChallengeFileOut(Schema):
    id: int
    proposal_id: int | None
    milestone_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class MembershipAnswerIn(Schema):
    """A named member organisation's answer: join the team, or not."""

    accept: bool


class PartnerOut(Schema):
    """A verified organisation a lead may name as a joint team's member: only what the
    platform already shows of it publicly (its name, kind and region)."""

    id: int
    name: str
    kind: OrgKind
    region: str


class InvitationOut(Schema):
    """A proposal the caller's organisation is named on as a member of the team."""

    challenge: ChallengeSummary
    proposal_id: int
    lead_org_id: int
    lead_org_name: str
    status: MemberConsent
    invited_at: datetime
    answered_at: datetime | None


class MilestoneOut(Schema):
    id: int
    award_id: int
    seq: int
    title: str
    indicators: list[Indicator]
    due_on: date
    amount: Decimal
    status: MilestoneStatus
    late: bool
    evidence: str | None
    evidence_at: datetime | None
    decision_reason: str | None
    decided_at: datetime | None
    paid_amount: Decimal | None
    paid_on: date | None
    payment_reference: str | None
    receipt_status: ReceiptStatus | None
    receipt_reason: str | None
    receipt_at: datetime | None
    expert_checked_at: datetime | None = None
    expert_check_note: str | None = None
    expert_verdict: ExpertVerdict | None = None


class MilestoneExpertCheckIn(Schema):
    """A seated reviewer's verdict on the evidence: it meets the milestone's indicators
    (pass), or not (fail, the note saying why)."""

    verdict: ExpertVerdict = ExpertVerdict.PASSED
    note: Reason


class MilestoneEvidenceIn(Schema):
    text: LongText


class MilestoneDecisionIn(Schema):
    reason: Reason | None = None


class MilestonePaymentIn(Schema):
    paid_on: PastDate
    reference: Reference


class MilestoneReceiptIn(Schema):
    """The winner's answer to a recorded payment: received, or disputed with the reason."""

    confirmed: bool
    reason: Reason | None = None

    @model_validator(mode="after")
    def _reason_for_dispute(self) -> MilestoneReceiptIn:
        if not self.confirmed and not self.reason:
            raise ValueError("对付款有异议须说明理由。A dispute needs a reason.")
        return self


# --- expert review ----------------------------------------------------------------------------

class ReviewRequestIn(Schema):
    """The kinds of expert the panel seats, one entry per seat."""

    seats: Annotated[list[ExpertKind], Field(min_length=1, max_length=9)]


class FormCriterion(Schema):
    code: str
    name: str
    weight: int
    low: int = 1
    high: int = 5


class ProposalScoresIn(Schema):
    proposal_id: int
    # the form's c1, c2, … — a JSON integer (lax parsing read `true` as 1 and "5" as 5: pentest)
    scores: dict[Annotated[str, Field(pattern=r"^c[0-9]{1,2}$")], StrictInt]
    comment: Annotated[str, FreeText(max_length=2000, multiline=True)] = ""


class ScoreSheetIn(Schema):
    reviews: Annotated[list[ProposalScoresIn], Field(min_length=1, max_length=200)]


class CriterionSummaryOut(Schema):
    code: str
    mean: Decimal
    median: Decimal
    spread: int
    disagreement: bool


class ProposalRankOut(Schema):
    rank: int
    proposal_id: int
    lead_org_id: int
    lead_org_name: str
    reviews: int
    overall_mean: Decimal | None
    overall_median: Decimal | None
    overall_spread: Decimal | None
    reviewer_scores: list[Decimal]
    disagreement: bool
    criteria: list[CriterionSummaryOut]


class ReviewSeatOut(Schema):
    id: int
    expert_id: int
    expert_name: str
    kind: ExpertKind
    similarity: Decimal
    status: ReviewSeatStatus
    submitted_at: datetime | None


class MySeatOut(Schema):
    id: int
    status: ReviewSeatStatus
    scores: dict[str, dict[str, int]]
    comments: dict[str, str]
    proposal_ids: list[int]


class ReviewBoardOut(Schema):
    challenge_id: int
    status: ChallengeStatus
    form: list[FormCriterion]
    complete: bool
    seats: list[ReviewSeatOut]
    ranking: list[ProposalRankOut]
    departure_reason: str | None
    my_seat: MySeatOut | None


class ReviewingOut(Schema):
    """A challenge an expert reviews, with their seat's state."""

    challenge: ChallengeSummary
    seat_id: int
    seat_status: ReviewSeatStatus
