"""Research achievements (科技成果): post, edit, publish, withdraw, moderate, list and search.
Bulk import is in `importer.py`."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from backend.accounts.models import Organisation, User
from backend.audit import service as audit
from backend.core import paging
from backend.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from backend.core.fetch import one_or_404
from backend.core.permissions import Role
from backend.listings import search, taxonomy, visibility
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    IpItem,
    modes_to_mask,
)
from backend.listings.schemas import AchievementIn, AchievementUpdate, IpItemIn
from backend.listings.service import (
    ACHIEVEMENT_EDITABLE,
    ACHIEVEMENT_TRANSITIONS,
    ListingFilters,
    check_editable,
    check_transition,
    enqueue_index,
    hide,
    modes_clause,
    require_verified_organisation,
    stamp,
    unhide,
)

NOT_FOUND = "未找到该科技成果。No such achievement."
PRICE_OR_NEGOTIABLE = "请填写价格或选择面议。Give a price or mark it negotiable."


class AchievementSort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    PRICE_HIGH = "price_high"
    PRICE_LOW = "price_low"
    TRL_HIGH = "trl_high"
    TRL_LOW = "trl_low"


def snapshot(a: Achievement, ip_items: list[IpItem] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": a.title, "abstract": a.abstract, "field_id": a.field_id, "keywords": a.keywords,
        "trl": a.trl, "stage": a.stage, "price": a.price, "negotiable": a.negotiable,
        "modes_mask": a.modes_mask, "team_lead": a.team_lead, "region": a.region,
        "status": a.status, "hidden": a.hidden}
    if ip_items is not None:
        data["ip_items"] = [[i.kind, i.number, i.title] for i in ip_items]
    return data


def achievement_search_text(title: str, abstract: str, keywords: list[str],
                            ip_titles: list[str]) -> str:
    return search.search_text(title, abstract, keywords, ip_titles)


def check_price(price: Decimal | None, negotiable: bool, field: str = "price") -> None:
    if price is None and not negotiable:
        raise InvalidInput(field, PRICE_OR_NEGOTIABLE)


def _ip_rows(items: list[IpItemIn]) -> list[IpItem]:
    seen: set[tuple[str, str]] = set()
    rows = []
    for i, item in enumerate(items):
        if item.number is not None:
            if (item.kind, item.number) in seen:
                raise InvalidInput(f"ip_items.{i}.number", "知识产权编号重复。Duplicate number.")
            seen.add((item.kind, item.number))
        rows.append(IpItem(kind=item.kind, number=item.number, title=item.title))
    return rows


# --- finding ---------------------------------------------------------------------------------

_LOAD = (joinedload(Achievement.field), selectinload(Achievement.ip_items))


def get_achievement(session: Session, user: User | None, achievement_id: int) -> Achievement:
    return one_or_404(session, visibility.visible_achievements(user)
                      .where(Achievement.id == achievement_id).options(*_LOAD), NOT_FOUND)


def check_visible(session: Session, user: User | None, achievement_id: int) -> int:
    """`achievement_id`, if `user` may see that achievement (404 otherwise)."""
    if achievement_id not in visibility.visible_achievement_ids(session, user, [achievement_id]):
        raise NotFound(NOT_FOUND)
    return achievement_id


def _locked(session: Session, user: User, achievement_id: int) -> Achievement:
    return one_or_404(session, visibility.visible_achievements(user)
                      .where(Achievement.id == achievement_id).options(*_LOAD)
                      .with_for_update(of=Achievement), NOT_FOUND)


def achievement_for_owner(session: Session, user: User, achievement_id: int) -> Achievement:
    """An achievement `user`'s organisation owns, locked for change: 404 when they cannot see
    it, 403 when they can but it is not theirs."""
    achievement = _locked(session, user, achievement_id)
    if not visibility.owns(user, achievement.organisation_id):
        raise PermissionDenied("只有发布该成果的机构可以修改它。Only the institute that posted "
                               "this achievement may change it.")
    return achievement


def achievement_for_moderation(session: Session, user: User, achievement_id: int) -> Achievement:
    return _locked(session, user, achievement_id)


def require_institute(user: User) -> int:
    if user.role != Role.INSTITUTE or user.organisation_id is None:
        raise PermissionDenied("只有高校院所用户可以发布科技成果。Only institute users post "
                               "achievements.")
    return user.organisation_id


# --- changes ---------------------------------------------------------------------------------

def create_achievement(session: Session, actor: audit.Actor, user: User,
                       data: AchievementIn) -> Achievement:
    organisation_id = require_institute(user)
    taxonomy.usable_field(session, data.field_id)
    check_price(data.price, data.negotiable)
    achievement = Achievement(
        organisation_id=organisation_id, created_by_id=user.id, title=data.title,
        abstract=data.abstract, field_id=data.field_id, keywords=",".join(data.keywords),
        trl=data.trl, stage=data.stage, price=data.price, negotiable=data.negotiable,
        modes_mask=modes_to_mask(list(data.modes)), team_lead=data.team_lead, region=data.region,
        status=AchievementStatus.DRAFT, hidden=False,
        search_text=achievement_search_text(data.title, data.abstract, data.keywords,
                                            [i.title for i in data.ip_items]),
        ip_items=_ip_rows(data.ip_items))
    session.add(achievement)
    session.flush()
    audit.record(session, actor, "achievement.create", "achievement", achievement.id,
                 after=snapshot(achievement, achievement.ip_items))
    if data.publish:
        publish_achievement(session, actor, achievement)
    else:
        enqueue_index(session, "achievement", [achievement.id])
    return achievement


_SIMPLE = ("title", "abstract", "field_id", "trl", "stage", "price", "negotiable", "team_lead",
           "region")
_REQUIRED = {"title", "abstract", "field_id", "trl", "stage", "negotiable", "team_lead",
             "region", "keywords", "modes", "ip_items"}


def update_achievement(session: Session, actor: audit.Actor, achievement: Achievement,
                       data: AchievementUpdate) -> Achievement:
    check_editable("achievement", achievement.status, ACHIEVEMENT_EDITABLE)
    sent = data.model_fields_set
    for name in sent & _REQUIRED:
        if getattr(data, name) is None:
            raise InvalidInput(name, "不能为空。Must not be null.")
    if data.field_id is not None:
        taxonomy.usable_field(session, data.field_id)
    check_price(data.price if "price" in sent else achievement.price,
                data.negotiable if data.negotiable is not None else achievement.negotiable)
    before = snapshot(achievement, achievement.ip_items)
    for name in sent & set(_SIMPLE):
        setattr(achievement, name, getattr(data, name))
    if data.keywords is not None:
        achievement.keywords = ",".join(data.keywords)
    if data.modes is not None:
        achievement.modes_mask = modes_to_mask(list(data.modes))
    if data.ip_items is not None:
        new_items = _ip_rows(data.ip_items)
        if [[i.kind, i.number, i.title] for i in new_items] != before["ip_items"]:
            achievement.ip_items = new_items
    after = snapshot(achievement, achievement.ip_items)
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return achievement
    if achievement.status == AchievementStatus.PUBLISHED and changed & {"title", "ip_items"}:
        _refuse_duplicate(session, achievement)
    if changed & {"title", "abstract", "keywords", "ip_items"}:
        achievement.search_text = achievement_search_text(
            achievement.title, achievement.abstract, achievement.keywords.split(","),
            [i.title for i in achievement.ip_items])
    stamp(achievement)
    session.flush()
    audit.record(session, actor, "achievement.update", "achievement", achievement.id,
                 before={k: before[k] for k in sorted(changed)},
                 after={k: after[k] for k in sorted(changed)})
    enqueue_index(session, "achievement", [achievement.id])
    return achievement


def _move(session: Session, actor: audit.Actor, achievement: Achievement,
          target: AchievementStatus, verb: str) -> Achievement:
    check_transition("achievement", achievement.status, target, ACHIEVEMENT_TRANSITIONS)
    before = achievement.status
    achievement.status = target
    stamp(achievement, published=target == AchievementStatus.PUBLISHED)
    session.flush()
    audit.record(session, actor, f"achievement.{verb}", "achievement", achievement.id,
                 before={"status": before}, after={"status": target})
    enqueue_index(session, "achievement", [achievement.id])
    return achievement


def same_title(title: str) -> str:
    """A title as the duplicate rule compares it: case and spacing (full-width too) ignored."""
    return "".join(title.split()).casefold()


def published_duplicates(session: Session, organisation_id: int,
                         candidates: list[tuple[str, list[str]]],
                         exclude_id: int | None = None) -> dict[int, Achievement]:
    """For each candidate (title, IP numbers), by its index, the organisation's published
    achievement it would duplicate: the same title (`same_title`) and at least one IP number
    in common. Drafts, withdrawn and transferred achievements never count. The organisation's
    row is locked first, so two publications of one achievement at once cannot both pass."""
    wanted = {n for _, numbers in candidates for n in numbers}
    if not wanted:
        return {}
    session.execute(select(Organisation.id).where(Organisation.id == organisation_id)
                    .with_for_update())
    query = (select(Achievement, IpItem.number).join(IpItem)
             .where(Achievement.organisation_id == organisation_id,
                    Achievement.status == AchievementStatus.PUBLISHED,
                    IpItem.number.in_(sorted(wanted)))
             .order_by(Achievement.id))
    if exclude_id is not None:
        query = query.where(Achievement.id != exclude_id)
    existing: dict[tuple[str, str], Achievement] = {}
    for achievement, number in session.execute(query).all():
        if number is not None:
            existing.setdefault((same_title(achievement.title), number), achievement)
    found: dict[int, Achievement] = {}
    for index, (title, numbers) in enumerate(candidates):
        for number in numbers:
            match = existing.get((same_title(title), number))
            if match is not None:
                found[index] = match
                break
    return found


def duplicate_message(existing: Achievement) -> str:
    return (f"本机构已发布过同名、专利号相同的成果《{existing.title}》（编号 {existing.id}），不能重复发布；"
            f"请修改那条成果，或先撤回它。Your institute has already published “{existing.title}” "
            f"(no. {existing.id}) with the same title and patent number; edit that listing, or "
            "withdraw it first.")


def _refuse_duplicate(session: Session, achievement: Achievement) -> None:
    numbers = [i.number for i in achievement.ip_items if i.number is not None]
    found = published_duplicates(session, achievement.organisation_id,
                                 [(achievement.title, numbers)], exclude_id=achievement.id)
    if 0 in found:
        raise Conflict(duplicate_message(found[0]), existing_achievement_id=found[0].id)


def publish_achievement(session: Session, actor: audit.Actor,
                        achievement: Achievement) -> Achievement:
    check_transition("achievement", achievement.status, AchievementStatus.PUBLISHED,
                     ACHIEVEMENT_TRANSITIONS)
    require_verified_organisation(session, achievement.organisation_id)
    _refuse_duplicate(session, achievement)
    return _move(session, actor, achievement, AchievementStatus.PUBLISHED, "publish")


def withdraw_achievement(session: Session, actor: audit.Actor,
                         achievement: Achievement) -> Achievement:
    return _move(session, actor, achievement, AchievementStatus.WITHDRAWN, "withdraw")


def hide_achievement(session: Session, actor: audit.Actor, achievement: Achievement,
                     reason: str) -> Achievement:
    hide(session, actor, "achievement", achievement, reason)
    return achievement


def unhide_achievement(session: Session, actor: audit.Actor,
                       achievement: Achievement) -> Achievement:
    unhide(session, actor, "achievement", achievement)
    return achievement


# --- lists -----------------------------------------------------------------------------------

# The TRL filters and sorts use: the one a proof-of-concept panel found, else the declared one.
effective_trl = func.coalesce(Achievement.reviewed_trl, Achievement.trl)

_ORDER: dict[AchievementSort, list[Any]] = {
    AchievementSort.NEWEST: [Achievement.published_at.desc().nulls_last(),
                             Achievement.created_at.desc(), Achievement.id.desc()],
    AchievementSort.OLDEST: [Achievement.published_at.asc().nulls_last(),
                             Achievement.created_at.asc(), Achievement.id.asc()],
    AchievementSort.PRICE_HIGH: [Achievement.price.desc().nulls_last(), Achievement.id.desc()],
    AchievementSort.PRICE_LOW: [Achievement.price.asc().nulls_last(), Achievement.id.asc()],
    AchievementSort.TRL_HIGH: [effective_trl.desc(), Achievement.id.desc()],
    AchievementSort.TRL_LOW: [effective_trl.asc(), Achievement.id.asc()],
}


def achievement_query(user: User | None, f: ListingFilters) -> Select[Achievement]:
    """Visible achievements matching the filters (the query behind list, search and export)."""
    query = visibility.visible_achievements(user).where(
        search.keyword_clause(Achievement.search_text, f.q))
    if f.mine:
        if user is None:
            raise NotAuthenticated("请先登录。Please log in.")
        query = query.where(Achievement.organisation_id == (user.organisation_id or -1))
    if f.organisation_id is not None:
        query = query.where(Achievement.organisation_id == f.organisation_id)
    if f.field_id is not None:
        query = query.where(taxonomy.subtree_clause(Achievement.field_id, f.field_id))
    if f.region:
        query = query.where(Achievement.region.startswith(f.region, autoescape=True))
    if f.modes:
        query = query.where(modes_clause(Achievement.modes_mask, f.modes))
    if f.trl_min is not None:
        query = query.where(effective_trl >= f.trl_min)
    if f.trl_max is not None:
        query = query.where(effective_trl <= f.trl_max)
    if f.amount_min is not None:
        query = query.where(Achievement.price >= f.amount_min)
    if f.amount_max is not None:
        query = query.where(Achievement.price <= f.amount_max)
    if f.statuses:
        query = query.where(Achievement.status.in_(f.statuses))
    if f.hidden is not None:
        query = query.where(Achievement.hidden.is_(f.hidden))
    return query


def list_achievements(session: Session, user: User | None, f: ListingFilters,
                      sort: AchievementSort, page: int, page_size: int) -> tuple[list[int], int]:
    """The ids of one page of the achievements `user` sees that match `f`, and how many match."""
    return paging.ids_page(session, achievement_query(user, f), _ORDER[sort], page, page_size)
