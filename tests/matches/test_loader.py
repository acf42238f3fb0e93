"""The index is never loaded on a request's path: a background loader swaps new versions in,
requests answer from the version they found, a version that is half-written or cannot be
served is never picked up, and with no index yet requests answer at once with nothing."""

from __future__ import annotations

import fcntl
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.config import get_settings
from backend.matches import index as index_module
from backend.matches.documents import Kind
from backend.matches.index import IndexService
from backend.matches.loader import IndexLoader
from matching import Encoder, Matcher, MatcherConfig, Query, read_version
from tests.builders import accounts as b
from tests.builders import listings as lb

WAIT = 60.0  # seconds a test waits for the loader thread before it fails (never a pause)


class SlowLoad:
    """`Matcher.load`, held up when armed until the test releases it."""

    def __init__(self) -> None:
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, directory: Path, config: MatcherConfig, *,
                 encoders: Mapping[str, Encoder]) -> Matcher:
        self.calls += 1
        matcher = Matcher.load(directory, config, encoders=encoders)
        if self.armed:  # the next load only: read, then slow to finish
            self.armed = False
            self.entered.set()
            if not self.release.wait(WAIT):
                raise AssertionError("the test never released the load")
        return matcher


@pytest.fixture
def api(index_service: IndexService) -> Iterator[tuple[IndexService, SlowLoad]]:
    """An API process's service on the worker's index directory; requests go through it."""
    load = SlowLoad()
    service = IndexService(index_service.root, "hash", load=load)
    index_module.use_index_service(service)
    yield service, load
    index_module.use_index_service(index_service)


def _ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_requests_during_a_slow_reload_are_answered_from_the_old_version(
        client: TestClient, db: Session, index_service: IndexService,
        api: tuple[IndexService, SlowLoad]) -> None:
    service, load = api
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user)
    institute = b.make_institute_user(db)
    first = lb.make_achievement(db, institute, title="焊缝识别一")
    v1 = index_service.rebuild(db, "achievement").version  # the worker
    assert service.refresh("achievement").outcome == "loaded"
    url = f"/api/v1/demands/{demand.id}/matches"
    assert _ids(client.get(url, headers=firm.headers).json()) == [first.id]

    second = lb.make_achievement(db, institute, title="焊缝识别二")
    v2 = index_service.sync(db, "achievement", [second.id])  # a new version is published
    assert v2 == v1 + 1
    load.armed = True
    loader = IndexLoader(service, poll_seconds=3600, request_build=None)
    loader.start()
    try:
        assert load.entered.wait(WAIT)  # the loader is inside the (slow) load of v2
        for _ in range(3):  # requests go on meanwhile, answered from v1 without waiting
            r = client.get(url, headers=firm.headers)
            assert r.status_code == 200
            assert r.json()["index_version"] == v1 and _ids(r.json()) == [first.id]
        assert client.get("/healthz").status_code == 200
        assert loader.finished == 0  # still loading: nothing above waited for it
        load.release.set()
        assert loader.wait(0, WAIT)  # the first pass (the load of v2) is over
        r = client.get(url, headers=firm.headers)
        assert r.json()["index_version"] == v2
        assert set(_ids(r.json())) == {first.id, second.id}
    finally:
        load.release.set()
        loader.stop()
    assert load.calls == 2  # v1 at first, v2 in the background; never by a request


def test_a_request_keeps_the_index_it_found_when_a_newer_one_is_swapped_in(
        db: Session, index_service: IndexService, api: tuple[IndexService, SlowLoad]) -> None:
    from backend.matches import service as matches

    service, _ = api
    institute = b.make_institute_user(db)
    lb.make_achievement(db, institute)
    index_service.rebuild(db, "achievement")
    service.refresh("achievement")
    found = matches._searcher("achievement")
    index_service.sync(db, "achievement", [lb.make_achievement(db, institute).id])
    assert service.refresh("achievement").outcome == "loaded"
    served = service.loaded("achievement")
    assert served is not None and served.version == found.version + 1
    assert len(found.search(Query("焊缝识别", top_k=10))) == 1  # the old one, to the end


