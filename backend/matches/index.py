"""The two matcher indexes (demands, achievements) of this process: load, reload, update, rebuild.

    INDEX_DIR/demands/        the demands corpus (what achievements are matched against)
    INDEX_DIR/achievements/   the achievements corpus (what demands are matched against)
    INDEX_DIR/.<corpus>.writer.lock   held by the process that changes a corpus on disk
    INDEX_DIR/.<corpus>.unsaved       present while that process holds unsaved changes

INDEX_DIR (default VAR_DIR/index) may be a volume shared by several hosts: each version is
published by writing its files first and the manifest last, by rename (`matching.persist`).

Requests never load, build or wait for an index. They read the reference this process
serves (`loaded`) once and use that index to the end, even if a newer one is swapped in
meanwhile; with none yet they find nothing. A background loader (`backend.matches.loader`,
one thread per API process) calls `refresh`, which compares the version served with the one
in the manifest (one small file read), loads a different one off the request path and swaps
the reference. A version that cannot be loaded (corrupt, built with a model or tokeniser
this code does not know) is logged and never served; the one served before stays. The
loader then asks a writer to repair it (`matching.ensure_index`), as it does when there is
no index at all.

A version is loaded with the profile it was built with (the manifest names it), whatever
MATCHING_ENCODER says: that setting is the profile new builds use. Changing the encoder is a
rebuild (`techbroker reindex`): the embedding cache, written a batch at a time, makes it
resumable, and every process follows the version it publishes.

Writers (Celery workers, the CLI, or the API process's background thread when tasks run
eagerly: `backend.worker.BackgroundTasks`) take the corpus's
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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Literal, Protocol

from sqlalchemy.orm import Session

from backend.config import get_settings
from backend.core.types import utcnow
from backend.matches import documents, explain
from backend.matches.documents import CORPUS, KINDS, Kind
from matching import (
    CachedEncoder,
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
from matching.persist import read_manifest

log = logging.getLogger(__name__)

# A change committed this long before a rebuild started reading might not be in what it read.
CATCH_UP_MARGIN = timedelta(seconds=5)
UNCACHED_CHANNELS = frozenset({"hash"})  # instant to compute: not worth a cache look-up
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
    refresh_lock: threading.Lock = field(default_factory=threading.Lock)  # one refresh at a time
    # what `refresh` could not serve, logged once: a version (not loaded again) or the error
    # of a manifest it could not read
    bad: int | str | None = None


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
    profile: str = "default"


@dataclass(frozen=True)
class Refresh:
    """What one `refresh` of a corpus found."""

    kind: Kind
    # unchanged: the version served is the one on disk; loaded: a new version was swapped in;
    # missing: no index on disk; unusable: the manifest or the version it names cannot be
    # served; deferred: this process holds changes of its own not yet saved (it is the writer)
    outcome: Literal["unchanged", "loaded", "missing", "unusable", "deferred"]
    version: int | None  # the version served afterwards
    build: bool = False  # a writer should build or repair the index on disk
    bad: int | None = None  # the version on disk that could not be served, if known


class LoadIndex(Protocol):
    def __call__(self, directory: Path, config: MatcherConfig, *,
                 encoders: Mapping[str, Encoder]) -> Matcher: ...


Progress = Callable[[int, int], None]  # (listings encoded so far, listings to encode)


class IndexService:
    def __init__(self, root: Path, profile: str = "default", *, cache_dir: Path | None = None,
                 encoders: Mapping[str, Encoder] | None = None,
                 save_delay: float = SAVE_DELAY, batch_size: int = documents.CHUNK,
                 load: LoadIndex = Matcher.load) -> None:
        self.root = root
        self.profile = profile  # what a build uses; a version on disk is read as it was built
        self.save_delay = save_delay
        self.batch_size = batch_size  # listings read and encoded at a time by a build
        self.config: MatcherConfig = config_for(profile)
        self.cache_dir = cache_dir
        # One encoder per channel for both corpora, every profile and every reload: models
        # load once. Replaced, never changed in place (other threads iterate it).
        self.encoders: dict[str, Encoder] = dict(encoders or {})
        self._encoders_lock = threading.Lock()
        self._load_index = load
        self._encoders_for(self.config)
        self._slots = {kind: _Slot(kind, root / CORPUS[kind],
                                   root / f".{CORPUS[kind]}.writer.lock",
                                   root / f".{CORPUS[kind]}.unsaved") for kind in KINDS}
        self.results = ResultCache()

    def _encoders_for(self, config: MatcherConfig) -> dict[str, Encoder]:
        with self._encoders_lock:
            missing = [ch for ch in config.encoders if ch not in self.encoders]
            if missing:
                self.encoders = {**self.encoders, **{ch: get_encoder(
                    ch, cache_dir=None if ch in UNCACHED_CHANNELS else self.cache_dir)
                    for ch in missing}}
            return {ch: self.encoders[ch] for ch in config.encoders}

    # ---- serving (API processes) -------------------------------------------------------------
    def refresh(self, kind: Kind) -> Refresh:
        """Serve the version of `kind` the manifest names, if it is not the one served: load
        it here (seconds at a million listings) and swap the reference. For the background
        loader, never a request. A version that cannot be loaded is logged once and not
        retried; whatever was served before stays."""
        slot = self._slots[kind]
        with slot.refresh_lock:
            served = slot.matcher
            served_version = None if served is None else served.version
            try:
                version = int(read_manifest(slot.directory)["version"])
            except FileNotFoundError:
                return Refresh(kind, "missing", served_version, build=True)
            except MatchingError as exc:
                self._unusable(slot, f"manifest: {exc}", served_version, exc)
                return Refresh(kind, "unusable", served_version, build=True)
            abandoned = self._abandoned(slot)
            if served_version == version:
                return Refresh(kind, "unchanged", version, build=abandoned)
            if slot.dirty or slot.lock_file is not None:
                return Refresh(kind, "deferred", served_version)
            if slot.bad == version:
                return Refresh(kind, "unusable", served_version, build=True, bad=version)
            started = time.perf_counter()
            try:
                fresh = self._load(slot)
                self._warm(fresh)
            except IndexNotFound:
                return Refresh(kind, "missing", served_version, build=True)
            except Exception as exc:  # corrupt, another model, a model that will not load
                self._unusable(slot, version, served_version, exc)
                return Refresh(kind, "unusable", served_version, build=True, bad=version)
            # The same lock order as writers: theirs first, then the load lock.
            with slot.write_lock, slot.load_lock:
                if slot.dirty or slot.lock_file is not None:  # a writer here began meanwhile
                    return Refresh(kind, "deferred", served_version)
                current = slot.matcher
                try:
                    on_disk = read_version(slot.directory)
                except MatchingError:
                    on_disk = fresh.version
                # What this process serves may have moved on while we loaded (its own writer
                # saved a newer version): keep it when it is what the disk names now.
                if current is not None and current.version in (fresh.version, on_disk):
                    return Refresh(kind, "unchanged", current.version, build=abandoned)
                self._serve(slot, fresh)
            log.info("%s index version %d loaded in the background and served: %d documents, "
                     "profile %s, %.1f s", CORPUS[kind], fresh.version, len(fresh),
                     fresh.profile, time.perf_counter() - started)
            return Refresh(kind, "loaded", fresh.version, build=abandoned)

    @staticmethod
    def _unusable(slot: _Slot, bad: int | str, served: int | None, exc: BaseException) -> None:
        if slot.bad == bad:
            return
        slot.bad = bad
        log.warning("%s index version %s on disk cannot be served (%s); still serving %s",
                    CORPUS[slot.kind], bad if isinstance(bad, int) else "?", exc,
                    "nothing" if served is None else f"version {served}")

    @staticmethod
    def _warm(matcher: Matcher) -> None:
        """Load the models a query to `matcher` needs, before a request does (past the cache:
        a cached warm-up text would not load them)."""
        for channel in matcher.config.encoders:
            encoder = matcher.encoder(channel)
            getattr(encoder, "inner", encoder).encode(["预热 warm-up"])

    # ---- reading (writers, the CLI, tests) ------------------------------------------------------
    def matcher(self, session: Session, kind: Kind) -> Matcher:
        """The current index of `kind` for a writer: loaded at first use, reloaded when a
        newer version was saved, rebuilt from the database when missing or unusable (never
        served then). May take seconds and wait for the writer lock: never on a request's
        path, where `loaded` is what there is."""
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
        """The index of `kind` this process serves now, if any: what a request uses. Never
        loads, builds or waits (one attribute read; a swap replaces the reference)."""
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
        """The version the manifest names, read with the profile it was built with."""
        try:
            manifest = read_manifest(slot.directory)
        except FileNotFoundError as exc:
            raise IndexNotFound(f"no index in {slot.directory}") from exc
        profile = str(manifest.get("profile") or self.profile)  # older manifests name none
        try:
            config = config_for(profile)
        except ValueError as exc:
            raise IndexMismatch(f"{slot.directory}: built with the profile {profile!r}, "
                                f"which this code does not know") from exc
        matcher = self._load_index(slot.directory, config, encoders=self._encoders_for(config))
        matcher.profile = profile
        return matcher

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
        except OSError:  # a host that may only read the index directory: a writer will tell
            return False
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
            version = self._changed(slot, matcher)
        self.prime(session, kind, matcher, list(docs.values()))
        return version

    @staticmethod
    def prime(session: Session, kind: Kind, matcher: Matcher, docs: Sequence[Document], *,
              queries: bool = True) -> None:
        """Encode now, into the embedding cache, what these listings' match lists and the
        reasons they are shown with will ask of the models: each listing's text as a query
        (whole and by clauses, `Matcher.prime_queries`; unless `queries` is false) and the
        words its reasons pair (`explain.Explainer.prime_listings`). With E5 that was most
        of a list's time; the API then only searches and reads the cache."""
        cached = any(isinstance(matcher.encoder(ch), CachedEncoder) for ch in matcher.config.encoders)
        if not docs or not cached:  # the hash encoder: nothing worth keeping
            return
        if queries:
            matcher.prime_queries([d.text for d in docs])
        sides = documents.explained_sides(session, kind, [int(d.id) for d in docs])
        explain.Explainer(matcher).prime_listings(kind, sides)

    def ensure(self, session: Session, kind: Kind, unusable: int | None = None) -> int:
        """Make sure the index of `kind` on disk can be served (`matching.ensure_index`, which
        API processes send when they have none): build it when missing, unusable (as
        `unusable`, the version a reader could not load, still is here) or lacking the
        unsaved changes of a writer that died. Idempotent. Returns the version on disk."""
        slot = self._slots[kind]
        with self._writer(slot):
            broken = not slot.dirty and slot.marker.exists()  # a writer died before saving
            if not broken and unusable is not None:
                try:
                    on_disk = read_version(slot.directory)
                except MatchingError:
                    on_disk = unusable
                if on_disk == unusable:
                    try:
                        self._load(slot)  # what the reader failed to do
                    except (IndexNotFound, IndexCorrupt, IndexMismatch) as exc:
                        log.warning("%s index version %s cannot be served (%s): rebuilding it",
                                    CORPUS[kind], unusable, exc)
                        broken = True
            if broken:
                with slot.load_lock:
                    return self._publish(slot, self._build(session, kind))
            return self.matcher(session, kind).version

    def rebuild(self, session: Session, kind: Kind, *, profile: str | None = None,
                progress: Progress | None = None) -> RebuildResult:
        """Rebuild `kind` from the database with `profile` (default: this service's) and
        publish it as a new version, which every process then serves. Resumable: what was
        encoded before an interruption comes from the embedding cache."""
        slot = self._slots[kind]
        started_clock = time.perf_counter()
        started = utcnow()
        matcher = self._build(session, kind, profile, progress)
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
        self.prime(session, kind, matcher, list(docs.values()))  # outside the lock, as in sync
        seconds = time.perf_counter() - started_clock
        log.info("%s index rebuilt: %d documents, version %d, profile %s, %.1f s",
                 CORPUS[kind], len(matcher), version, matcher.profile, seconds)
        return RebuildResult(kind, len(matcher), version, seconds,
                             matcher.profile or self.profile)

    def _build(self, session: Session, kind: Kind, profile: str | None = None,
               progress: Progress | None = None) -> Matcher:
        """A new index of `kind` from the database, `batch_size` listings at a time: each
        batch's new texts reach the embedding cache before the next is read, so an
        interrupted build loses at most one batch of encoding."""
        profile = profile or self.profile
        config = config_for(profile)
        matcher = Matcher(CORPUS[kind], config, encoders=self._encoders_for(config),
                          profile=profile)
        total = 0
        if progress is not None:
            total = documents.count(session, kind)
            progress(0, total)
        done = 0
        batch: list[Document]
        for batch in documents.iter_documents(session, kind, self.batch_size):
            matcher.add(batch)
            self.prime(session, kind, matcher, batch)
            done += len(batch)
            if progress is not None:
                progress(done, max(total, done))
        return matcher


# ---- the process's service ---------------------------------------------------------------------

_service: IndexService | None = None
_service_lock = threading.Lock()


def service_from_settings() -> IndexService:
    settings = get_settings()
    return IndexService(settings.index_dir or settings.var_dir / "index",
                        settings.matching_encoder,
                        cache_dir=settings.var_dir / "cache" / "embeddings")


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
