"""The index service: tasks keep it current and are idempotent, other processes pick up new
versions without a restart, and an unusable index on disk is rebuilt, never served."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from backend.listings.models import AchievementStatus, DemandStatus
from backend.matches import tasks
from backend.matches.index import IndexService
from matching import Query, read_version
from tests.builders import accounts as b
from tests.builders import listings as lb


def _ids(service: IndexService, db: Session, kind: str = "achievement") -> set[str]:
    return set(service.matcher(db, kind).ids())  # type: ignore[arg-type]


def test_the_task_indexes_published_listings_and_removes_the_rest_idempotently(
        db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    published = lb.make_achievement(db, institute)
    draft = lb.make_achievement(db, institute, status=AchievementStatus.DRAFT)
    hidden = lb.make_achievement(db, institute, hidden=True)
    owner = b.make_firm_user(db)
    negotiating = lb.make_demand(db, owner, status=DemandStatus.IN_NEGOTIATION)
    closed = lb.make_demand(db, owner, status=DemandStatus.CLOSED)

    # A first use builds the index from the database.
    assert _ids(index_service, db) == {str(published.id)}
    assert _ids(index_service, db, "demand") == {str(negotiating.id)}

    later = lb.make_achievement(db, institute)
    v1 = tasks.index_listing("achievement", later.id)
    assert v1 is not None and _ids(index_service, db) == {str(published.id), str(later.id)}
    assert tasks.index_listing("achievement", later.id) == v1 + 1  # replaced, same content
    assert tasks.index_listing("achievement", draft.id) is None  # nothing to do
    assert tasks.index_listing("achievement", hidden.id) is None
    assert tasks.index_listing("demand", closed.id) is None

    later.status = AchievementStatus.WITHDRAWN
    db.flush()
    assert tasks.index_listing("achievement", later.id) == v1 + 2
    assert tasks.index_listing("achievement", later.id) is None  # already gone
    assert tasks.index_listing("achievement", 99_999_999) is None  # never existed
    assert _ids(index_service, db) == {str(published.id)}
    assert tasks.index_listings("achievement", [published.id, later.id, draft.id]) == v1 + 3


def test_an_edit_replaces_the_indexed_text(db: Session, index_service: IndexService) -> None:
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    tasks.index_listing("achievement", achievement.id)
    matcher = index_service.matcher(db, "achievement")
    assert matcher.search(Query("钙钛矿 光伏组件"))[0].parts.get("bm25", 0) == 0
    achievement.title = "钙钛矿光伏组件封装技术"
    db.flush()
    tasks.index_listing("achievement", achievement.id)
    top = index_service.matcher(db, "achievement").search(Query("钙钛矿 光伏组件"))[0]
    assert top.id == str(achievement.id) and top.parts["bm25"] > 0


def test_a_second_process_picks_up_a_new_version_without_restart(
        db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    first = lb.make_achievement(db, institute)
    api = IndexService(index_service.root, "hash")  # another process: same directory
    assert _ids(api, db) == {str(first.id)}
    loaded = api.matcher(db, "achievement")

    second = lb.make_achievement(db, institute)
    index_service.sync(db, "achievement", [second.id])  # the worker
    assert api.loaded("achievement") is loaded  # nothing happens until the next request
    reloaded = api.matcher(db, "achievement")
    assert reloaded is not loaded
    assert reloaded.version == read_version(index_service.root / "achievements")
    assert set(reloaded.ids()) == {str(first.id), str(second.id)}
    assert api.matcher(db, "achievement") is reloaded  # unchanged version: no reload


def _version_dir(root: Path) -> Path:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return root / str(manifest["dir"])


def test_a_corrupt_index_file_is_rebuilt_on_the_next_load(
        db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    achievements = [lb.make_achievement(db, institute) for _ in range(3)]
    index_service.sync(db, "achievement", [a.id for a in achievements])
    root = index_service.root / "achievements"
    broken_version = read_version(root)
    assert broken_version is not None
    (_version_dir(root) / "ids.json").write_text('["1", "2"', encoding="utf-8")

    fresh = IndexService(index_service.root, "hash")
    matcher = fresh.matcher(db, "achievement")
    assert set(matcher.ids()) == {str(a.id) for a in achievements}
    assert matcher.version > broken_version and read_version(root) == matcher.version
    assert IndexService(index_service.root, "hash").matcher(db, "achievement").version \
        == matcher.version  # the rebuilt one loads cleanly

    # A running process notices a broken manifest on its next request, too.
    (root / "manifest.json").write_text("{not json", encoding="utf-8")
    again = fresh.matcher(db, "achievement")
    assert set(again.ids()) == {str(a.id) for a in achievements}
    assert read_version(root) == again.version


def test_an_index_built_with_another_profile_is_served_as_built_until_a_reindex(
        db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    first, second = lb.make_achievement(db, institute), lb.make_achievement(db, institute)
    lexical_only = IndexService(index_service.root, "bm25", save_delay=0)  # another profile
    lexical_only.sync(db, "achievement", [first.id])
    before = read_version(index_service.root / "achievements")
    assert before is not None
    # This process is configured for the hash encoder: it reads the index as it was built...
    matcher = index_service.matcher(db, "achievement")
    assert matcher.version == before and matcher.profile == "bm25"
    assert set(matcher.search(Query("焊缝识别"))[0].parts) == {"bm25"}
    # ...and keeps it so when it writes (a change of encoder is a reindex, never a side effect)
    index_service.sync(db, "achievement", [second.id])
    assert index_service.matcher(db, "achievement").profile == "bm25"
    result = index_service.rebuild(db, "achievement")  # `techbroker reindex`
    assert (result.profile, result.documents) == ("hash", 2)
    assert lexical_only.refresh("achievement").outcome == "loaded"  # every process follows
    followed = lexical_only.loaded("achievement")
    assert followed is not None and followed.profile == "hash"
    assert "hash" in followed.search(Query("焊缝识别"))[0].parts


def test_an_index_of_a_profile_this_code_does_not_know_is_rebuilt(
        db: Session, index_service: IndexService) -> None:
    achievement = lb.make_achievement(db, b.make_institute_user(db))
    index_service.sync(db, "achievement", [achievement.id])
    root = index_service.root / "achievements"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (root / "manifest.json").write_text(json.dumps({**manifest, "profile": "gone"}),
                                        encoding="utf-8")
    fresh = IndexService(index_service.root, "hash")
    matcher = fresh.matcher(db, "achievement")
    assert matcher.version == manifest["version"] + 1 and matcher.profile == "hash"
    assert set(matcher.ids()) == {str(achievement.id)}


def test_a_rebuild_reflects_the_database(db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    kept = lb.make_achievement(db, institute)
    dropped = lb.make_achievement(db, institute)
    index_service.sync(db, "achievement", [kept.id, dropped.id])
    dropped.hidden = True  # e.g. its index task was lost
    db.flush()
    result = index_service.rebuild(db, "achievement")
    assert result.documents == 1 and result.kind == "achievement"
    assert _ids(index_service, db) == {str(kept.id)}
    assert result.version == read_version(index_service.root / "achievements")


def test_changes_close_together_are_saved_together(db: Session, index_service: IndexService
                                                   ) -> None:
    institute = b.make_institute_user(db)
    first, second = lb.make_achievement(db, institute), lb.make_achievement(db, institute)
    root = index_service.root / "achievements"
    worker = IndexService(index_service.root, "hash", save_delay=3600)  # flushed by hand here
    try:
        worker.matcher(db, "achievement")
        saved = read_version(root)
        third = lb.make_achievement(db, institute)
        fourth = lb.make_achievement(db, institute)
        assert worker.sync(db, "achievement", [third.id]) is None
        assert worker.sync(db, "achievement", [fourth.id]) is None
        # The writer's own readers see the changes at once; the disk waits for the save.
        assert _ids(worker, db) == {str(a.id) for a in (first, second, third, fourth)}
        assert read_version(root) == saved
        assert (index_service.root / ".achievements.unsaved").exists()
        assert [s.unsaved for s in worker.status() if s.kind == "achievement"] == [True]
        worker.flush()
        assert read_version(root) == (saved or 0) + 1
        assert not (index_service.root / ".achievements.unsaved").exists()
        assert _ids(IndexService(index_service.root, "hash"), db) == {
            str(a.id) for a in (first, second, third, fourth)}
    finally:
        worker.close()


def test_unsaved_changes_of_a_writer_that_died_are_rebuilt(db: Session,
                                                          index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    first = lb.make_achievement(db, institute)
    worker = IndexService(index_service.root, "hash", save_delay=3600)
    worker.matcher(db, "achievement")
    second = lb.make_achievement(db, institute)
    worker.sync(db, "achievement", [second.id])
    # Another process meanwhile serves what is on disk and waits for the writer.
    other = IndexService(index_service.root, "hash")
    assert _ids(other, db) == {str(first.id)}
    # The writer dies: its lock goes with it, the marker stays.
    slot = worker._slots["achievement"]
    assert slot.timer is not None and slot.lock_file is not None
    slot.timer.cancel()
    slot.lock_file.close()
    slot.lock_file = None
    fresh = IndexService(index_service.root, "hash")
    assert _ids(fresh, db) == {str(first.id), str(second.id)}
    assert not (index_service.root / ".achievements.unsaved").exists()
    assert _ids(other, db) == {str(first.id), str(second.id)}  # picks up the rebuilt version


def test_the_next_writer_repairs_what_a_dead_writer_left_unsaved(
        db: Session, index_service: IndexService) -> None:
    institute = b.make_institute_user(db)
    first = lb.make_achievement(db, institute)
    index_service.matcher(db, "achievement")  # a process that already has the index loaded
    worker = IndexService(index_service.root, "hash", save_delay=3600)
    second = lb.make_achievement(db, institute)
    worker.sync(db, "achievement", [second.id])
    slot = worker._slots["achievement"]
    assert slot.timer is not None and slot.lock_file is not None
    slot.timer.cancel()
    slot.lock_file.close()  # the worker dies
    slot.lock_file = None
    third = lb.make_achievement(db, institute)
    index_service.sync(db, "achievement", [third.id])  # the next writer
    assert _ids(index_service, db) == {str(first.id), str(second.id), str(third.id)}
    assert not (index_service.root / ".achievements.unsaved").exists()
