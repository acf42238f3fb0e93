from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matching.vector import VectorIndex, VectorParams

from .conftest import unit_rows

DIM = 16
REDUCED = 8  # the approximate index's graph dimension in these tests: a real reduction


def exact_top(x: np.ndarray, q: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    sims = x @ q
    if allowed is not None:
        sims = np.where(allowed, sims, -np.inf)
    return [int(i) for i in np.argsort(-sims, kind="stable")[:k] if np.isfinite(sims[i])]


def low_rank_rows(n: int, dim: int = DIM, rank: int = 6, seed: int = 0, noise: float = 0.05) -> np.ndarray:
    """Unit vectors near a `rank`-dimensional subspace (fixed by the basis seed), like embeddings."""
    basis = np.random.default_rng(12345).standard_normal((rank, dim))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, rank)) @ basis + noise * rng.standard_normal((n, dim))
    out: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


def approx_params(**kw: int | float) -> VectorParams:
    return VectorParams(**{"exact_max": 100, "reduced_dim": REDUCED, **kw})  # type: ignore[arg-type]


@pytest.fixture(params=["flat", "pca-hnsw"])
def filled(request: pytest.FixtureRequest) -> tuple[VectorIndex, np.ndarray]:
    exact_max = 10_000 if request.param == "flat" else 100
    params = approx_params(exact_max=exact_max, exact_filter_max=20, ef_search=128)
    index = VectorIndex(DIM, params)
    x = low_rank_rows(1000)
    index.add(np.arange(1000), x)
    assert index.kind == request.param
    return index, x


def test_search_matches_exact(filled: tuple[VectorIndex, np.ndarray]) -> None:
    index, x = filled
    q = low_rank_rows(1, seed=9)[0]
    ids, sims = index.search(q, 10)
    assert ids.tolist() == exact_top(x, q, 10)
    # the scores are the full vectors' inner products (float16 storage), not the reduced ones
    np.testing.assert_allclose(sims, x[ids] @ q, atol=1e-5 if index.kind == "flat" else 2e-3)
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


def test_grows_from_flat_to_pca_hnsw_with_a_trained_projection() -> None:
    index = VectorIndex(DIM, approx_params())
    x = low_rank_rows(150)
    index.add(np.arange(100), x[:100])
    kinds = [index.kind]
    index.add(np.arange(100, 150), x[100:])
    kinds.append(index.kind)
    assert kinds == ["flat", "pca-hnsw"]
    assert len(index) == 150
    np.testing.assert_allclose(index.vectors(np.array([3, 140])), x[[3, 140]], atol=1e-3)
    # trained on these vectors: 8 axes keep almost all of rank-6 data's energy
    assert index.energy > 0.98
    noise = VectorIndex(DIM, approx_params())
    noise.add(np.arange(150), unit_rows(150, DIM))
    assert 0.4 < noise.energy < 0.8  # isotropic data: about 8/16


def test_ef_grows_with_k_and_with_the_filter() -> None:
    index = VectorIndex(DIM, VectorParams(ef_search=256, ef_per_k=4))  # not the defaults
    assert index.ef_for(10) == 256
    assert index.ef_for(100) == 400
    assert index.ef_for(10, 0.5) == 256
    assert index.ef_for(10, 0.125) == 512
    assert index.ef_for(10, 1e-6) == 4096


def test_incremental_writes_after_the_switch_match_exact_search() -> None:
    """Adds, updates (the matcher removes the old int id and adds the new vector under a fresh
    one) and removals on the approximate index: every search agrees with exact search over what
    is live now, and a removed vector never answers."""
    index = VectorIndex(DIM, approx_params(tombstone_fraction=0.5))
    x = low_rank_rows(600, seed=1)
    index.add(np.arange(400), x[:400])
    assert index.kind == "pca-hnsw"
    index.add(np.arange(400, 500), x[400:500])  # projected with the trained projection
    index.remove(np.array([7, 8]))
    index.add(np.array([500]), x[500:501])  # "update" of id 7
    index.remove(np.array([20, 21, 22]))
    assert index.kind == "pca-hnsw" and index.tombstones == 5 and len(index) == 496
    alive = np.zeros(600, dtype=bool)
    alive[:501] = True
    alive[[7, 8, 20, 21, 22]] = False
    for seed in range(10):
        q = low_rank_rows(1, seed=300 + seed)[0]
        assert index.search(q, 10)[0].tolist() == exact_top(x, q, 10, alive)
    assert index.search(x[500], 1)[0].tolist() == [500]
    assert 7 not in index.search(x[7], 10)[0].tolist()
    np.testing.assert_allclose(index.vectors(np.array([500])), x[500:501], atol=1e-3)
    with pytest.raises(KeyError):
        index.vectors(np.array([8]))
    index.compact()  # retrains the projection on the live vectors, drops the tombstones
    assert index.kind == "pca-hnsw" and index.tombstones == 0 and len(index) == 496
    q = low_rank_rows(1, seed=400)[0]
    assert index.search(q, 10)[0].tolist() == exact_top(x, q, 10, alive)


