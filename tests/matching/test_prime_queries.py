"""A listing's own text, primed as a query when it is indexed, is searched without the model:
the whole text and, for a story, each clause the search encodes."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from matching import CachedEncoder, Document, Matcher, Query
from matching.cache import EmbeddingCache
from matching.config import LEXICAL, NO_FEEDBACK, MatcherConfig, _weights
from matching.fusion import ClauseViews, FieldParams

from .conftest import QueryCountingEncoder

STORY = ("我们是做精密外协件的小厂，早上干出来的活儿都没毛病。一到下午尺寸就慢慢跑偏，"
         "客户退了好几批货。师傅说是机床热了，我们也不知道该怎么办。")


def _matcher(tmp_path: Path, encoder: QueryCountingEncoder) -> Matcher:
    both = {LEXICAL: 0.5, "counting": 0.5}
    config = MatcherConfig(
        encoders=("counting",), weights=_weights(dict(both), dict(both)), feedback=NO_FEEDBACK,
        gate=None, fields=FieldParams(), dense_feedback=MappingProxyType({}),
        clause_views=MappingProxyType({"counting": ClauseViews(min_clauses=2, min_chars=20)}))
    cached = CachedEncoder(encoder, EmbeddingCache(tmp_path / "cache"))
    return Matcher("demands", config, encoders={"counting": cached})


def test_a_primed_story_is_searched_without_encoding(tmp_path: Path) -> None:
    encoder = QueryCountingEncoder()
    matcher = _matcher(tmp_path, encoder)
    matcher.add([Document("d:1", STORY), Document("d:2", "数控机床热变形补偿技术")])

    assert matcher.prime_queries([STORY]) >= 3  # the whole story and its clauses
    primed = list(encoder.queries)
    assert STORY in primed and len(primed) >= 3
    encoder.queries.clear()
    encoder.calls.clear()

    assert matcher.search(Query(STORY, top_k=2))
    assert encoder.queries == [] and encoder.calls == []


def test_an_unprimed_story_encodes_its_clauses_on_the_search(tmp_path: Path) -> None:
    encoder = QueryCountingEncoder()
    matcher = _matcher(tmp_path, encoder)
    matcher.add([Document("d:1", STORY)])
    encoder.queries.clear()

    matcher.search(Query(STORY, top_k=1))
    assert STORY in encoder.queries and len(encoder.queries) >= 3


def test_priming_skips_an_encoder_without_a_cache(tmp_path: Path) -> None:
    encoder = QueryCountingEncoder()
    matcher = Matcher("demands", _matcher(tmp_path, encoder).config,
                      encoders={"counting": encoder})
    assert matcher.prime_queries([STORY]) == 0 and encoder.queries == []
