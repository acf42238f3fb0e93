"""HTTP for integrity flags, scans and the dishonesty list (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.accounts.deps import ActorDep, require
from backend.accounts.models import User
from backend.core import clock
from backend.core.dates import SearchDate
from backend.core.deps import DeskPageSize, PageNo, SessionDep
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.intake import demotion as _demotion  # noqa: F401 — a listed broker is demoted
from backend.integrity import dishonesty, review, schemas, service
from backend.integrity.context import SubjectKind
from backend.integrity.models import DishonestyListing, FlagStatus

router = APIRouter(prefix="/api/v1/integrity", tags=["integrity"], route_class=UnitOfWorkRoute)

IntegrityReviewer = Annotated[User, Depends(require(Permission.INTEGRITY_REVIEW))]
ListKeeper = Annotated[User, Depends(require(Permission.DISHONESTY_MANAGE))]


def _listing(entry: DishonestyListing) -> schemas.ListingOut:
    return schemas.ListingOut.model_validate(
        {**{k: getattr(entry, k) for k in schemas.ListingOut.model_fields if k != "active"},
         "active": dishonesty.is_active(entry, clock.today())})


# --- flags --------------------------------------------------------------------------------

@router.get("/flags")
def list_flags(session: SessionDep, _: IntegrityReviewer, claim_id: int | None = None,
               rule: str | None = None,
               status_: Annotated[FlagStatus | None, Query(alias="status")] = None,
               page: PageNo = 1, page_size: DeskPageSize = 50) -> Page[schemas.FlagOut]:
    rows, total = service.list_flags(session, claim_id=claim_id, rule=rule, status=status_,
                                     page=page, page_size=page_size)
    return Page(items=[schemas.FlagOut.model_validate(r) for r in rows], total=total,
                page=page, page_size=page_size)


@router.post("/flags/{flag_id}/dismiss")
def dismiss_flag(flag_id: int, body: schemas.DismissIn, session: SessionDep,
                 _: IntegrityReviewer, actor: ActorDep) -> schemas.FlagOut:
    return schemas.FlagOut.model_validate(review.dismiss(session, actor, flag_id, body.reason))


@router.post("/flags/{flag_id}/confirm")
def confirm_flag(flag_id: int, body: schemas.ConfirmIn, session: SessionDep,
                 _: IntegrityReviewer, actor: ActorDep) -> schemas.ConfirmOut:
    """Confirm fraud: claw back the claim's whole reward, and list the broker and the named
    colluding parties on the dishonesty list for five years."""
    done = review.confirm(session, actor, flag_id, body.reason, body.colluding,
                          body.colluding_broker_ids)
    return schemas.ConfirmOut(flag=schemas.FlagOut.model_validate(done.flag),
                              claw_back_id=done.claw_back.id,
                              listings=[_listing(e) for e in done.listings])


# --- scans --------------------------------------------------------------------------------

@router.post("/scans", status_code=status.HTTP_202_ACCEPTED)
@blocking
def request_scan(session: SessionDep, _: IntegrityReviewer, actor: ActorDep
                 ) -> schemas.ScanQueued:
    """Run every rule over every open claim, in the background."""
    service.request_scan(session, actor)
    return schemas.ScanQueued(queued=True, task=service.SCAN_TASK)


@router.get("/scans")
def list_scans(session: SessionDep, _: IntegrityReviewer, page: PageNo = 1,
               page_size: DeskPageSize = 20) -> Page[schemas.ScanOut]:
    rows, total = service.list_scans(session, page, page_size)
    return Page(items=[schemas.ScanOut.model_validate(r) for r in rows], total=total, page=page,
                page_size=page_size)


# --- the dishonesty list ------------------------------------------------------------------

@router.get("/dishonesty")
def list_dishonesty(session: SessionDep, _: ListKeeper, active_on: SearchDate | None = None,
                    subject_kind: SubjectKind | None = None, subject_key: str | None = None,
                    q: Annotated[str | None, Query(max_length=100)] = None, page: PageNo = 1,
                    page_size: DeskPageSize = 50) -> Page[schemas.ListingOut]:
    """Entries, newest first; `active_on` keeps those in force that day."""
    query = dishonesty.listing_query(active_on=active_on, kind=subject_kind, key=subject_key,
                                     search=q)
    rows, total = dishonesty.list_entries(session, query, page, page_size)
    return Page(items=[_listing(r) for r in rows], total=total, page=page, page_size=page_size)


@router.post("/dishonesty", status_code=status.HTTP_201_CREATED)
def add_listing(body: schemas.ListingIn, session: SessionDep, _: ListKeeper, actor: ActorDep
                ) -> schemas.ListingOut:
    """List a subject by hand (e.g. on another authority's decision)."""
    subject = dishonesty.resolve_manual(session, body.subject_kind, body.subject_key)
    entry = dishonesty.list_subject(session, actor, subject, reason=body.reason,
                                    listed_on=body.listed_on or clock.today(), years=body.years)
    return _listing(entry)


@router.get("/dishonesty/{listing_id}")
def get_listing(listing_id: int, session: SessionDep, _: ListKeeper) -> schemas.ListingOut:
    return _listing(dishonesty.get_entry(session, listing_id))


@router.post("/dishonesty/{listing_id}/revoke")
def revoke_listing(listing_id: int, body: schemas.RevokeIn, session: SessionDep,
                   _: ListKeeper, actor: ActorDep) -> schemas.ListingOut:
    return _listing(dishonesty.revoke(session, actor, listing_id, body.reason))
