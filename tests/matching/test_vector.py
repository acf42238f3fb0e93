from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from matching.vector import VectorIndex, VectorParams

from .conftest import unit_rows

DIM = 16


def exact_top(x: np.ndarray, q: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    sims = x @ q
    if allowed is not None:
        sims = np.where(allowed, sims, -np.inf)
    return [int(i) for i in np.argsort(-sims, kind="stable")[:k] if np.isfinite(sims[i])]


@pytest.fixture(params=["flat", "hnsw", "hnsw16"])
def filled(request: pytest.FixtureRequest) -> tuple[VectorIndex, np.ndarray]:
    exact_max = 10_000 if request.param == "flat" else 100
    storage: Literal["float32", "float16"] = "float16" if request.param == "hnsw16" else "float32"
    params = VectorParams(exact_max=exact_max, exact_filter_max=20, ef_search=128, hnsw_storage=storage)
    index = VectorIndex(DIM, params)
    x = unit_rows(1000, DIM)
    index.add(np.arange(1000), x)
    assert index.kind == request.param
    return index, x


def test_search_matches_exact(filled: tuple[VectorIndex, np.ndarray]) -> None:
    index, x = filled
    q = unit_rows(1, DIM, seed=9)[0]
    ids, sims = index.search(q, 10)
    assert ids.tolist() == exact_top(x, q, 10)
    np.testing.assert_allclose(sims, x[ids] @ q, atol=1e-5 if index.kind != "hnsw16" else 2e-3)
    assert index.search(x[123], 1)[0].tolist() == [123]


def test_deleted_vector_never_returns(filled: tuple[VectorIndex, np.ndarray]) -> None:
    index, x = filled
    index.remove(np.array([123, 124]))
    assert len(index) == 998
    assert 123 not in index.search(x[123], 10)[0].tolist()
    assert 123 not in index
    assert index.tombstones == (0 if index.kind == "flat" else 2)


def test_tombstones_compact_past_the_threshold() -> None:
    index = VectorIndex(DIM, VectorParams(exact_max=50, tombstone_fraction=0.25))
    x = unit_rows(200, DIM)
    index.add(np.arange(200), x)
    index.remove(np.arange(30))
    assert index.tombstones == 30
    index.remove(np.arange(30, 41))  # 41 dead > 0.25 * 159 live
    assert index.tombstones == 0
    assert len(index) == 159
    assert index.search(x[150], 1)[0].tolist() == [150]


def test_selective_filter_keeps_recall(filled: tuple[VectorIndex, np.ndarray]) -> None:
    """Five allowed ids, none near the query: all five come back, in exact order."""
    index, x = filled
    q = x[0]
    far = np.argsort(x @ q)[:5]
    allowed = np.zeros(1000, dtype=bool)
    allowed[far] = True
    ids, _ = index.search(q, 10, allowed)
    assert ids.tolist() == exact_top(x, q, 10, allowed)
    assert sorted(ids.tolist()) == sorted(far.tolist())


def test_medium_filter_goes_through_hnsw_selector_exactly() -> None:
    index = VectorIndex(DIM, VectorParams(exact_max=100, exact_filter_max=0))
    x = unit_rows(2000, DIM, seed=4)
    index.add(np.arange(2000), x)
    allowed = np.arange(2000) % 3 == 0
    for seed in range(5):
        q = unit_rows(1, DIM, seed=100 + seed)[0]
        assert index.search(q, 10, allowed)[0].tolist() == exact_top(x, q, 10, allowed)


def test_empty_and_disallowed() -> None:
    index = VectorIndex(DIM)
    q = unit_rows(1, DIM)[0]
    assert index.search(q, 5)[0].tolist() == []
    index.add(np.array([0, 1]), unit_rows(2, DIM))
    assert index.search(q, 5, np.zeros(2, dtype=bool))[0].tolist() == []
    assert sorted(index.search(q, 5)[0].tolist()) == [0, 1]


def test_add_rejects_reused_ids_and_bad_shapes() -> None:
    index = VectorIndex(DIM)
    index.add(np.array([0]), unit_rows(1, DIM))
    with pytest.raises(ValueError, match="already used"):
        index.add(np.array([0]), unit_rows(1, DIM))
    with pytest.raises(ValueError, match="shape"):
        index.add(np.array([1]), unit_rows(1, DIM + 1))


def test_grows_from_flat_to_hnsw() -> None:
    index = VectorIndex(DIM, VectorParams(exact_max=100))
    x = unit_rows(150, DIM)
    index.add(np.arange(100), x[:100])
    kinds = [index.kind]
    index.add(np.arange(100, 150), x[100:])
    kinds.append(index.kind)
    assert kinds == ["flat", "hnsw16"]  # the default storage above exact_max
    assert len(index) == 150
    np.testing.assert_allclose(index.vectors(np.array([3, 140])), x[[3, 140]], atol=1e-3)


def test_save_load_round_trip(tmp_path: Path, filled: tuple[VectorIndex, np.ndarray]) -> None:
    index, _ = filled
    index.remove(np.array([5]))
    index.save(tmp_path)
    loaded = VectorIndex.load(tmp_path, DIM, index.kind, index.params)
    q = unit_rows(1, DIM, seed=11)[0]
    assert loaded.search(q, 10)[0].tolist() == index.search(q, 10)[0].tolist()
    assert len(loaded) == 999 and 5 not in loaded
    with pytest.raises(ValueError, match="dimension"):
        VectorIndex.load(tmp_path, DIM * 2, index.kind)


def test_exact_filtered_scan_by_bitmap(monkeypatch: pytest.MonkeyPatch) -> None:
    """An allowed set too large to gather is scanned in the storage by a row bitmap."""
    import matching.vector

    monkeypatch.setattr(matching.vector, "_GATHER_MAX", 4)
    for storage in ("float32", "float16"):
        index = VectorIndex(DIM, VectorParams(exact_max=100, exact_filter_max=500, hnsw_storage=storage))
        x = unit_rows(1000, DIM, seed=6)
        index.add(np.arange(1000), x)
        index.remove(np.array([3]))
        allowed = np.arange(1000) % 7 == 3  # 143 ids, one of them deleted
        q = x[3]
        expected = exact_top(x, q, 10, allowed & (np.arange(1000) != 3))
        assert index.search(q, 10, allowed)[0].tolist() == expected
