"""What the market does on each node of a chain over a period, where the gaps are, and the
quarterly report's tables.

Per node, over the listings placed on it (automatically or by hand):
- demands / achievements: *local* ones (the listing's region is the chain's) published in
  the period;
- deals: deals opened in the period on a placed demand or achievement, and contract value:
  their contract amounts that count — evidence before money: confirmed by the parties and
  registered, as the market statistics count them (`deals.lookup.listing_deals`);
- unmet demands: local placed demands still open (published) for more than N days by the
  end of the period (or now, if it has not ended) without any introduction (no deal ever opened on them);
- open challenges: challenges open for proposals aimed at a placed demand.
Gaps: demand without supply (unmet demands, no local achievement on the node), supply without
demand (local achievements in the period, no local demand), open challenges.

Figures count every placed listing (numbers, never names); what names a listing (the gap
list's best achievements) shows only those the caller may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.chains import schemas
from backend.chains.models import Chain, ChainNode, ChainPlacement, MarkKind, PlacementSource
from backend.chains.service import nodes_of
from backend.challenges import service as challenges
from backend.challenges.models import ChallengeStatus
from backend.core import clock
from backend.core.types import utcnow
from backend.deals import lookup as deals
from backend.listings import lookup as listings
from backend.listings import visibility

ZERO = Decimal("0.00")
UNMET_AFTER_DAYS = 30
BEST = 3


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), clock.CHINA_TZ)


@dataclass
class _Node:
    node: ChainNode
    demands: set[int] = field(default_factory=set)
    achievements: dict[int, float] = field(default_factory=dict)  # id → placement score


def quarter(year: int, q: int) -> tuple[date, date]:
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
    return start, end


def placed_on_nodes(session: Session, chain: Chain) -> list[_Node]:
    nodes = {n.id: _Node(n) for n in nodes_of(session, chain.id)}
    for p in session.execute(select(ChainPlacement).where(
            ChainPlacement.chain_id == chain.id)).scalars():
        slot = nodes[p.node_id]
        if p.listing_kind.value == "demand":
            slot.demands.add(p.listing_id)
        else:
            manual = p.source == PlacementSource.MANUAL
            slot.achievements[p.listing_id] = 1.0 if manual else float(p.score or 0.0)
    return list(nodes.values())


def chain_figures(session: Session, chain: Chain, start: date, end: date,
                  unmet_after_days: int = UNMET_AFTER_DAYS) -> schemas.ChainFigures:
    nodes = placed_on_nodes(session, chain)
    wanted = {"demand": {d for n in nodes for d in n.demands},
              "achievement": {a for n in nodes for a in n.achievements}}
    texts = {(x.kind, x.id): x for x in listings.placeable_listings(session, wanted)}
    all_deals = deals.listing_deals(session)
    introduced = {d.demand_id for d in all_deals}
    since, until = _instant(start), _instant(end + timedelta(days=1))
    in_period = [d for d in all_deals if since <= d.opened_at < until]
    # unmet as of the period's end, or now if that is still to come
    unmet_before = min(until, utcnow()) - timedelta(days=unmet_after_days)
    open_challenges: dict[int, int] = defaultdict(int)
    for _, demand_id, _, status in challenges.aimed_at_demands(session,
                                                               sorted(wanted["demand"])):
        if status == ChallengeStatus.PUBLISHED:
            open_challenges[demand_id] += 1

    def local(kind: str, listing_id: int) -> listings.ListingText | None:
        item = texts.get((kind, listing_id))
        return item if item is not None and item.region == chain.region else None

    def published_in(item: listings.ListingText | None) -> bool:
        return (item is not None and item.published_at is not None
                and since <= item.published_at < until)

    out = []
    for slot in nodes:
        node = slot.node
        demands = sum(published_in(local("demand", d)) for d in slot.demands)
        achievements = sum(published_in(local("achievement", a)) for a in slot.achievements)
        on_node = [d for d in in_period
                   if d.demand_id in slot.demands or d.achievement_id in slot.achievements]
        value = sum((d.counted_amount for d in on_node if d.counted_amount is not None), ZERO)
        unmet = 0
        for d in slot.demands:
            item = local("demand", d)
            if (item is not None and item.status == "published" and d not in introduced
                    and item.published_at is not None and item.published_at < unmet_before):
                unmet += 1
        challenged = sum(open_challenges[d] for d in slot.demands)
        any_local_supply = any(local("achievement", a) for a in slot.achievements)
        gap = []
        if unmet and not any_local_supply:
            gap.append("demand_without_supply")
        if achievements and not demands:
            gap.append("supply_without_demand")
        if challenged:
            gap.append("open_challenges")
        out.append(schemas.NodeFigures(
            node_key=node.key, name_zh=node.name_zh, name_en=node.name_en, stage=node.stage,
            marks=[MarkKind(m["kind"]) for m in node.marks], demands=demands,
            achievements=achievements, deals=len(on_node), contract_value=value,
            unmet_demands=unmet, open_challenges=challenged, gap=gap))
    return schemas.ChainFigures(chain_id=chain.id, start=start, end=end,
                                unmet_after_days=unmet_after_days, nodes=out)


def gaps(session: Session, user: User, chain: Chain, figures: schemas.ChainFigures
         ) -> list[schemas.GapOut]:
    """Nodes with unmet demand, most first (ties in the chain's order), each with the best
    achievements placed on it from anywhere that `user` may see."""
    placed = {slot.node.key: slot for slot in placed_on_nodes(session, chain)}
    shown = [f for f in figures.nodes if f.unmet_demands > 0]
    shown.sort(key=lambda f: -f.unmet_demands)   # stable: the chain's order breaks ties
    ids = {a for f in shown for a in placed[f.node_key].achievements}
    visible = visibility.visible_achievement_ids(session, user, sorted(ids))
    texts = {x.id: x for x in listings.placeable_listings(session, {"achievement": visible})}
    out = []
    for f in shown:
        best = sorted(((score, a) for a, score in placed[f.node_key].achievements.items()
                       if a in texts), key=lambda pair: (-pair[0], pair[1]))[:BEST]
        out.append(schemas.GapOut(
            node_key=f.node_key, name_zh=f.name_zh, name_en=f.name_en,
            unmet_demands=f.unmet_demands, marks=f.marks,
            best_achievements=[schemas.BestAchievement(id=a, title=texts[a].title,
                                                       region=texts[a].region, score=score)
                               for score, a in best]))
    return out
