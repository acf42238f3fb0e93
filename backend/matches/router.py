"""HTTP for matches: per listing, the broker feed, the draft preview, feedback, reindexing."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from backend.accounts.deps import ActorDep, require
from backend.accounts.models import User
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.metrics import register_index_size
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.listings.schemas import ModeName
from backend.matches import drafting, feedback, schemas, service
from backend.matches.documents import KINDS
from backend.matches.index import get_index_service, index_sizes

router = APIRouter(tags=["matches"], route_class=UnitOfWorkRoute)

Reader = Annotated[User, Depends(require(Permission.MATCH_READ))]
FeedReader = Annotated[User, Depends(require(Permission.MATCH_FEED))]
FeedbackGiver = Annotated[User, Depends(require(Permission.MATCH_FEEDBACK))]
Exporter = Annotated[User, Depends(require(Permission.EXPORT))]
Reindexer = Annotated[User, Depends(require(Permission.MATCH_REINDEX))]

TopK = Annotated[int, Query(ge=1, le=schemas.MAX_TOP_K, description="how many matches")]
FieldFilter = Annotated[int | None, Query(ge=1, description="only this field (or top-level "
                                                           "field, with its sub-fields)")]
RegionFilter = Annotated[str | None, Query(max_length=64, description="only this region")]
ModeFilter = Annotated[ModeName | None, Query(description="only listings offering/wanting it")]
Fit = Annotated[bool, Query(description="also require the source's TRL and budget to fit")]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV (UTF-8 with BOM)"}}

register_index_size(index_sizes)


@router.get("/api/v1/demands/{demand_id}/matches")
def demand_matches(
        demand_id: int, session: SessionDep, user: Reader, top_k: TopK = 10,
        field_id: FieldFilter = None, region: RegionFilter = None, mode: ModeFilter = None,
        min_trl: Annotated[int | None, Query(ge=1, le=9, description="TRL at least (default: "
                                                                     "the demand's)")] = None,
        max_price: Annotated[Decimal | None, Query(ge=0, max_digits=16, decimal_places=2,
                                                   description="price at most (default: the "
                                                               "top of the demand's budget)")
                             ] = None,
        fit: Fit = True) -> schemas.MatchesOut:
    """Achievements that could meet a demand the caller can see, best first, with the score's
    parts and the reasons in Chinese and English. A negotiable price passes a budget."""
    filters = service.MatchFilters(field_id, region, mode, min_trl, max_price, fit)
    return service.matches_for_demand(session, user, demand_id, filters, top_k)


@router.get("/api/v1/achievements/{achievement_id}/matches")
def achievement_matches(
        achievement_id: int, session: SessionDep, user: Reader, top_k: TopK = 10,
        field_id: FieldFilter = None, region: RegionFilter = None, mode: ModeFilter = None,
        fit: Fit = True) -> schemas.MatchesOut:
    """Demands an achievement the caller can see could meet: with `fit`, only demands whose
    minimum TRL it reaches and whose budget (when both are known) covers its price."""
    filters = service.MatchFilters(field_id, region, mode, fit=fit)
    return service.matches_for_achievement(session, user, achievement_id, filters, top_k)


@router.get("/api/v1/matches/feed")
def feed(session: SessionDep, user: FeedReader,
         days: Annotated[int, Query(ge=1, le=90, description="published within")] = 14,
         field_id: Annotated[int | None, Query(ge=1, description="this field (a top-level "
                                                              "field with its sub-fields) "
                                                              "instead of the broker's own")
                             ] = None,
         q: Annotated[str | None, Query(max_length=100, description="words the new listing "
                                                                   "mentions")] = None,
         region: Annotated[str | None, Query(max_length=64, description="the new listing's "
                                                                       "region (prefix)")
                           ] = None,
         page: PageNo = 1,
         page_size: PageSize = 20) -> schemas.FeedOut:
    """A broker's best new pairs: from listings published recently in their fields (or the
    one asked for), both sides visible to them, from different organisations, not already in
    an open deal; a page at a time."""
    return service.feed(session, user, service.FeedFilters(days, field_id, q, region),
                        page, page_size)


@router.post("/api/v1/matches/preview")
@blocking
def preview(body: schemas.PreviewIn, session: SessionDep, user: Reader) -> schemas.PreviewOut:
    """What would match this draft? Achievements for a draft demand, demands for a draft
    achievement (`kind`), as the caller may see them; with the draft's likely fields,
    technical terms it could add and a hint when it is too vague (nothing is saved)."""
    return drafting.preview(session, user, body)


@router.put("/api/v1/matches/feedback")
def give_feedback(body: schemas.FeedbackIn, session: SessionDep, user: FeedbackGiver
                  ) -> schemas.FeedbackOut:
    """Mark a match useful or not; giving it again for the same pair replaces it."""
    return feedback.give_feedback(session, user, body)


@router.get("/api/v1/matches/feedback")
def my_feedback(session: SessionDep, user: FeedbackGiver, source_kind: schemas.ListingKind,
                source_id: Annotated[int, Query(ge=1)]) -> list[schemas.FeedbackOut]:
    """The caller's verdicts on the matches of one listing."""
    return feedback.my_feedback(session, user, source_kind, source_id)


@router.get("/api/v1/matches/feedback/export", response_class=Response, responses=CSV)
@blocking
def export_feedback(session: SessionDep, _: Exporter) -> Response:
    """Every verdict as CSV, for evaluating the matcher (administrators)."""
    content, count = feedback.export_csv(session)
    return Response(content, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="match_feedback.csv"',
                             "X-Exported-Count": str(count)})


@router.get("/api/v1/matches/index")
def index_status(_: Reindexer) -> schemas.IndexStatusOut:
    """The indexes' versions on disk and in this process, and their sizes."""
    svc = get_index_service()
    return schemas.IndexStatusOut(profile=svc.profile, corpora=[
        schemas.CorpusStatusOut(kind=s.kind, corpus=s.corpus, loaded_version=s.loaded_version,
                                disk_version=s.disk_version, documents=s.documents)
        for s in svc.status()])


@router.post("/api/v1/matches/reindex", status_code=status.HTTP_202_ACCEPTED)
@blocking
def reindex(session: SessionDep, _: Reindexer, actor: ActorDep,
            kind: Annotated[schemas.ListingKind | None, Query(description="default: both")] = None
            ) -> schemas.ReindexOut:
    """Rebuild the matching indexes from the database (in the background)."""
    kinds = [kind] if kind else list(KINDS)
    service.request_reindex(session, actor, kinds)
    return schemas.ReindexOut(queued=True, kinds=kinds)
