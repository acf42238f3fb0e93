"""HTTP for demands, achievements, their bulk import and the field taxonomy."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Response, UploadFile, status

from backend.accounts.deps import ActorDep, CurrentUser, OptionalUser, require
from backend.accounts.models import User
from backend.config import get_settings
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.errors import PayloadTooLarge
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals import lookup as _deals  # noqa: F401 — a demand's open deals (demands.py)
from backend.intake import dossiers as intake_dossiers
from backend.listings import (
    achievements,
    demands,
    files,
    imports,
    schemas,
    taxonomy,
    views,
    visibility,
)
from backend.listings.achievements import AchievementSort
from backend.listings.demands import DemandSort
from backend.listings.models import AchievementStatus, DemandStatus
from backend.listings.service import ListingFilters

demands_router = APIRouter(prefix="/api/v1/demands", tags=["demands"], route_class=UnitOfWorkRoute)
achievements_router = APIRouter(prefix="/api/v1/achievements", tags=["achievements"],
                                route_class=UnitOfWorkRoute)
fields_router = APIRouter(prefix="/api/v1/fields", tags=["fields"], route_class=UnitOfWorkRoute)

DemandWriter = Annotated[User, Depends(require(Permission.DEMAND_WRITE))]
AchievementWriter = Annotated[User, Depends(require(Permission.ACHIEVEMENT_WRITE))]
Moderator = Annotated[User, Depends(require(Permission.LISTING_MODERATE))]
TaxonomyEditor = Annotated[User, Depends(require(Permission.TAXONOMY_EDIT))]

SearchQuery = Annotated[str | None, Query(max_length=100, description="keywords (中文 or English)")]
FieldFilter = Annotated[int | None, Query(ge=1, description="a field or top-level field id")]
RegionFilter = Annotated[str | None, Query(max_length=64, description="region, or its start")]
ModesFilter = Annotated[list[schemas.ModeName], Query(description="wants/offers any of these")]
TrlFilter = Annotated[int | None, Query(ge=1, le=9)]
AmountFilter = Annotated[Decimal | None, Query(ge=0, max_digits=16, decimal_places=2)]
EXPORT_LIMIT = 10_000
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV (UTF-8 with BOM)"}}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, media_type: str, filename: str, **headers: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             **headers})


# --- demands ---------------------------------------------------------------------------------

async def _demand_filters(
        q: SearchQuery = None, field_id: FieldFilter = None, region: RegionFilter = None,
        modes: ModesFilter = [],  # noqa: B006 — FastAPI copies query-list defaults per request
        trl_min: TrlFilter = None, trl_max: TrlFilter = None,
        budget_min: AmountFilter = None, budget_max: AmountFilter = None,
        statuses: Annotated[list[DemandStatus], Query(alias="status")] = [],  # noqa: B006 — as above
        mine: Annotated[bool, Query(description="only my organisation's")] = False,
        hidden: Annotated[bool | None, Query(description="hidden by an administrator")] = None,
) -> ListingFilters:
    return ListingFilters(q=q, field_id=field_id, region=region, modes=tuple(modes),
                          trl_min=trl_min, trl_max=trl_max, amount_min=budget_min,
                          amount_max=budget_max, statuses=tuple(statuses), mine=mine,
                          hidden=hidden)


DemandFilters = Annotated[ListingFilters, Depends(_demand_filters)]


@demands_router.get("")
def list_demands(session: SessionDep, user: OptionalUser, filters: DemandFilters,
                 sort: DemandSort = DemandSort.NEWEST, page: PageNo = 1,
                 page_size: PageSize = 20) -> Page[schemas.DemandOut]:
    """Demands the viewer may see; `q` searches title, description and keywords."""
    ids, total = demands.list_demands(session, user, filters, sort, page, page_size)
    return Page(items=views.demand_views(session, user, ids), total=total, page=page,
                page_size=page_size)


@demands_router.post("", status_code=status.HTTP_201_CREATED)
def create_demand(body: schemas.DemandIn, session: SessionDep, user: DemandWriter,
                  actor: ActorDep) -> schemas.DemandOut:
    demand = demands.create_demand(session, actor, user, body)
    return _demand_out(session, user, demand.id)


@demands_router.get("/export", response_class=Response, responses=CSV)
@blocking
def export_demands(session: SessionDep, user: CurrentUser, filters: DemandFilters,
                   sort: DemandSort = DemandSort.NEWEST,
                   format_: Annotated[Literal["csv"], Query(alias="format")] = "csv") -> Response:
    """The demands the viewer may see, as CSV (at most 10,000; `X-Total-Count` tells all)."""
    ids, total = demands.list_demands(session, user, filters, sort, 1, EXPORT_LIMIT)
    content = files.demands_csv(views.demand_views(session, user, ids))
    return _attachment(content, "text/csv; charset=utf-8", "demands.csv",
                       **{"X-Total-Count": str(total), "X-Exported-Count": str(len(ids))})


def _demand_out(session: SessionDep, user: User | None, demand_id: int) -> schemas.DemandOut:
    return views.demand_views(session, user, [demands.check_visible(session, user, demand_id)])[0]


@demands_router.get("/{demand_id}")
def get_demand(demand_id: int, session: SessionDep, user: OptionalUser) -> schemas.DemandOut:
    out = _demand_out(session, user, demand_id)
    return out.model_copy(update={
        "has_dossier": intake_dossiers.demand_has_dossier(session, user, demand_id)})


@demands_router.patch("/{demand_id}")
def update_demand(demand_id: int, body: schemas.DemandUpdate, session: SessionDep,
                  user: DemandWriter, actor: ActorDep) -> schemas.DemandOut:
    demands.update_demand(session, actor, demands.demand_for_owner(session, user, demand_id),
                          body)
    return _demand_out(session, user, demand_id)


@demands_router.post("/{demand_id}/publish")
def publish_demand(demand_id: int, session: SessionDep, user: DemandWriter,
                   actor: ActorDep) -> schemas.DemandOut:
    demands.publish_demand(session, actor, demands.demand_for_owner(session, user, demand_id))
    return _demand_out(session, user, demand_id)


@demands_router.post("/{demand_id}/withdraw")
def withdraw_demand(demand_id: int, session: SessionDep, user: DemandWriter,
                    actor: ActorDep) -> schemas.DemandOut:
    demands.withdraw_demand(session, actor, demands.demand_for_owner(session, user, demand_id))
    return _demand_out(session, user, demand_id)


@demands_router.post("/{demand_id}/close")
def close_demand(demand_id: int, session: SessionDep, user: DemandWriter,
                 actor: ActorDep) -> schemas.DemandOut:
    demands.close_demand(session, actor, demands.demand_for_owner(session, user, demand_id))
    return _demand_out(session, user, demand_id)


@demands_router.post("/{demand_id}/hide")
def hide_demand(demand_id: int, body: schemas.HideIn, session: SessionDep, user: Moderator,
                actor: ActorDep) -> schemas.DemandOut:
    demands.hide_demand(session, actor, demands.demand_for_moderation(session, user, demand_id),
                        body.reason)
    return _demand_out(session, user, demand_id)


@demands_router.post("/{demand_id}/unhide")
def unhide_demand(demand_id: int, session: SessionDep, user: Moderator,
                  actor: ActorDep) -> schemas.DemandOut:
    demands.unhide_demand(session, actor, demands.demand_for_moderation(session, user, demand_id))
    return _demand_out(session, user, demand_id)


@demands_router.post("/{demand_id}/brokers")
def assign_demand_broker(demand_id: int, body: schemas.BrokerAssignmentIn, session: SessionDep,
                         user: DemandWriter, actor: ActorDep) -> schemas.DemandOut:
    """The owning firm or an administrator lets a verified broker see this demand (even
    private) and who posted it (even anonymous), until they unassign the broker."""
    demands.assign_broker(session, actor, demands.demand_for_assignment(session, user, demand_id),
                          body.broker_id)
    return _demand_out(session, user, demand_id)


@demands_router.delete("/{demand_id}/brokers/{broker_id}")
def unassign_demand_broker(demand_id: int, broker_id: int, session: SessionDep,
                           user: DemandWriter, actor: ActorDep) -> schemas.DemandOut:
    """The owning firm or an administrator ends a broker's assignment (however it was made)."""
    demands.unassign_broker(session, actor,
                            demands.demand_for_assignment(session, user, demand_id), broker_id)
    return _demand_out(session, user, demand_id)


