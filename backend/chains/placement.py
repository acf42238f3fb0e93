"""Listings on a chain's nodes: placed automatically (`matching.placement`, over every
published, unhidden listing) and by hand (administrators any listing, owners their own).

Consent before disclosure: a placement shows a listing's title only to those who may see the
listing (`listings.visibility`); the others are counted in figures, never named."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit import service as audit
from backend.chains import schemas
from backend.chains.models import Chain, ChainNode, ChainPlacement, ListingKind, PlacementSource
from backend.chains.service import nodes_of
from backend.core.errors import Conflict, NotFound
from backend.core.permissions import Role
from backend.listings import lookup, visibility
from backend.matches.index import get_index_service
from matching import hints
from matching.placement import ListingProfile, NodeProfile, PlacementConfig, Placer

CONFIG = PlacementConfig()
NO_LISTING = "未找到该需求或成果，或它不属于您的单位。No such listing among yours."


def profiles(nodes: list[ChainNode]) -> list[NodeProfile]:
    return [NodeProfile(n.id, frozenset(n.field_codes), tuple(n.keywords),
                        f"{n.name_zh} {n.name_en} {n.description}") for n in nodes]


def _predicted(kind: str, text: str) -> dict[str, float]:
    """The matcher's field prediction for a text, from the index this process already serves
    (the other kind's: a demand's fields from the achievements it resembles); none loaded,
    no prediction — never an index loaded for the request."""
    matcher = get_index_service().loaded("achievement" if kind == "demand" else "demand")
    return {} if matcher is None else dict(hints.predict_fields(matcher, text, 3))


def auto_place(session: Session, actor: audit.Actor, chain: Chain) -> schemas.AutoPlacementOut:
    """Replace the chain's automatic placements with a fresh run (manual ones stay)."""
    nodes = nodes_of(session, chain.id)
    session.execute(delete(ChainPlacement).where(
        ChainPlacement.chain_id == chain.id, ChainPlacement.source == PlacementSource.AUTO))
    manual = {(p.node_id, p.listing_kind.value, p.listing_id) for p in session.execute(
        select(ChainPlacement).where(ChainPlacement.chain_id == chain.id)).scalars()}
    placer = Placer(profiles(nodes), CONFIG)
    listings = lookup.placeable_listings(session)
    written = 0
    for item in listings:
        listing = ListingProfile(item.id, item.text, item.field_code,
                                 _predicted(item.kind, item.text))
        for placed in placer.place(listing):
            if (placed.node_id, item.kind, item.id) in manual:
                continue
            session.add(ChainPlacement(chain_id=chain.id, node_id=placed.node_id,
                                       listing_kind=ListingKind(item.kind), listing_id=item.id,
                                       source=PlacementSource.AUTO, score=placed.score))
            written += 1
    session.flush()
    audit.record(session, actor, "chain_placement.auto", "chain", chain.id,
                 after={"placed": written, "listings": len(listings),
                        "threshold": CONFIG.threshold})
    return schemas.AutoPlacementOut(placed=written, listings=len(listings))


def _node(session: Session, chain: Chain, key: str) -> ChainNode:
    node = session.execute(select(ChainNode).where(
        ChainNode.chain_id == chain.id, ChainNode.key == key)).scalar_one_or_none()
    if node is None:
        raise NotFound(f"本产业链没有节点“{key}”。This chain has no node {key}.")
    return node


def _may_place(user: User, organisation_id: int) -> bool:
    return user.role == Role.ADMIN or (user.organisation_id is not None
                                       and user.organisation_id == organisation_id)


def place(session: Session, actor: audit.Actor, user: User, chain: Chain,
          body: schemas.PlacementIn) -> ChainPlacement:
    """By hand: an administrator any published listing, a member its organisation's own."""
    node = _node(session, chain, body.node_key)
    found = lookup.placeable_listings(session, {body.listing_kind.value: [body.listing_id]})
    if not found or not _may_place(user, found[0].organisation_id):
        raise NotFound(NO_LISTING)
    placement = session.execute(select(ChainPlacement).where(
        ChainPlacement.node_id == node.id, ChainPlacement.listing_kind == body.listing_kind,
        ChainPlacement.listing_id == body.listing_id)).scalar_one_or_none()
    if placement is None:
        placement = ChainPlacement(chain_id=chain.id, node_id=node.id,
                                   listing_kind=body.listing_kind, listing_id=body.listing_id,
                                   source=PlacementSource.MANUAL)
        session.add(placement)
    placement.source, placement.score, placement.placed_by_id = (
        PlacementSource.MANUAL, None, user.id)
    session.flush()
    audit.record(session, actor, "chain_placement.place", "chain_placement", placement.id,
                 after={"chain_id": chain.id, "node": node.key,
                        "listing": f"{body.listing_kind.value}:{body.listing_id}"})
    return placement


