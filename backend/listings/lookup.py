"""What other domains may ask of listings (deals, matches, rewards): small, stable reads and
the lifecycle hooks a deal drives. Other domains call these, never the listing tables.

The hooks change a status only when the lifecycle allows it (otherwise they do nothing),
and record each change in the audit log (as `actor`, the system by default) and ask the
matcher to reindex the listing once the unit of work commits.

Row scoping for other domains (the matcher's candidates): `visibility.visible_demand_ids`
and `visibility.visible_achievement_ids`; response shaping: `views.demand_views`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.audit.service import SYSTEM, Actor
from backend.core import jobs
from backend.core.errors import NotFound
from backend.core.types import utcnow
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandBroker,
    DemandStatus,
    Field,
    Visibility,
    mask_to_modes,
)


@dataclass(frozen=True)
class DemandBrief:
    id: int
    organisation_id: int
    title: str
    field_id: int
    field_code: str
    region: str
    status: DemandStatus
    visibility: Visibility
    anonymous: bool
    hidden: bool
    budget_min: Decimal | None
    budget_max: Decimal | None
    min_trl: int | None
    modes: list[str]


@dataclass(frozen=True)
class AchievementBrief:
    id: int
    organisation_id: int
    title: str
    field_id: int
    field_code: str
    region: str
    status: AchievementStatus
    hidden: bool
    trl: int
    price: Decimal | None
    modes: list[str]


def demand_brief(session: Session, demand_id: int) -> DemandBrief:
    brief = demand_briefs(session, [demand_id]).get(demand_id)
    if brief is None:
        raise NotFound("未找到该技术需求。No such demand.")
    return brief


def demand_briefs(session: Session, demand_ids: Iterable[int]) -> dict[int, DemandBrief]:
    """Briefs of the demands that exist among `demand_ids`, by id, in one query."""
    ids = set(demand_ids)
    if not ids:
        return {}
    rows = session.execute(select(Demand, Field.code).join(Field, Field.id == Demand.field_id)
                           .where(Demand.id.in_(ids)))
    return {d.id: DemandBrief(d.id, d.organisation_id, d.title, d.field_id, code, d.region,
                              d.status, d.visibility, d.anonymous, d.hidden, d.budget_min,
                              d.budget_max, d.min_trl, mask_to_modes(d.modes_mask))
            for d, code in rows}


def achievement_brief(session: Session, achievement_id: int) -> AchievementBrief:
    brief = achievement_briefs(session, [achievement_id]).get(achievement_id)
    if brief is None:
        raise NotFound("未找到该科技成果。No such achievement.")
    return brief


def achievement_briefs(session: Session, achievement_ids: Iterable[int]
                       ) -> dict[int, AchievementBrief]:
    """Briefs of the achievements that exist among `achievement_ids`, by id, in one query."""
    ids = set(achievement_ids)
    if not ids:
        return {}
    rows = session.execute(select(Achievement, Field.code)
                           .join(Field, Field.id == Achievement.field_id)
                           .where(Achievement.id.in_(ids)))
    return {a.id: AchievementBrief(a.id, a.organisation_id, a.title, a.field_id, code, a.region,
                                   a.status, a.hidden, a.trl, a.price,
                                   mask_to_modes(a.modes_mask))
            for a, code in rows}


def is_assigned_broker(session: Session, demand_id: int, broker_id: int) -> bool:
    return session.execute(select(DemandBroker.id).where(
        DemandBroker.demand_id == demand_id, DemandBroker.broker_id == broker_id)).first() \
        is not None


def assign_broker_by_deal(session: Session, actor: Actor, demand_id: int, broker_id: int,
                          deal_id: int) -> None:
    """A broker on a deal the demand's firm accepted sees the demand, even when it is private
    or anonymous, until the deal ends (`end_deal_assignment`). An assignment the firm or an
    administrator made stays as it is."""
    if is_assigned_broker(session, demand_id, broker_id):
        return
    session.add(DemandBroker(demand_id=demand_id, broker_id=broker_id,
                             assigned_by_id=actor.user_id, by_deal=True))
    session.flush()
    audit.record(session, actor, "demand.assign_broker", "demand", demand_id,
                 after={"broker_id": broker_id, "deal_id": deal_id})


def end_deal_assignment(session: Session, actor: Actor, demand_id: int, broker_id: int,
                        deal_id: int) -> None:
    """The deal that assigned the broker ended (and no other open deal of theirs on the demand
    holds it): the assignment ends with it, unless the firm or an administrator made it."""
    row = session.execute(select(DemandBroker).where(
        DemandBroker.demand_id == demand_id, DemandBroker.broker_id == broker_id)
    ).scalar_one_or_none()
    if row is None or not row.by_deal:
        return
    session.delete(row)
    session.flush()
    audit.record(session, actor, "demand.unassign_broker", "demand", demand_id,
                 before={"broker_id": broker_id, "deal_id": deal_id})


def _demand_status_change(session: Session, demand_id: int, allowed: tuple[DemandStatus, ...],
                          target: DemandStatus, verb: str, actor: Actor) -> None:
    demand = session.get(Demand, demand_id, with_for_update=True)
    if demand is None or demand.status not in allowed:
        return
    before = demand.status
    demand.status = target
    demand.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, f"demand.{verb}", "demand", demand_id,
                 before={"status": before}, after={"status": target})
    jobs.enqueue(session, "matching.index_listing", "demand", demand_id)


def mark_demand_in_negotiation(session: Session, demand_id: int, actor: Actor = SYSTEM) -> None:
    _demand_status_change(session, demand_id, (DemandStatus.PUBLISHED,),
                          DemandStatus.IN_NEGOTIATION, "negotiate", actor)


def release_demand(session: Session, demand_id: int, actor: Actor = SYSTEM) -> None:
    """A deal on the demand ended without a contract: it is open to offers again."""
    _demand_status_change(session, demand_id, (DemandStatus.IN_NEGOTIATION,),
                          DemandStatus.PUBLISHED, "release", actor)


def mark_demand_fulfilled(session: Session, demand_id: int, actor: Actor = SYSTEM) -> None:
    _demand_status_change(session, demand_id, (DemandStatus.PUBLISHED,
                                               DemandStatus.IN_NEGOTIATION),
                          DemandStatus.FULFILLED, "fulfil", actor)


def mark_achievement_transferred(session: Session, achievement_id: int,
                                 actor: Actor = SYSTEM) -> None:
    achievement = session.get(Achievement, achievement_id, with_for_update=True)
    if achievement is None or achievement.status != AchievementStatus.PUBLISHED:
        return
    achievement.status = AchievementStatus.TRANSFERRED
    achievement.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "achievement.transfer", "achievement", achievement_id,
                 before={"status": AchievementStatus.PUBLISHED},
                 after={"status": AchievementStatus.TRANSFERRED})
    jobs.enqueue(session, "matching.index_listing", "achievement", achievement_id)


def achievement_text(session: Session, achievement_id: int
                     ) -> tuple[str, str, list[str]]:
    """(title, abstract, keywords) of an achievement, for texts compared with it."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None:
        raise NotFound("未找到该科技成果。No such achievement.")
    return achievement.title, achievement.abstract, [k for k in achievement.keywords.split(",") if k]


