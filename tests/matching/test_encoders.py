from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching import CachedEncoder, Encoder, HashEncoder, get_encoder
from matching.cache import EmbeddingCache

from .conftest import CountingEncoder


def test_hash_encoder_is_deterministic_and_normalised() -> None:
    enc = HashEncoder(64)
    a = enc.encode(["锂电池隔膜", "crop disease", ""])
    b = HashEncoder(64).encode(["锂电池隔膜", "crop disease", ""])
    assert a.shape == (3, 64) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a[:2], axis=1), [1.0, 1.0], rtol=1e-6)
    assert np.linalg.norm(a[2]) == 0.0  # nothing to hash
    near, far = enc.encode(["锂电池隔膜材料", "水稻病虫害识别"])
    assert float(a[0] @ near) > float(a[0] @ far)


def test_encoders_satisfy_the_protocol() -> None:
    for name in ("hash", "use", "minilm"):
        enc = get_encoder(name)  # lazy: no model is loaded here
        assert isinstance(enc, Encoder)
    assert get_encoder("use").dim == 512
    assert get_encoder("minilm").dim == 384
    with pytest.raises(ValueError, match="unknown encoder"):
        get_encoder("bert")


def test_cache_second_encode_does_not_call_the_model(tmp_path: Path) -> None:
    inner = CountingEncoder()
    cached = CachedEncoder(inner, EmbeddingCache(tmp_path))
    first = cached.encode(["一", "two", "一"])
    assert inner.calls == ["一", "two"]  # a duplicate within a batch is encoded once
    second = cached.encode(["two", "一", "three"])
    assert inner.calls == ["一", "two", "three"]
    np.testing.assert_array_equal(first[0], second[1])
    np.testing.assert_array_equal(first[0], first[2])
    assert (cached.hits, cached.misses) == (3, 3)


def test_cache_survives_a_new_process_and_is_keyed_by_model(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(name="m1"), EmbeddingCache(tmp_path)).encode(["alpha", "beta"])
    again = CountingEncoder(name="m1")
    CachedEncoder(again, EmbeddingCache(tmp_path)).encode(["beta", "alpha"])
    assert again.calls == []
    other_model = CountingEncoder(name="m2")
    CachedEncoder(other_model, EmbeddingCache(tmp_path)).encode(["alpha"])
    assert other_model.calls == ["alpha"]
    assert EmbeddingCache(tmp_path).count("m1") == 2


def test_get_encoder_with_cache_dir(tmp_path: Path) -> None:
    enc = get_encoder("hash", cache_dir=tmp_path)
    assert isinstance(enc, CachedEncoder)
    enc.encode(["x"])
    assert EmbeddingCache(tmp_path).count("hash-256") == 1
