from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from matching import (
    Document,
    IndexCorrupt,
    IndexMismatch,
    IndexNotFound,
    Matcher,
    MatcherConfig,
    Query,
    config_for,
    read_version,
)
from matching.encoders import HashEncoder
from matching.text import TokenizerConfig
from matching.vector import VectorParams

from .conftest import LISTINGS


def test_round_trip_gives_identical_results(matcher: Matcher, tmp_path: Path) -> None:
    matcher.remove(["a:4"])
    matcher.update([replace(LISTINGS[1], text="高镍三元正极材料")])
    directory = tmp_path / "achievements"
    assert matcher.save(directory) == 1
    loaded = Matcher.load(directory, config_for("hash"))
    assert loaded.version == 1 and loaded.name == "achievements"
    assert sorted(loaded.ids()) == ["a:1", "a:2", "a:3", "a:5", "a:6"]
    for text in ("锂电池隔膜", "正极材料", "crop disease", "重金属吸附"):
        assert loaded.search(Query(text)) == matcher.search(Query(text))
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["count"] == 5
    assert manifest["channels"]["hash"] == {"model": "hash-256", "dim": 256, "kind": "flat", "count": 5}
    assert set(manifest["files"]) == {
        "lexical.npz",
        "lexical.json",
        "attributes.npz",
        "attributes.json",
        "hash/vectors.faiss",
        "hash/vectors.npz",
        "ids.json",
    }


def test_version_increments_on_each_save_and_old_versions_are_pruned(
    matcher: Matcher, tmp_path: Path
) -> None:
    assert read_version(tmp_path) is None
    assert [matcher.save(tmp_path) for _ in range(4)] == [1, 2, 3, 4]
    assert read_version(tmp_path) == 4
    assert sorted(p.name for p in tmp_path.glob("v*")) == ["v000002", "v000003", "v000004"]
    other = Matcher("achievements", config_for("hash"))  # a fresh process saving to the same place
    assert other.save(tmp_path) == 5


def test_a_reader_detects_a_new_version_from_the_manifest(matcher: Matcher, tmp_path: Path) -> None:
    matcher.save(tmp_path)
    reader = Matcher.load(tmp_path, config_for("hash"))
    assert not reader.is_stale(tmp_path)
    matcher.remove(["a:1"])
    matcher.save(tmp_path)
    assert reader.is_stale(tmp_path)
    reader = Matcher.load(tmp_path, config_for("hash"))
    assert reader.version == 2 and "a:1" not in reader


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound):
        Matcher.load(tmp_path / "nothing", config_for("hash"))


@pytest.mark.parametrize("victim", ["hash/vectors.faiss", "lexical.npz", "ids.json"])
def test_a_corrupted_file_is_detected(matcher: Matcher, tmp_path: Path, victim: str) -> None:
    matcher.save(tmp_path)
    path = tmp_path / "v000001" / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match="checksum"):
        Matcher.load(tmp_path, config_for("hash"))


def test_a_missing_file_or_garbled_manifest_is_detected(matcher: Matcher, tmp_path: Path) -> None:
    matcher.save(tmp_path)
    (tmp_path / "v000001" / "attributes.json").unlink()
    with pytest.raises(IndexCorrupt, match="missing"):
        Matcher.load(tmp_path, config_for("hash"))
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorrupt, match="manifest"):
        Matcher.load(tmp_path, config_for("hash"))


def test_a_mismatched_model_is_detected(matcher: Matcher, tmp_path: Path) -> None:
    matcher.save(tmp_path)
    with pytest.raises(IndexMismatch, match="hash-256"):
        Matcher.load(tmp_path, config_for("hash"), encoders={"hash": HashEncoder(128)})
    with pytest.raises(IndexMismatch):
        Matcher.load(tmp_path, config_for("use"))


def test_a_changed_tokenizer_is_a_mismatch(matcher: Matcher, tmp_path: Path) -> None:
    matcher.save(tmp_path)
    config = replace(config_for("hash"), tokenizer=TokenizerConfig(zh_chars=False))
    with pytest.raises(IndexMismatch):
        Matcher.load(tmp_path, config)


def _edit_manifest(directory: Path, edit: Callable[[dict[str, Any]], object]) -> None:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def test_an_inconsistent_index_is_not_served(matcher: Matcher, tmp_path: Path) -> None:
    matcher.save(tmp_path)
    _edit_manifest(tmp_path, lambda m: m.update(count=99))
    with pytest.raises(IndexCorrupt, match="inconsistent"):
        Matcher.load(tmp_path, config_for("hash"))


def approximate_matcher() -> tuple[Matcher, MatcherConfig]:
    config = replace(config_for("hash"), vector=VectorParams(exact_max=50, reduced_dim=32))
    matcher = Matcher("big", config)
    matcher.add(Document(f"d:{i}", f"锂电池隔膜 湿法工艺 第{i}号 {i % 7}号线") for i in range(120))
    assert matcher.vectors["hash"].kind == "pca-hnsw"
    return matcher, config


def test_round_trip_of_the_approximate_index(tmp_path: Path) -> None:
    matcher, config = approximate_matcher()
    matcher.remove(["d:3"])  # a tombstone
    matcher.update([Document("d:4", "湿法工艺 第4号 改")])
    matcher.save(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == 2
    assert manifest["channels"]["hash"]["kind"] == "pca-hnsw"
    assert "hash/vectors.full.faiss" in manifest["files"]
    loaded = Matcher.load(tmp_path, config)
    assert loaded.vectors["hash"].tombstones == 2 and len(loaded) == 119
    for text in ("锂电池隔膜", "第4号", "5号线"):
        assert loaded.search(Query(text)) == matcher.search(Query(text))
    loaded.add([Document("d:new", "锂电池隔膜 第new号")])  # writes go on after a load
    assert "d:new" in {r.id for r in loaded.search(Query("第new号"))}


def test_a_corrupted_full_vector_file_is_detected(tmp_path: Path) -> None:
    matcher, config = approximate_matcher()
    matcher.save(tmp_path)
    path = tmp_path / "v000001" / "hash" / "vectors.full.faiss"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match="checksum"):
        Matcher.load(tmp_path, config)


def test_an_index_of_the_previous_format_is_rebuilt_not_served(tmp_path: Path) -> None:
    """Format 1 held "hnsw16" vector indexes (HNSW over float16 vectors, no projection)."""
    matcher, config = approximate_matcher()
    matcher.save(tmp_path)
    _edit_manifest(tmp_path, lambda m: m.update(format=1))
    with pytest.raises(IndexMismatch, match="format 1"):
        Matcher.load(tmp_path, config)
    _edit_manifest(tmp_path, lambda m: (m.update(format=2),
                                        m["channels"]["hash"].update(kind="hnsw16")))
    with pytest.raises(IndexCorrupt, match="hnsw16"):
        Matcher.load(tmp_path, config)
