"""A change of encoder is a resumable re-encode: `techbroker reindex` builds a new version with
a chosen profile, a batch at a time through the embedding cache, so a run that was killed
encodes again only what it had not finished; the version is published whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backend.cli import app as cli
from backend.matches import documents
from backend.matches.index import IndexService
from matching import CachedEncoder, HashEncoder, read_version
from matching.cache import EmbeddingCache, text_key
from matching.encoders import FloatMatrix
from tests.builders import accounts as b
from tests.builders import listings as lb


class CountingEncoder:
    """The hash encoder, counting the listing texts it is asked for (not the words a build
    also primes for the reasons); killed at the `fail_after`-th call with listing texts."""

    def __init__(self, listings: set[str], fail_after: int | None = None) -> None:
        self.inner = HashEncoder()
        self.listings = listings
        self.fail_after = fail_after
        self.calls = 0
        self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str]) -> FloatMatrix:
        mine = [t for t in texts if t in self.listings]
        if mine:
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise RuntimeError("killed mid-reindex")
            self.calls += 1
            self.texts += len(mine)
        return self.inner.encode(texts)


def _cached(cache: EmbeddingCache, texts: set[str]) -> int:
    return len(cache.get_many("hash-256", [text_key(t) for t in texts], 256))


def _service(root: Path, encoder: CountingEncoder, cache: EmbeddingCache) -> IndexService:
    return IndexService(root, "hash", encoders={"hash": CachedEncoder(encoder, cache)},
                        save_delay=0, batch_size=2)


def test_an_interrupted_reindex_resumes_from_the_embedding_cache(
        db: Session, index_service: IndexService, tmp_path: Path) -> None:
    institute = b.make_institute_user(db)
    achievements = [lb.make_achievement(db, institute) for _ in range(7)]
    root = index_service.root / "achievements"
    cache = EmbeddingCache(tmp_path / "cache")

    texts = {d.text for d in documents.documents(db, "achievement",
                                                   [a.id for a in achievements]).values()}

    killed = CountingEncoder(texts, fail_after=2)  # two batches of two, then the process dies
    with pytest.raises(RuntimeError, match="killed"):
        _service(index_service.root, killed, cache).rebuild(db, "achievement")
    assert (killed.calls, killed.texts) == (2, 4)
    assert _cached(cache, texts) == 4  # written as it went, a batch at a time
    assert read_version(root) is None  # nothing half-built was published

    again = CountingEncoder(texts)
    result = _service(index_service.root, again, cache).rebuild(db, "achievement")
    assert (again.calls, again.texts) == (2, 3)  # only the last three: a batch of 2, one of 1
    assert result.documents == 7 and read_version(root) == result.version == 1
    assert _cached(cache, texts) == 7

    once_more = CountingEncoder(texts)
    _service(index_service.root, once_more, cache).rebuild(db, "achievement")
    assert (once_more.calls, once_more.texts) == (0, 0)
    fresh = IndexService(index_service.root, "hash").matcher(db, "achievement")
    assert set(fresh.ids()) == {str(a.id) for a in achievements}


def test_the_reindex_command_builds_with_a_chosen_profile_and_shows_its_progress(
        db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    for _ in range(3):
        lb.make_achievement(db, institute)
    result = CliRunner().invoke(cli, ["reindex", "--kind", "achievement", "--profile", "bm25"])
    assert result.exit_code == 0, result.output
    assert "achievement: 3/3 listings encoded and indexed (100 %" in result.output
    assert "achievement: 3 documents, index version 1" in result.output
    assert "(profile bm25)" in result.output
    served = index_service.loaded("achievement")
    assert served is not None and served.profile == "bm25" and served.version == 1

    bad = CliRunner().invoke(cli, ["reindex", "--profile", "bert"])
    assert bad.exit_code == 2 and "unknown matcher profile 'bert'" in bad.output
    assert read_version(index_service.root / "achievements") == 1