def test_with_no_index_yet_requests_answer_at_once_and_the_loader_asks_for_a_build(
        client: TestClient, db: Session, index_service: IndexService,
        api: tuple[IndexService, SlowLoad]) -> None:
    service, _ = api
    firm = b.login_as(db, b.make_firm_user(db))
    demand = lb.make_demand(db, firm.user)
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    url = f"/api/v1/demands/{demand.id}/matches"
    # A build holds the writer lock elsewhere: a request neither builds nor waits for it.
    index_service.root.mkdir(parents=True, exist_ok=True)
    with open(index_service.root / ".achievements.writer.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        answers: list[Any] = []
        request = threading.Thread(
            target=lambda: answers.append(client.get(url, headers=firm.headers)))
        request.start()
        request.join(WAIT)  # a guard against hanging, not a measure of time
        assert not request.is_alive(), "the request waited for the writer lock"
        fcntl.flock(held, fcntl.LOCK_UN)
    assert answers[0].status_code == 200
    assert answers[0].json()["items"] == [] and answers[0].json()["index_version"] == 0
    assert not (index_service.root / "achievements").exists()  # nothing was built

    asked: list[tuple[Kind, int | None]] = []
    loader = IndexLoader(service, poll_seconds=3600,
                         request_build=lambda kind, bad: asked.append((kind, bad)))
    assert [r.outcome for r in loader.run_once()] == ["missing", "missing"]
    loader.run_once()  # asked once, not at every poll
    assert asked == [("demand", None), ("achievement", None)]

    index_service.ensure(db, "achievement")  # what the worker does when asked
    assert [r.outcome for r in loader.run_once()] == ["missing", "loaded"]
    assert _ids(client.get(url, headers=firm.headers).json()) == [achievement.id]


def test_a_half_written_version_is_never_picked_up(
        db: Session, index_service: IndexService, api: tuple[IndexService, SlowLoad],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import matching.matcher

    service, load = api
    institute = b.make_institute_user(db)
    lb.make_achievement(db, institute)
    v1 = index_service.rebuild(db, "achievement").version
    assert service.refresh("achievement").outcome == "loaded"
    root = index_service.root / "achievements"

    # A writer dies after writing a version's files, before the manifest names it.
    def killed(*_: Any, **__: Any) -> None:
        raise RuntimeError("the writer is killed")

    later = lb.make_achievement(db, institute)
    monkeypatch.setattr(matching.matcher, "publish", killed)
    with pytest.raises(RuntimeError, match="killed"):
        index_service.sync(db, "achievement", [later.id])
    monkeypatch.undo()
    assert (root / f"v{v1 + 1:06d}" / "ids.json").exists()  # written, not published
    (root / ".manifest-half.json").write_text('{"version": 99', encoding="utf-8")  # a torn one
    assert service.refresh("achievement").outcome == "unchanged"
    assert read_version(root) == v1 and load.calls == 1
    served = service.loaded("achievement")
    assert served is not None and served.version == v1 and len(served) == 1


def test_a_corrupt_new_version_leaves_the_old_one_serving_and_is_logged(
        db: Session, index_service: IndexService, api: tuple[IndexService, SlowLoad],
        caplog: pytest.LogCaptureFixture) -> None:
    service, load = api
    institute = b.make_institute_user(db)
    lb.make_achievement(db, institute)
    v1 = index_service.rebuild(db, "achievement").version
    service.refresh("achievement")
    v2 = index_service.sync(db, "achievement", [lb.make_achievement(db, institute).id])
    root = index_service.root / "achievements"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (root / manifest["dir"] / "ids.json").write_text('["1"', encoding="utf-8")

    asked: list[tuple[Kind, int | None]] = []
    loader = IndexLoader(service, poll_seconds=3600,
                         request_build=lambda kind, bad: asked.append((kind, bad)))
    with caplog.at_level(logging.WARNING, logger="backend.matches.index"):
        refresh = loader.run_once()[1]
        loader.run_once()  # not loaded again, not logged again
    assert (refresh.outcome, refresh.version, refresh.bad) == ("unusable", v1, v2)
    served = service.loaded("achievement")
    assert served is not None and served.version == v1 and len(served) == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert f"achievements index version {v2} on disk cannot be served" in warnings[0]
    assert f"still serving version {v1}" in warnings[0] and "checksum mismatch" in warnings[0]
    assert load.calls == 2 and asked == [("demand", None), ("achievement", v2)]

    # Asked, the worker finds the version still broken and rebuilds it; the loader swaps.
    assert index_service.ensure(db, "achievement", v2) == v2 + 1
    assert loader.run_once()[1].outcome == "loaded"
    served = service.loaded("achievement")
    assert served is not None and served.version == v2 + 1 and len(served) == 2


def test_the_loader_thread_starts_and_stops_with_the_app(
        app: Any, db: Session, index_service: IndexService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from backend import worker

    lb.make_achievement(db, b.make_institute_user(db))
    for kind in ("demand", "achievement"):
        index_service.rebuild(db, kind)  # type: ignore[arg-type]
    monkeypatch.setattr(get_settings(), "index_poll_seconds", 3600.0)

    def running() -> list[str]:
        return sorted(t.name for t in threading.enumerate()
                      if t.name in ("index-loader", "background-tasks") and t.is_alive())

    assert running() == []
    with TestClient(app):
        assert running() == ["background-tasks", "index-loader"]  # eager: both
        assert worker._background is not None
        assert "matching.index_listing" in worker._background.names
    assert running() == [] and worker._background is None


def test_an_unreadable_manifest_is_logged_once_and_the_old_version_kept(
        db: Session, index_service: IndexService, api: tuple[IndexService, SlowLoad],
        caplog: pytest.LogCaptureFixture) -> None:
    service, _ = api
    lb.make_achievement(db, b.make_institute_user(db))
    v1 = index_service.rebuild(db, "achievement").version
    service.refresh("achievement")
    (index_service.root / "achievements" / "manifest.json").write_text("{not json",
                                                                      encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="backend.matches.index"):
        outcomes = [service.refresh("achievement") for _ in range(3)]
    assert {(r.outcome, r.version, r.build) for r in outcomes} == {("unusable", v1, True)}
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    served = service.loaded("achievement")
    assert served is not None and served.version == v1


def test_a_slow_load_never_replaces_a_newer_index_this_process_wrote_meanwhile(
        db: Session, index_service: IndexService, api: tuple[IndexService, SlowLoad]) -> None:
    service, load = api
    institute = b.make_institute_user(db)
    lb.make_achievement(db, institute)
    index_service.rebuild(db, "achievement")
    service.refresh("achievement")
    v2 = index_service.sync(db, "achievement", [lb.make_achievement(db, institute).id])
    load.armed = True
    loading = threading.Thread(target=service.refresh, args=("achievement",))
    loading.start()
    try:
        assert load.entered.wait(WAIT)  # the background load of v2 is under way
        # Meanwhile this process's own writer (tasks run here without a broker) moves on.
        service.save_delay = 0
        v3 = service.sync(db, "achievement", [lb.make_achievement(db, institute).id])
        assert v2 is not None and v3 == v2 + 1
    finally:
        load.release.set()
        loading.join(WAIT)
    served = service.loaded("achievement")
    assert served is not None and served.version == v3 and len(served) == 3
