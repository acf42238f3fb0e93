"""Placing listings on the segments (nodes) of an industry chain.

A node is described by its taxonomy sub-fields, its keywords and its name and description;
a listing by its text, its declared field and (optionally) the fields the matcher predicts
for its text. The score blends three signals, each in [0, 1]:

- field: 1 when the listing is filed under one of the node's sub-fields, else the matcher's
  predicted probability for the best of them (a listing filed elsewhere can still belong);
- keywords: the share of the node's keywords found in the listing's text, saturating at
  `keyword_saturation` hits (a node lists synonyms: two hits are as good as all);
- text: the cosine between the token counts of the listing and of the node's profile.

A listing goes on every node scoring at least `threshold`, at most `max_nodes` of them,
best first. Pure: no web, no database; the tokenizer is the matcher's.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from matching.text import Tokenizer, normalise


@dataclass(frozen=True, slots=True)
class NodeProfile:
    id: int
    fields: frozenset[str]
    keywords: tuple[str, ...]
    text: str                       # name and description


@dataclass(frozen=True, slots=True)
class ListingProfile:
    id: int
    text: str                       # title, body and keywords
    field: str | None = None        # the declared field's code
    predicted: Mapping[str, float] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlacementConfig:
    field_weight: float = 0.35
    keyword_weight: float = 0.4
    text_weight: float = 0.25
    keyword_saturation: int = 2
    threshold: float = 0.45
    max_nodes: int = 2


@dataclass(frozen=True, slots=True)
class Placement:
    listing_id: int
    node_id: int
    score: float


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


class Placer:
    def __init__(self, nodes: Sequence[NodeProfile], config: PlacementConfig | None = None,
                 tokenizer: Tokenizer | None = None) -> None:
        self.config = config or PlacementConfig()
        self.tokenizer = tokenizer or Tokenizer()
        self.nodes = list(nodes)
        self._bags = [Counter(self.tokenizer.tokens(" ".join([n.text, *n.keywords])))
                      for n in self.nodes]
        self._keywords = [tuple(normalise(k) for k in n.keywords if k.strip())
                          for n in self.nodes]

    def scores(self, listing: ListingProfile) -> list[tuple[int, float]]:
        """(node id, score) for every node, best first."""
        cfg = self.config
        text = normalise(listing.text)
        bag = Counter(self.tokenizer.tokens(listing.text))
        out = []
        for node, node_bag, keywords in zip(self.nodes, self._bags, self._keywords, strict=True):
            if listing.field is not None and listing.field in node.fields:
                on_field = 1.0
            else:
                on_field = max((listing.predicted.get(f, 0.0) for f in node.fields), default=0.0)
            hits = sum(1 for k in keywords if k in text)
            on_keywords = min(hits, cfg.keyword_saturation) / max(
                1, min(len(keywords), cfg.keyword_saturation))
            score = (cfg.field_weight * on_field + cfg.keyword_weight * on_keywords
                     + cfg.text_weight * _cosine(bag, node_bag))
            out.append((node.id, round(score, 4)))
        out.sort(key=lambda pair: (-pair[1], pair[0]))
        return out

    def place(self, listing: ListingProfile) -> list[Placement]:
        cfg = self.config
        return [Placement(listing.id, node_id, score)
                for node_id, score in self.scores(listing)[:cfg.max_nodes]
                if score >= cfg.threshold]

    def place_all(self, listings: Iterable[ListingProfile]) -> list[Placement]:
        return [p for listing in listings for p in self.place(listing)]
