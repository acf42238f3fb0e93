"""The two matcher indexes (demands, achievements) of this process: load, reload, update, rebuild.

    var/index/demands/        the demands corpus (what achievements are matched against)
    var/index/achievements/   the achievements corpus (what demands are matched against)
    var/index/.<corpus>.writer.lock   held by the process that changes a corpus on disk
    var/index/.<corpus>.unsaved       present while that process holds unsaved changes

Readers (API processes) load an index at first use and, on every request, compare the
version they hold with the one in the manifest (`matching.read_version`: one small file
read); a different version is loaded and swapped in without a restart. An index that is
missing, corrupt or built with another model or tokeniser is rebuilt from the database
under the writer lock, never served.

Writers (Celery workers, or the API process itself when tasks run eagerly) take the corpus's
writer lock (a file lock, so processes take turns), reload if another process saved a newer
version meanwhile, read the listings from the database, and apply the change in memory,
where this process's readers see it at once. Saving writes the whole index, so it is
grouped: the first change starts a short window (`save_delay`) during which the writer keeps
the lock and further changes join; then one save publishes them all and lets the lock go.
A bulk import of a thousand listings costs a few saves, not a thousand. Should the writer
die inside the window, the `.unsaved` marker outlives it with no one holding the lock: the
next process to load that corpus rebuilds it from the database.

A full rebuild (`rebuild`) reads the whole corpus without the lock, then under it catches
up with listings changed while it was reading, and publishes.

Searches go through `search`, which keeps the most recent results of this process (LRU,
`RESULT_CACHE_SIZE`) keyed by the query and the state of the index they came from: every
change to a corpus in this process (a task's update, a rebuild, a newer version loaded)
moves it to a new generation, so a cached result is never older than the index that would
answer again. Only the ranking is cached; who may see what is checked on every request.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from backend.config import get_settings
from backend.core.types import utcnow
from backend.matches import documents
from backend.matches.documents import CORPUS, KINDS, Kind
from matching import (
    Document,
    Encoder,
    IndexCorrupt,
    IndexMismatch,
    IndexNotFound,
    Matcher,
    MatcherConfig,
    MatchingError,
    Query,
    Result,
    config_for,
    get_encoder,
    read_version,
)

log = logging.getLogger(__name__)

# A change committed this long before a rebuild started reading might not be in what it read.
CATCH_UP_MARGIN = timedelta(seconds=5)
UNCACHED_PROFILES = frozenset({"hash", "bm25"})
SAVE_DELAY = 1.0  # seconds changes may wait to be saved together (other processes see them then)
RESULT_CACHE_SIZE = 512  # searches whose results this process keeps
MAX_TRACKED_CHANGES = 50_000  # listings re-indexed in one epoch before it is closed


@dataclass
class _Slot:
    kind: Kind
    directory: Path
    lock_path: Path
    marker: Path  # exists while a writer holds unsaved changes
    matcher: Matcher | None = None
    load_lock: threading.Lock = field(default_factory=threading.Lock)
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    lock_file: IO[str] | None = None  # the flock'ed writer lock, while this process holds it
    depth: int = 0  # nesting of `_writer` blocks (under write_lock)
    dirty: bool = False  # changes in memory not yet saved (the writer lock stays held)
    timer: threading.Timer | None = None
    generation: int = 0  # moves on with every change to `matcher` or its contents
    epoch: int = 0  # moves on when another `matcher` is served (loaded, rebuilt)
    changed: dict[int, int] = field(default_factory=dict)  # listing → generation, this epoch


class ResultCache:
    """The most recently used search results (thread-safe LRU)."""

    def __init__(self, size: int = RESULT_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, list[Result]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> list[Result] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, results: list[Result]) -> None:
        with self._lock:
            self._items[key] = results
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class CorpusStatus:
    kind: Kind
    corpus: str
    loaded_version: int | None
    disk_version: int | None
    documents: int | None
    unsaved: bool


@dataclass(frozen=True)
class RebuildResult:
    kind: Kind
    documents: int
    version: int
    seconds: float


class IndexService:
    def __init__(self, root: Path, profile: str = "default", *, cache_dir: Path | None = None,
                 encoders: Mapping[str, Encoder] | None = None,
                 save_delay: float = SAVE_DELAY) -> None:
        self.root = root
        self.profile = profile
        self.save_delay = save_delay
        self.config: MatcherConfig = config_for(profile)
        # One encoder per channel for both corpora and every reload: models load once.
        self.encoders: dict[str, Encoder] = dict(encoders or {})
        for channel in self.config.encoders:
            if channel not in self.encoders:
                self.encoders[channel] = get_encoder(channel, cache_dir=cache_dir)
        self._slots = {kind: _Slot(kind, root / CORPUS[kind],
                                   root / f".{CORPUS[kind]}.writer.lock",
                                   root / f".{CORPUS[kind]}.unsaved") for kind in KINDS}
        self.results = ResultCache()

    # ---- reading ---------------------------------------------------------------------------
    def matcher(self, session: Session, kind: Kind) -> Matcher:
        """The current index of `kind`: loaded at first use, reloaded when a newer version was
        saved, rebuilt from the database when missing or unusable (never served then)."""
        slot = self._slots[kind]
        current = slot.matcher
        if current is not None and not self._stale(slot, current):
            return current
        with slot.load_lock:
            current = slot.matcher
            if current is not None and not self._stale(slot, current):
                return current
            try:
                if self._abandoned(slot):
                    raise IndexCorrupt(f"{slot.directory}: a writer died with unsaved changes")
                return self._serve(slot, self._load(slot))
            except IndexNotFound:
                log.info("no %s index yet in %s: building it", CORPUS[kind], slot.directory)
            except (IndexCorrupt, IndexMismatch) as exc:
                log.warning("%s index unusable, rebuilding it: %s", CORPUS[kind], exc)
        # Lock order everywhere: the writer lock first, then the load lock.
        with self._writer(slot), slot.load_lock:
            current = slot.matcher
            if current is not None and not self._stale(slot, current):
                return current
            try:  # another thread or process may have rebuilt it while we waited
                if not slot.marker.exists():
                    return self._serve(slot, self._load(slot))
            except (IndexNotFound, IndexCorrupt, IndexMismatch):
                pass
            matcher = self._build(session, kind)
            self._publish(slot, matcher)
            log.info("%s index rebuilt: %d documents, version %d", CORPUS[kind], len(matcher),
                     matcher.version)
            return matcher

    def search(self, kind: Kind, matcher: Matcher, query: Query) -> list[Result]:
        """`matcher.search(query)`, answered from the results kept for the same query on the
        same state of the index when there are any. `matcher` is what `matcher()` returned."""
        slot = self._slots[kind]
        # Read the generation before searching: a change landing meanwhile moves it on, so
        # what is stored here is at least as new as the generation it is filed under.
        key = (kind, id(matcher), slot.generation, query)
        found = self.results.get(key)
        if found is not None:
            return found
        results = matcher.search(query)
        if matcher is slot.matcher:
            self.results.put(key, results)
        return results

    def state(self, kind: Kind) -> tuple[int, int]:
        """(epoch, generation) of the index of `kind` in this process: the epoch moves on when
        another index is served (loaded from disk, rebuilt), the generation with any change."""
        slot = self._slots[kind]
        return slot.epoch, slot.generation

    def changed_since(self, kind: Kind, epoch: int, generation: int) -> set[int] | None:
        """The listings this process re-indexed after `generation` of `epoch`, or None when
        the index served since is another one (what changed is then unknown)."""
        slot = self._slots[kind]
        if slot.epoch != epoch:
            return None
        changed = dict(slot.changed)
        if slot.epoch != epoch:
            return None
        return {i for i, g in changed.items() if g > generation}

    @staticmethod
    def _serve(slot: _Slot, matcher: Matcher) -> Matcher:
        if slot.matcher is not matcher:
            slot.epoch += 1
            slot.changed = {}
        slot.matcher = matcher
        slot.generation += 1
        return matcher

    def loaded(self, kind: Kind) -> Matcher | None:
        """The index of `kind` if this process has loaded it (never loads or rebuilds)."""
        return self._slots[kind].matcher

    def sizes(self) -> dict[str, int]:
        """Documents per loaded index, for /metrics."""
        return {CORPUS[k]: len(m) for k in KINDS if (m := self._slots[k].matcher) is not None}

    def status(self) -> list[CorpusStatus]:
        out = []
        for kind in KINDS:
            slot = self._slots[kind]
            try:
                disk = read_version(slot.directory)
            except MatchingError:
                disk = None
            m = slot.matcher
            out.append(CorpusStatus(kind, CORPUS[kind], m.version if m else None, disk,
                                    len(m) if m else None, slot.dirty))
        return out

    @staticmethod
    def _stale(slot: _Slot, matcher: Matcher) -> bool:
        try:
            return read_version(slot.directory) != matcher.version
        except MatchingError:  # an unreadable manifest: load (and so rebuild) again
            return True

    def _load(self, slot: _Slot) -> Matcher:
        return Matcher.load(slot.directory, self.config, encoders=self.encoders)

    @staticmethod
    def _abandoned(slot: _Slot) -> bool:
        """Unsaved changes left by a writer that is gone (its lock is free): the index on disk
        lacks them."""
        if slot.lock_file is not None or not slot.marker.exists():
            return False
        try:
            with open(slot.lock_path, "a") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fh, fcntl.LOCK_UN)
        except BlockingIOError:
            return False  # a live writer: it will save
        return True

    # ---- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writer(self, slot: _Slot) -> Iterator[None]:
        """The corpus's writer lock: one writer at a time, across threads and processes.
        Re-entrant; kept after the block while changes wait to be saved."""
        with slot.write_lock:
            if slot.lock_file is None:
                self.root.mkdir(parents=True, exist_ok=True)
                fh = open(slot.lock_path, "a")  # noqa: SIM115 — held across calls, closed in _unlock
                fcntl.flock(fh, fcntl.LOCK_EX)
                slot.lock_file = fh
            slot.depth += 1
            try:
                yield
            finally:
                slot.depth -= 1
                if slot.depth == 0 and not slot.dirty:
                    self._unlock(slot)

    @staticmethod
    def _unlock(slot: _Slot) -> None:
        fh, slot.lock_file = slot.lock_file, None
        if fh is not None:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def _publish(self, slot: _Slot, matcher: Matcher) -> int:
        """Save `matcher` as the new version and serve it (under the writer lock)."""
        version = matcher.save(slot.directory)
        self._serve(slot, matcher)
        slot.dirty = False
        if slot.timer is not None:
            slot.timer.cancel()
            slot.timer = None
        slot.marker.unlink(missing_ok=True)
        return version

    def _changed(self, slot: _Slot, matcher: Matcher) -> int | None:
        """Save now, or within `save_delay` together with whatever else changes meanwhile."""
        if self.save_delay <= 0:
            return self._publish(slot, matcher)
        if not slot.dirty:
            slot.marker.touch()
            slot.dirty = True
            slot.timer = threading.Timer(self.save_delay, self.flush, args=(slot.kind,))
            slot.timer.daemon = True
            slot.timer.start()
        return None

    def flush(self, kind: Kind | None = None) -> None:
        """Save waiting changes now (the timer does this `save_delay` after the first one)."""
        for k in [kind] if kind else list(KINDS):
            slot = self._slots[k]
            with slot.write_lock:
                if slot.dirty and slot.matcher is not None:
                    self._publish(slot, slot.matcher)
                if slot.depth == 0 and not slot.dirty:
                    self._unlock(slot)

    def close(self) -> None:
        """Save waiting changes and let the writer locks go (process exit, tests)."""
        self.flush()

    def sync(self, session: Session, kind: Kind, listing_ids: Iterable[int]) -> int | None:
        """Make the index agree with the database for these listings: an indexed listing is
        added or replaced, any other (or a missing one) removed. Idempotent. Returns the
        version saved, or None when nothing changed or the save is grouped with later ones."""
        ids = sorted(set(listing_ids))
        if not ids:
            return None
        slot = self._slots[kind]
        with self._writer(slot):
            if not slot.dirty and slot.marker.exists():  # a writer died with unsaved changes
                log.warning("%s index lost unsaved changes: rebuilding it", CORPUS[kind])
                with slot.load_lock:
                    self._publish(slot, self._build(session, kind))
            matcher = self.matcher(session, kind)
            # Read the listings only now, under the lock: the newest state wins.
            docs = documents.documents(session, kind, ids)
            removed = matcher.remove([str(i) for i in ids if i not in docs])
            if docs:
                matcher.add(docs.values())
            if not docs and not removed:
                return None
            slot.generation += 1
            if len(slot.changed) >= MAX_TRACKED_CHANGES:
                slot.epoch += 1  # followers re-read everything rather than this list
                slot.changed = {}
            slot.changed.update(dict.fromkeys(ids, slot.generation))
            return self._changed(slot, matcher)

    def rebuild(self, session: Session, kind: Kind) -> RebuildResult:
        """Rebuild `kind` from the database and publish it as a new version."""
        slot = self._slots[kind]
        started_clock = time.perf_counter()
        started = utcnow()
        matcher = self._build(session, kind)
        with self._writer(slot):
            # Catch up with what changed while we read: deletions and recent changes.
            live = documents.indexed_ids(session, kind)
            matcher.remove([i for i in matcher.ids() if int(i) not in live])
            recent = documents.changed_since(session, kind, started - CATCH_UP_MARGIN)
            docs = documents.documents(session, kind, recent)
            matcher.remove([str(i) for i in recent if i not in docs])
            if docs:
                matcher.add(docs.values())
            matcher.compact()
            with slot.load_lock:
                version = self._publish(slot, matcher)
        seconds = time.perf_counter() - started_clock
        log.info("%s index rebuilt: %d documents, version %d, %.1f s", CORPUS[kind],
                 len(matcher), version, seconds)
        return RebuildResult(kind, len(matcher), version, seconds)

    def _build(self, session: Session, kind: Kind) -> Matcher:
        matcher = Matcher(CORPUS[kind], self.config, encoders=self.encoders)
        batch: list[Document]
        for batch in documents.iter_documents(session, kind):
            matcher.add(batch)
        return matcher


# ---- the process's service ---------------------------------------------------------------------

_service: IndexService | None = None
_service_lock = threading.Lock()


def service_from_settings() -> IndexService:
    settings = get_settings()
    profile = settings.matching_encoder
    cache = None if profile in UNCACHED_PROFILES else settings.var_dir / "cache" / "embeddings"
    return IndexService(settings.index_dir, profile, cache_dir=cache)


def get_index_service() -> IndexService:
    global _service
    if _service is None:
        with _service_lock:
            if _service is None:
                _service = service_from_settings()
    return _service


def use_index_service(service: IndexService | None) -> None:
    """Replace the process's service (tests point it at a temporary directory)."""
    global _service
    with _service_lock:
        _service = service


@atexit.register
def _save_on_exit() -> None:
    if _service is not None:
        _service.close()


def index_sizes() -> dict[str, int]:
    """For /metrics: sizes of the indexes this process has loaded (never loads one)."""
    return _service.sizes() if _service is not None else {}
