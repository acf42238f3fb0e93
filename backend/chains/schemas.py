"""Request and response shapes for industry chains: the graph document (what an
administrator saves, what a version holds, what the XLSX carries), placements and figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from backend.chains.models import ChainStage, ListingKind, MarkKind, PlacementSource
from backend.core.dates import PastDate
from backend.core.schemas import FreeText, Name, Schema, ShortName

Key = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$",
                           description="A node's key in its chain: letters, digits, _ . -")]
Code = Annotated[str, Field(pattern=r"^[a-z0-9_.-]{1,32}$")]
Description = Annotated[str, FreeText(max_length=2000, multiline=True)]
Keyword = Annotated[str, FreeText(min_length=1, max_length=32)]
Reason = Annotated[str, FreeText(min_length=1, max_length=1000, multiline=True)]
Evidence = Annotated[str, FreeText(min_length=1, max_length=2000, multiline=True)]
Note = Annotated[str, FreeText(max_length=500)]
EdgeNote = Annotated[str, FreeText(max_length=200)]
MAX_NODES = 200
MAX_EDGES = 1000


class MarkIn(Schema):
    """A status mark on a node, with its grounds."""

    kind: MarkKind
    reason: Reason
    marked_on: PastDate
    evidence: Evidence


class NodeIn(Schema):
    key: Key
    name_zh: ShortName
    name_en: Name
    stage: ChainStage
    description: Description = ""
    keywords: list[Keyword] = Field(default_factory=list, max_length=30)
    field_codes: list[Code] = Field(min_length=1, max_length=10,
                                    description="taxonomy sub-field codes, e.g. equipment.cnc")
    marks: list[MarkIn] = Field(default_factory=list, max_length=3)


class EdgeIn(Schema):
    """`source` supplies `target` (keys of nodes of the same chain)."""

    source: Key
    target: Key
    note: EdgeNote = ""


class GraphIn(Schema):
    """The whole chain as an administrator saves it: each save is a new version."""

    name_zh: ShortName
    name_en: Name
    region: ShortName
    description: Description = ""
    is_dag: bool = True
    nodes: list[NodeIn] = Field(min_length=1, max_length=MAX_NODES)
    edges: list[EdgeIn] = Field(default_factory=list, max_length=MAX_EDGES)
    note: Note = Field(default="", description="what this version changed")


class ChainIn(GraphIn):
    code: Code


class NodeOut(NodeIn):
    id: int


class ChainSummary(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    region: str
    version: int
    updated_at: datetime


class ChainOut(ChainSummary):
    description: str
    is_dag: bool
    nodes: list[NodeOut]
    edges: list[EdgeIn]


class VersionSummary(Schema):
    number: int
    note: str
    created_at: datetime
    created_by_id: int | None


class VersionOut(VersionSummary):
    graph: ChainIn


# --- placements -------------------------------------------------------------------------

class PlacementIn(Schema):
    node_key: Key
    listing_kind: ListingKind
    listing_id: int = Field(gt=0)


class PlacementOut(Schema):
    id: int
    node_key: str
    listing_kind: ListingKind
    listing_id: int
    title: str
    source: PlacementSource
    score: float | None
    created_at: datetime


class ListingPlacementOut(Schema):
    """Where a listing sits: a chain's node, placed automatically or by hand."""

    id: int
    chain_id: int
    chain_name_zh: str
    chain_name_en: str
    node_key: str
    node_name_zh: str
    node_name_en: str
    source: PlacementSource
    score: float | None
    created_at: datetime


class ListingChainsOut(Schema):
    placements: list[ListingPlacementOut]
    may_place: bool  # the caller may place the listing by hand and remove manual placements


class AutoPlacementOut(Schema):
    placed: int        # automatic placements written (after the old automatic ones went)
    listings: int      # listings scored


# --- figures, gaps, report --------------------------------------------------------------

class NodeFigures(Schema):
    node_key: str
    name_zh: str
    name_en: str
    stage: ChainStage
    marks: list[MarkKind]
    demands: int                 # local demands placed on the node, published in the period
    achievements: int            # local achievements placed on the node, in the period
    deals: int                   # deals opened in the period on a placed demand or achievement
    contract_value: Decimal      # confirmed, registered contract amounts of those deals
    unmet_demands: int           # local demands open longer than N days without an introduction
    open_challenges: int         # challenges open for proposals aimed at the node's demands
    gap: list[str]               # demand_without_supply · supply_without_demand · open_challenges


class ChainFigures(Schema):
    chain_id: int
    start: date
    end: date
    unmet_after_days: int
    nodes: list[NodeFigures]


class BestAchievement(Schema):
    id: int
    title: str
    region: str
    score: float


class GapOut(Schema):
    node_key: str
    name_zh: str
    name_en: str
    unmet_demands: int
    marks: list[MarkKind]
    best_achievements: list[BestAchievement]


class ChallengeDraft(Schema):
    """A challenge's fields pre-filled from a gap: the issuer completes and posts it to
    `POST /api/v1/challenges`."""

    title: str
    problem: str
    demand_id: int | None
    node_key: str