@pytest.mark.parametrize("share", [0.1, 0.3, 1.0])
def test_filtered_recall_through_the_reduced_graph(share: float) -> None:
    """5,000 vectors of intrinsic dimension 12 in 32 dimensions, 10 reduced axes, no exact path
    (exact_filter_max 0): filters go through the graph walk, and recall@10 against exact search
    stays >= 0.95."""
    dim = 32
    x = low_rank_rows(5000, dim=dim, rank=12, seed=2, noise=0.02)
    params = VectorParams(exact_max=100, reduced_dim=10, exact_filter_max=0, ef_search=32)
    index = VectorIndex(dim, params)
    order = np.random.default_rng(4).permutation(5000)  # ids are not storage rows
    index.add(order[:4000], x[order[:4000]])
    index.add(order[4000:], x[order[4000:]])
    index.remove(np.arange(0, 5000, 50))  # tombstones are filtered out on both paths
    assert index.kind == "pca-hnsw" and index.tombstones == 100
    live = np.ones(5000, dtype=bool)
    live[::50] = False
    allowed = np.random.default_rng(3).random(5000) < share
    recalls = []
    for seed in range(40):
        q = low_rank_rows(1, dim=dim, rank=12, seed=1000 + seed, noise=0.02)[0]
        found = index.search(q, 10, None if share == 1.0 else allowed)[0].tolist()
        assert not set(found) & set(range(0, 5000, 50))
        recalls.append(len(set(found) & set(exact_top(x, q, 10, allowed & live))) / 10)
    assert np.mean(recalls) >= 0.95


def test_save_load_round_trip(tmp_path: Path, filled: tuple[VectorIndex, np.ndarray]) -> None:
    index, _ = filled
    index.remove(np.array([5]))
    files = index.save(tmp_path)
    assert ("vectors.full.faiss" in files) == (index.kind == "pca-hnsw")
    loaded = VectorIndex.load(tmp_path, DIM, index.kind, index.params)
    for seed in range(5):
        q = low_rank_rows(1, seed=11 + seed)[0]
        assert loaded.search(q, 10)[0].tolist() == index.search(q, 10)[0].tolist()
    assert len(loaded) == 999 and 5 not in loaded
    assert loaded.tombstones == index.tombstones and loaded.energy == index.energy
    np.testing.assert_array_equal(loaded.vectors(np.arange(6, 20)), index.vectors(np.arange(6, 20)))
    with pytest.raises(ValueError, match="dimension"):
        VectorIndex.load(tmp_path, DIM * 2, index.kind)
    other = "flat" if index.kind == "pca-hnsw" else "pca-hnsw"
    with pytest.raises(ValueError, match=r"manifest says|dimension"):
        VectorIndex.load(tmp_path, DIM, other)
    with pytest.raises(ValueError, match="unknown"):
        VectorIndex.load(tmp_path, DIM, "hnsw16")  # an index written before the PCA graph


def test_load_refuses_a_graph_without_its_full_vectors(tmp_path: Path) -> None:
    index = VectorIndex(DIM, approx_params())
    x = low_rank_rows(300)
    index.add(np.arange(300), x)
    index.save(tmp_path)
    short = VectorIndex(DIM, approx_params())
    short.add(np.arange(200), x[:200])
    (tmp_path / "other").mkdir()
    short.save(tmp_path / "other")
    (tmp_path / "other" / "vectors.full.faiss").replace(tmp_path / "vectors.full.faiss")
    with pytest.raises(ValueError, match="200 full vectors for 300 graph nodes"):
        VectorIndex.load(tmp_path, DIM, "pca-hnsw")


@pytest.mark.parametrize("exact_max", [100, 10_000])
def test_exact_filtered_scan_by_bitmap_and_by_gathering(
    monkeypatch: pytest.MonkeyPatch, exact_max: int
) -> None:
    """An allowed set gathered, or too large to gather and scanned in the
    storage by a row bitmap, gives the exact answer (float32 flat or float16 full storage)."""
    import matching.vector

    x = unit_rows(1000, DIM, seed=6)
    allowed = np.arange(1000) % 7 == 3  # 143 ids, one of them deleted
    q = x[3]
    expected = exact_top(x, q, 10, allowed & (np.arange(1000) != 3))
    for gather_max in (4, 1000):
        monkeypatch.setattr(matching.vector, "_GATHER_MAX", gather_max)
        index = VectorIndex(DIM, VectorParams(exact_max=exact_max, exact_filter_max=500))
        index.add(np.arange(1000), x)
        index.remove(np.array([3]))
        if index.kind == "flat":  # the flat index filters in faiss; call the exact path itself
            got = index._exact_subset(q.reshape(1, DIM), 10, allowed)[0].tolist()
        else:
            got = index.search(q, 10, allowed)[0].tolist()
        assert got == expected