def record_poc_outcome(session: Session, achievement_id: int, reviewed_trl: int,
                       passed_on: date | None, summary: str | None,
                       actor: Actor = SYSTEM) -> None:
    """A proof-of-concept review's outcome on the listing: the reviewed TRL (used in TRL
    filters), the 通过概念验证 badge's date (None: not passed) and a published summary."""
    achievement = session.get(Achievement, achievement_id, with_for_update=True)
    if achievement is None:
        raise NotFound("未找到该科技成果。No such achievement.")
    before = {"reviewed_trl": achievement.reviewed_trl, "poc_passed_on": achievement.poc_passed_on}
    achievement.reviewed_trl, achievement.poc_summary = reviewed_trl, summary
    if passed_on is not None:
        achievement.poc_passed_on = passed_on
    achievement.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "achievement.poc_outcome", "achievement", achievement_id,
                 before=before, after={"reviewed_trl": reviewed_trl,
                                       "poc_passed_on": achievement.poc_passed_on,
                                       "summary_published": summary is not None})
    jobs.enqueue(session, "matching.index_listing", "achievement", achievement_id)


def publish_poc_summary(session: Session, achievement_id: int, summary: str | None,
                        actor: Actor = SYSTEM) -> None:
    achievement = session.get(Achievement, achievement_id, with_for_update=True)
    if achievement is None:
        raise NotFound("未找到该科技成果。No such achievement.")
    achievement.poc_summary = summary
    achievement.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "achievement.poc_summary", "achievement", achievement_id,
                 after={"summary_published": summary is not None})


@dataclass(frozen=True)
class ListingText:
    """A listing as the industry-chain map places and counts it."""

    kind: str                  # "demand" or "achievement"
    id: int
    organisation_id: int
    title: str
    text: str                  # title, body and keywords
    field_code: str
    region: str
    status: str
    published_at: datetime | None


def placeable_listings(session: Session, ids: Mapping[str, Iterable[int]] | None = None
                       ) -> list[ListingText]:
    """Listings that were published (whatever became of them since) and are not hidden; only
    those in `ids` ({kind: ids}) when given."""
    out: list[ListingText] = []
    kinds: tuple[tuple[str, Any, Any, tuple[Any, ...]], ...] = (
        ("demand", Demand, Demand.description,
         (DemandStatus.PUBLISHED, DemandStatus.IN_NEGOTIATION, DemandStatus.FULFILLED,
          DemandStatus.CLOSED, DemandStatus.EXPIRED)),
        ("achievement", Achievement, Achievement.abstract,
         (AchievementStatus.PUBLISHED, AchievementStatus.TRANSFERRED)))
    for kind, model, body, statuses in kinds:
        query = (select(model.id, model.organisation_id, model.title, body, model.keywords,
                        Field.code, model.region, model.status, model.published_at)
                 .join(Field, Field.id == model.field_id)
                 .where(model.hidden.is_(False), model.status.in_(statuses))
                 .order_by(model.id))
        if ids is not None:
            query = query.where(model.id.in_(list(ids.get(kind, ()))))
        for row in session.execute(query):
            out.append(ListingText(kind, row[0], row[1], row[2],
                                   " ".join([row[2], row[3], row[4].replace(",", " ")]),
                                   row[5], row[6], str(row[7]), row[8]))
    return out


@dataclass(frozen=True)
class PocResult:
    """An achievement's proof-of-concept outcome, as other domains see it (capital's feed)."""

    reviewed_trl: int | None
    passed_on: date | None


def poc_results(session: Session, achievement_ids: Iterable[int]) -> dict[int, PocResult]:
    """The reviewed ones among `achievement_ids` (a reviewed TRL or a pass), by id."""
    ids = set(achievement_ids)
    if not ids:
        return {}
    rows = session.execute(select(Achievement.id, Achievement.reviewed_trl,
                                  Achievement.poc_passed_on).where(Achievement.id.in_(ids)))
    return {aid: PocResult(trl, passed) for aid, trl, passed in rows
            if trl is not None or passed is not None}