# --- achievements ----------------------------------------------------------------------------

async def _achievement_filters(
        q: SearchQuery = None, field_id: FieldFilter = None, region: RegionFilter = None,
        modes: ModesFilter = [],  # noqa: B006 — FastAPI copies query-list defaults per request
        trl_min: TrlFilter = None, trl_max: TrlFilter = None,
        price_min: AmountFilter = None, price_max: AmountFilter = None,
        statuses: Annotated[list[AchievementStatus], Query(alias="status")] = [],  # noqa: B006 — as above
        organisation_id: Annotated[int | None, Query(ge=1)] = None,
        mine: Annotated[bool, Query(description="only my organisation's")] = False,
        hidden: Annotated[bool | None, Query(description="hidden by an administrator")] = None,
) -> ListingFilters:
    return ListingFilters(q=q, field_id=field_id, region=region, modes=tuple(modes),
                          trl_min=trl_min, trl_max=trl_max, amount_min=price_min,
                          amount_max=price_max, statuses=tuple(statuses), mine=mine,
                          organisation_id=organisation_id, hidden=hidden)


AchievementFilters = Annotated[ListingFilters, Depends(_achievement_filters)]


def _achievement_out(session: SessionDep, user: User | None,
                     achievement_id: int) -> schemas.AchievementOut:
    return views.achievement_views(
        session, user, [achievements.check_visible(session, user, achievement_id)])[0]


