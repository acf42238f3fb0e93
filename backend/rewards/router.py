"""HTTP for reward policies, claims, payout batches and claw-backs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response, status

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import User
from backend.core import clock
from backend.core.dates import SearchDate
from backend.core.deps import DeskPageSize, PageNo, PeriodDep, SessionDep
from backend.core.errors import InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Permission, has_permission
from backend.core.routing import UnitOfWorkRoute
from backend.core.schemas import Page
from backend.integrity import service as _integrity  # noqa: F401 — installs the claim checks
from backend.integrity.schemas import FlagOut
from backend.rewards import (
    calculation,
    claims,
    clawbacks,
    payees,
    payouts,
    policies,
    review,
    schemas,
    views,
)
from backend.rewards.models import BatchStatus, ClaimStatus, ClawBackStatus, PayeeStatus

# A claim's detail shows administrators its integrity flags: the rewards schema names the
# type, integrity defines it (rewards does not import integrity; a router may).
schemas.ClaimOut.model_rebuild(_types_namespace={"FlagOut": FlagOut})
schemas.ClaimSubmitted.model_rebuild()

policies_router = APIRouter(prefix="/api/v1/reward-policies", tags=["reward-policies"],
                            route_class=UnitOfWorkRoute)
claims_router = APIRouter(prefix="/api/v1/claims", tags=["claims"], route_class=UnitOfWorkRoute)
payouts_router = APIRouter(prefix="/api/v1/payouts", tags=["payouts"], route_class=UnitOfWorkRoute)
clawbacks_router = APIRouter(prefix="/api/v1/clawbacks", tags=["clawbacks"],
                             route_class=UnitOfWorkRoute)
payees_router = APIRouter(prefix="/api/v1/payee-accounts", tags=["payee-accounts"],
                          route_class=UnitOfWorkRoute)

PolicyEditor = Annotated[User, Depends(require(Permission.POLICY_EDIT))]
ClaimSubmitter = Annotated[User, Depends(require(Permission.CLAIM_SUBMIT))]
ClaimReviewer = Annotated[User, Depends(require(Permission.CLAIM_REVIEW))]
PayeeVerifier = Annotated[User, Depends(require(Permission.PAYEE_VERIFY))]
DeviceId = Annotated[str | None, Header(alias="X-Device-Id", max_length=128)]


async def claim_reader(user: CurrentUser) -> User:
    """Brokers (their own claims) and reviewers (every claim)."""
    if not (has_permission(user.role, Permission.CLAIM_SUBMIT)
            or has_permission(user.role, Permission.CLAIM_REVIEW)):
        raise PermissionDenied("当前角色无权查看奖补申报。Your role may not see reward claims.")
    return user


ClaimReader = Annotated[User, Depends(claim_reader)]


# --- policies -----------------------------------------------------------------------------

@policies_router.get("")
def list_policies(session: SessionDep, _: CurrentUser, include_superseded: bool = False
                  ) -> list[schemas.PolicyOut]:
    return [views.policy_view(p) for p in policies.list_policies(
        session, include_superseded=include_superseded)]


@policies_router.post("", status_code=status.HTTP_201_CREATED)
def create_policy(body: schemas.PolicyCreate, session: SessionDep, _: PolicyEditor,
                  actor: ActorDep) -> schemas.PolicyOut:
    return views.policy_view(policies.create_policy(session, actor, body))


@policies_router.get("/in-force")
def policy_in_force(session: SessionDep, _: CurrentUser, signed_on: SearchDate,
                    region: str | None = None, buyer_region: str | None = None
                    ) -> schemas.PolicyOut:
    """The policy a contract signed on this date, with the seller in `region` and the buyer in
    `buyer_region`, falls under."""
    policy = policies.select_policy(session, signed_on, region, buyer_region)
    if policy is None:
        raise NotFound("该日期与地区没有适用的奖补政策。No policy covers this date and region.")
    return views.policy_view(policy)


@policies_router.post("/preview")
def preview_reward(body: schemas.PreviewIn, session: SessionDep, user: CurrentUser
                   ) -> schemas.BreakdownOut:
    """What a contract would earn: the calculation with its brackets, without claiming."""
    if body.policy_id is not None:
        policy = policies.get_policy(session, body.policy_id)
    else:
        found = policies.select_policy(session, body.signed_on or clock.today(), body.region,
                                       body.buyer_region)
        if found is None:
            raise NotFound("该日期与地区没有适用的奖补政策。No policy covers this date and region.")
        policy = found
    received = body.received_amount if body.received_amount is not None else body.contract_amount
    technology = body.technology_amount
    if technology is None:
        technology = body.contract_amount
    rest = calculation.HUNDRED - body.share
    shares = {0: body.share} if rest == 0 else {0: body.share, 1: rest}
    try:
        reward = calculation.compute_claim(policies.calculator(policy), 0, shares,
                                           contract_amount=body.contract_amount,
                                           technology_amount=technology,
                                           received_amount=received,
                                           grade=body.grade or claims.broker_grade(session,
                                                                                   user.id))
    except calculation.RewardCalculationError as exc:
        raise InvalidInput("body", f"无法计算：{exc}。Cannot compute: {exc}.") from None
    return schemas.breakdown_out(claims.breakdown(
        policy, reward, contract_amount=body.contract_amount, technology_amount=technology,
        received_amount=received, already_this_year=Decimal("0.00")))


@policies_router.get("/{policy_id}")
def get_policy(policy_id: int, session: SessionDep, _: CurrentUser) -> schemas.PolicyOut:
    return views.policy_view(policies.get_policy(session, policy_id))


@policies_router.get("/{policy_id}/versions")
def policy_versions(policy_id: int, session: SessionDep, _: CurrentUser
                    ) -> list[schemas.PolicyOut]:
    """Every version of the policy, oldest first."""
    key = policies.get_policy(session, policy_id).key
    return [views.policy_view(p) for p in policies.versions(session, key)]


@policies_router.put("/{policy_id}")
def revise_policy(policy_id: int, body: schemas.PolicyTerms, session: SessionDep,
                  _: PolicyEditor, actor: ActorDep) -> schemas.PolicyOut:
    """Save a new version; the edited one is kept, superseded."""
    return views.policy_view(policies.revise_policy(session, actor, policy_id, body))


# --- claims -------------------------------------------------------------------------------

@claims_router.post("", status_code=status.HTTP_201_CREATED,
                    responses={200: {"description": "The claim already existed: returned "
                                                    "unchanged."}})
def submit_claim(body: schemas.ClaimSubmit, session: SessionDep, user: ClaimSubmitter,
                 actor: ActorDep, response: Response, device_id: DeviceId = None
                 ) -> schemas.ClaimSubmitted:
    claim, created = claims.submit_claim(session, actor, user, body.deal_id, side=body.side,
                                         device_id=device_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return schemas.ClaimSubmitted(claim=views.claim_view(session, user, claim), created=created)


@claims_router.get("")
def list_claims(session: SessionDep, user: ClaimReader, when: PeriodDep,
                status_: Annotated[list[ClaimStatus] | None, Query(alias="status")] = None,
                broker_id: int | None = None, region: str | None = None,
                field_code: str | None = None, page: PageNo = 1, page_size: DeskPageSize = 20
                ) -> Page[schemas.ClaimSummary]:
    query = claims.claim_query(user, status=status_, broker_id=broker_id, region=region,
                               field_code=field_code, since=when.start, until=when.end)
    rows, total = claims.list_claims(session, query, page, page_size)
    return Page(items=views.claim_summaries(session, user, rows), total=total, page=page,
                page_size=page_size)


@claims_router.get("/{claim_id}")
def get_claim(claim_id: int, session: SessionDep, user: ClaimReader) -> schemas.ClaimOut:
    return views.claim_view(session, user, claims.claim_for(session, user, claim_id))


@claims_router.post("/{claim_id}/review")
def start_review(claim_id: int, session: SessionDep, user: ClaimReviewer, actor: ActorDep
                 ) -> schemas.ClaimOut:
    return views.claim_view(session, user, review.start_review(session, actor, claim_id))


@claims_router.post("/{claim_id}/approve")
def approve_claim(claim_id: int, session: SessionDep, user: ClaimReviewer, actor: ActorDep
                  ) -> schemas.ClaimOut:
    return views.claim_view(session, user, review.approve(session, actor, claim_id))


@claims_router.post("/{claim_id}/reject")
def reject_claim(claim_id: int, body: schemas.RejectIn, session: SessionDep,
                 user: ClaimReviewer, actor: ActorDep) -> schemas.ClaimOut:
    return views.claim_view(session, user, review.reject(session, actor, claim_id, body.reason))


@claims_router.post("/{claim_id}/pay")
def pay_claim(claim_id: int, body: schemas.PayIn, session: SessionDep, user: ClaimReviewer,
              actor: ActorDep) -> schemas.ClaimOut:
    """Record one approved claim paid; another administrator than the approver must."""
    claim = review.pay(session, actor, claim_id, body.payment_reference)
    return views.claim_view(session, user, claim)


# --- payout batches -----------------------------------------------------------------------

@payouts_router.post("", status_code=status.HTTP_201_CREATED)
def create_batch(body: schemas.BatchCreate, session: SessionDep, _: ClaimReviewer,
                 actor: ActorDep) -> schemas.BatchOut:
    batch = payouts.create_batch(session, actor, body.claim_ids, body.note)
    return views.batch_view(session, batch)


@payouts_router.get("")
def list_batches(session: SessionDep, _: ClaimReviewer, when: PeriodDep,
                 status_: Annotated[BatchStatus | None, Query(alias="status")] = None,
                 page: PageNo = 1, page_size: DeskPageSize = 20) -> Page[schemas.BatchOut]:
    rows, total = payouts.list_batches(session, status=status_, since=when.start,
                                       until=when.end, page=page, page_size=page_size)
    return Page(items=[views.batch_view(session, b) for b in rows], total=total, page=page,
                page_size=page_size)


@payouts_router.get("/{batch_id}")
def get_batch(batch_id: int, session: SessionDep, _: ClaimReviewer) -> schemas.BatchOut:
    return views.batch_view(session, payouts.get_batch(session, batch_id))


@payouts_router.post("/{batch_id}/pay")
def pay_batch(batch_id: int, body: schemas.BatchPay, session: SessionDep, _: ClaimReviewer,
              actor: ActorDep) -> schemas.BatchOut:
    """Record the batch paid; refused to an administrator who approved any claim in it."""
    return views.batch_view(session, payouts.pay_batch(session, actor, batch_id,
                                                       body.bank_reference))


@payouts_router.post("/{batch_id}/cancel")
def cancel_batch(batch_id: int, session: SessionDep, _: ClaimReviewer, actor: ActorDep
                 ) -> schemas.BatchOut:
    return views.batch_view(session, payouts.cancel_batch(session, actor, batch_id))


# --- claw-backs ---------------------------------------------------------------------------

@clawbacks_router.get("")
def list_clawbacks(session: SessionDep, _: ClaimReviewer, when: PeriodDep,
                   status_: Annotated[ClawBackStatus | None, Query(alias="status")] = None,
                   broker_id: int | None = None, region: str | None = None,
                   page: PageNo = 1, page_size: DeskPageSize = 20) -> Page[schemas.ClawBackOut]:
    query = clawbacks.clawback_query(since=when.start, until=when.end, broker_id=broker_id,
                                     region=region, status=status_)
    rows, total = clawbacks.list_clawbacks(session, query, page, page_size)
    return Page(items=[schemas.ClawBackOut.model_validate(r) for r in rows], total=total,
                page=page, page_size=page_size)


@clawbacks_router.get("/{clawback_id}")
def get_clawback(clawback_id: int, session: SessionDep, _: ClaimReviewer
                 ) -> schemas.ClawBackOut:
    return schemas.ClawBackOut.model_validate(clawbacks.get_clawback(session, clawback_id))


@clawbacks_router.post("/{clawback_id}/recovered")
def record_recovery(clawback_id: int, body: schemas.RecoveryIn, session: SessionDep,
                    _: ClaimReviewer, actor: ActorDep) -> schemas.ClawBackOut:
    """Record that the clawed-back money came back."""
    return schemas.ClawBackOut.model_validate(
        clawbacks.record_recovery(session, actor, clawback_id, body.recovery_reference))


@clawbacks_router.post("/{clawback_id}/review")
def review_clawback(clawback_id: int, body: schemas.ClawBackReviewIn, session: SessionDep,
                    _: ClaimReviewer, actor: ActorDep) -> schemas.ClawBackOut:
    """Review a claw-back a re-computation raised: the money is due, or nothing to recover."""
    return schemas.ClawBackOut.model_validate(
        clawbacks.review(session, actor, clawback_id, body.decision, body.note))


# --- the broker's payee account -------------------------------------------------------------

@payees_router.get("/mine")
def get_my_payee_account(session: SessionDep, user: ClaimSubmitter
                         ) -> schemas.PayeeAccountOut | None:
    """The broker's own account, masked; null when none is on record."""
    payees.require_broker(user)
    row = payees.get_account(session, user.id)
    return None if row is None else payees.view(session, user, row)


@payees_router.put("/mine")
def set_my_payee_account(body: schemas.PayeeAccountIn, session: SessionDep,
                         user: ClaimSubmitter, actor: ActorDep) -> schemas.PayeeAccountOut:
    """Record or change the broker's own account; it awaits an administrator's check."""
    return payees.view(session, user, payees.set_account(session, actor, user, body))


@payees_router.get("")
def list_payee_accounts(session: SessionDep, user: PayeeVerifier,
                        status_: Annotated[PayeeStatus | None, Query(alias="status")] = None,
                        page: PageNo = 1, page_size: DeskPageSize = 20
                        ) -> Page[schemas.PayeeAccountOut]:
    rows, total = payees.list_accounts(session, status_, page, page_size)
    return Page(items=[payees.view(session, user, r) for r in rows], total=total, page=page,
                page_size=page_size)


@payees_router.post("/{broker_id}/verification")
def verify_payee_account(broker_id: int, body: schemas.PayeeVerificationIn,
                         session: SessionDep, user: PayeeVerifier, actor: ActorDep
                         ) -> schemas.PayeeAccountOut:
    return payees.view(session, user, payees.verify(session, actor, broker_id, body.status,
                                                    body.note))