def remove(session: Session, actor: audit.Actor, user: User, chain: Chain,
           placement_id: int) -> None:
    placement = session.execute(select(ChainPlacement).where(
        ChainPlacement.id == placement_id, ChainPlacement.chain_id == chain.id)
    ).scalar_one_or_none()
    if placement is None:
        raise NotFound("未找到该挂接。No such placement.")
    found = lookup.placeable_listings(session, {placement.listing_kind.value:
                                                [placement.listing_id]})
    if user.role != Role.ADMIN and (not found or not _may_place(user, found[0].organisation_id)):
        raise NotFound("未找到该挂接。No such placement.")
    if user.role != Role.ADMIN and placement.source is not PlacementSource.MANUAL:
        # the next automatic run would put it back: only administrators decide on those
        raise Conflict("自动挂接只能由管理员移除；如挂接有误，请联系管理员。An automatic placement is "
                       "removed by administrators only; ask them if it is wrong.",
                       reason="automatic_placement")
    session.delete(placement)
    session.flush()
    audit.record(session, actor, "chain_placement.remove", "chain_placement", placement_id,
                 before={"chain_id": chain.id, "listing": f"{placement.listing_kind.value}:"
                                                          f"{placement.listing_id}"})


def listed(session: Session, user: User, chain: Chain, node_key: str | None
           ) -> list[schemas.PlacementOut]:
    """The placements whose listing `user` may see, best first per node."""
    keys = {n.id: n.key for n in nodes_of(session, chain.id)}
    query = select(ChainPlacement).where(ChainPlacement.chain_id == chain.id)
    if node_key is not None:
        query = query.where(ChainPlacement.node_id == _node(session, chain, node_key).id)
    rows = list(session.execute(query.order_by(ChainPlacement.node_id,
                                               ChainPlacement.id)).scalars())
    wanted = {k.value: [p.listing_id for p in rows if p.listing_kind == k] for k in ListingKind}
    seen = {"demand": visibility.visible_demand_ids(session, user, wanted["demand"]),
            "achievement": visibility.visible_achievement_ids(session, user,
                                                              wanted["achievement"])}
    titles = {(x.kind, x.id): x.title for x in lookup.placeable_listings(session, wanted)}
    return [schemas.PlacementOut(
        id=p.id, node_key=keys[p.node_id], listing_kind=p.listing_kind,
        listing_id=p.listing_id, title=titles[(p.listing_kind.value, p.listing_id)],
        source=p.source, score=p.score, created_at=p.created_at)
        for p in rows if p.listing_id in seen[p.listing_kind.value]
        and (p.listing_kind.value, p.listing_id) in titles]


def of_listing(session: Session, user: User, kind: ListingKind, listing_id: int
               ) -> schemas.ListingChainsOut:
    """The chain nodes a listing sits on (every chain), for those who may see the listing; and
    whether the caller may place it by hand (administrators; members of its organisation)."""
    see = (visibility.visible_demand_ids if kind == ListingKind.DEMAND
           else visibility.visible_achievement_ids)
    if listing_id not in see(session, user, [listing_id]):
        raise NotFound(NO_LISTING)
    found = lookup.placeable_listings(session, {kind.value: [listing_id]})
    may_place = bool(found) and _may_place(user, found[0].organisation_id)
    rows = session.execute(
        select(ChainPlacement, ChainNode, Chain)
        .join(ChainNode, ChainNode.id == ChainPlacement.node_id)
        .join(Chain, Chain.id == ChainPlacement.chain_id)
        .where(ChainPlacement.listing_kind == kind, ChainPlacement.listing_id == listing_id)
        .order_by(Chain.id, ChainNode.sort, ChainNode.id)).all()
    return schemas.ListingChainsOut(may_place=may_place, placements=[
        schemas.ListingPlacementOut(
            id=p.id, chain_id=c.id, chain_name_zh=c.name_zh, chain_name_en=c.name_en,
            node_key=n.key, node_name_zh=n.name_zh, node_name_en=n.name_en, source=p.source,
            score=p.score, created_at=p.created_at) for p, n, c in rows])