@achievements_router.get("")
def list_achievements(session: SessionDep, user: OptionalUser, filters: AchievementFilters,
                      sort: AchievementSort = AchievementSort.NEWEST, page: PageNo = 1,
                      page_size: PageSize = 20) -> Page[schemas.AchievementOut]:
    """Achievements the viewer may see; `q` searches title, abstract, keywords and IP titles."""
    ids, total = achievements.list_achievements(session, user, filters, sort, page, page_size)
    return Page(items=views.achievement_views(session, user, ids), total=total, page=page,
                page_size=page_size)


@achievements_router.post("", status_code=status.HTTP_201_CREATED)
def create_achievement(body: schemas.AchievementIn, session: SessionDep, user: AchievementWriter,
                       actor: ActorDep) -> schemas.AchievementOut:
    achievement = achievements.create_achievement(session, actor, user, body)
    return _achievement_out(session, user, achievement.id)


@achievements_router.get("/export", response_class=Response, responses=CSV)
@blocking
def export_achievements(session: SessionDep, user: CurrentUser, filters: AchievementFilters,
                        sort: AchievementSort = AchievementSort.NEWEST,
                        format_: Annotated[Literal["csv"], Query(alias="format")] = "csv"
                        ) -> Response:
    """The achievements the viewer may see, as CSV (at most 10,000)."""
    ids, total = achievements.list_achievements(session, user, filters, sort, 1, EXPORT_LIMIT)
    content = files.achievements_csv(views.achievement_views(session, user, ids))
    return _attachment(content, "text/csv; charset=utf-8", "achievements.csv",
                       **{"X-Total-Count": str(total), "X-Exported-Count": str(len(ids))})


@achievements_router.get("/import/template", response_class=Response,
                         responses={200: {"content": {XLSX_TYPE: {}, "text/csv": {}}}})
@blocking
def download_import_template(session: SessionDep, _: CurrentUser,
                             format_: Annotated[Literal["xlsx", "csv"],
                                               Query(alias="format")] = "xlsx") -> Response:
    if format_ == "csv":
        return _attachment(files.template_csv(), "text/csv; charset=utf-8",
                           "achievements-template.csv")
    return _attachment(files.template_xlsx(taxonomy.all_fields(session)), XLSX_TYPE,
                       "achievements-template.xlsx")


@achievements_router.post("/import", status_code=status.HTTP_202_ACCEPTED)
@blocking
def import_achievements(file: UploadFile, session: SessionDep, user: AchievementWriter,
                        actor: ActorDep,
                        publish: Annotated[bool, Form(description="publish them all")] = False
                        ) -> schemas.ImportJobOut:
    """Start importing achievements from the CSV or XLSX template. The file is checked against
    the import limits at once (413 naming the limit, 422 when it cannot be read); its rows are
    then imported in the background — all of them, or none with every error by row and column:
    follow it at `GET /api/v1/achievements/imports/{import_id}`."""
    limit = get_settings().max_upload_mb * 1024 * 1024
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"文件不能超过 {limit // (1024 * 1024)} MB（MAX_UPLOAD_MB）。"
                              f"The file is larger than {limit // (1024 * 1024)} MB "
                              "(MAX_UPLOAD_MB).", limit="MAX_UPLOAD_MB",
                              max=limit // (1024 * 1024))
    job = imports.submit(session, actor, user, content, file.filename, publish)
    return schemas.ImportJobOut.model_validate(job)


@achievements_router.get("/imports/{import_id}")
def get_import(import_id: int, session: SessionDep, user: CurrentUser) -> schemas.ImportJobOut:
    """A bulk import's progress and result: for the user who uploaded it, and administrators."""
    return schemas.ImportJobOut.model_validate(imports.get_visible(session, user, import_id))


@achievements_router.get("/{achievement_id}")
def get_achievement(achievement_id: int, session: SessionDep,
                    user: OptionalUser) -> schemas.AchievementOut:
    return _achievement_out(session, user, achievement_id)


@achievements_router.patch("/{achievement_id}")
def update_achievement(achievement_id: int, body: schemas.AchievementUpdate, session: SessionDep,
                       user: AchievementWriter, actor: ActorDep) -> schemas.AchievementOut:
    achievements.update_achievement(
        session, actor, achievements.achievement_for_owner(session, user, achievement_id), body)
    return _achievement_out(session, user, achievement_id)


@achievements_router.post("/{achievement_id}/publish")
def publish_achievement(achievement_id: int, session: SessionDep, user: AchievementWriter,
                        actor: ActorDep) -> schemas.AchievementOut:
    achievements.publish_achievement(
        session, actor, achievements.achievement_for_owner(session, user, achievement_id))
    return _achievement_out(session, user, achievement_id)


@achievements_router.post("/{achievement_id}/withdraw")
def withdraw_achievement(achievement_id: int, session: SessionDep, user: AchievementWriter,
                         actor: ActorDep) -> schemas.AchievementOut:
    achievements.withdraw_achievement(
        session, actor, achievements.achievement_for_owner(session, user, achievement_id))
    return _achievement_out(session, user, achievement_id)


@achievements_router.post("/{achievement_id}/hide")
def hide_achievement(achievement_id: int, body: schemas.HideIn, session: SessionDep,
                     user: Moderator, actor: ActorDep) -> schemas.AchievementOut:
    achievements.hide_achievement(
        session, actor, achievements.achievement_for_moderation(session, user, achievement_id),
        body.reason)
    return _achievement_out(session, user, achievement_id)


@achievements_router.post("/{achievement_id}/unhide")
def unhide_achievement(achievement_id: int, session: SessionDep, user: Moderator,
                       actor: ActorDep) -> schemas.AchievementOut:
    achievements.unhide_achievement(
        session, actor, achievements.achievement_for_moderation(session, user, achievement_id))
    return _achievement_out(session, user, achievement_id)


# --- the field taxonomy ----------------------------------------------------------------------

@fields_router.get("")
def list_fields(session: SessionDep, user: OptionalUser,
                include_inactive: Annotated[bool, Query(
                    description="administrators: also fields no longer in use")] = False
                ) -> list[schemas.FieldOut]:
    """The industry taxonomy as a tree: top-level fields with their sub-fields."""
    show_all = include_inactive and visibility.is_admin(user)
    return taxonomy.field_tree(session, include_inactive=show_all)


@fields_router.post("", status_code=status.HTTP_201_CREATED)
def create_field(body: schemas.FieldIn, session: SessionDep, _: TaxonomyEditor,
                 actor: ActorDep) -> schemas.FieldOut:
    field = taxonomy.create_field(session, actor, body)
    return schemas.FieldOut.model_validate(field)


@fields_router.patch("/{field_id}")
def update_field(field_id: int, body: schemas.FieldUpdate, session: SessionDep,
                 _: TaxonomyEditor, actor: ActorDep) -> schemas.FieldOut:
    field = taxonomy.update_field(session, actor, taxonomy.get_field(session, field_id), body)
    return schemas.FieldOut.model_validate(field)


router = APIRouter(route_class=UnitOfWorkRoute)
router.include_router(demands_router)
router.include_router(achievements_router)
router.include_router(fields_router)
