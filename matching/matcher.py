"""The hybrid matcher: one corpus (e.g. achievements), a lexical and one or more vector channels.

    matcher = Matcher("achievements", cache_dir=Path("var/cache/embeddings"))
    matcher.add(documents)                       # adds or replaces by id
    results = matcher.search(Query("锂电池 隔膜", filters=Filters(min_trl=6)))
    matcher.save(Path("var/index/achievements"))   # -> new version number
    matcher = Matcher.load(Path("var/index/achievements"))   # IndexCorrupt / IndexMismatch: rebuild

Every listing id maps to a dense int id; a replaced listing gets a fresh int id (the old
one is deleted in every channel), so a stale vector or posting can never resurface.

Ranking: each channel retrieves `candidates` ids under the filters; for the union, every
channel's score is computed exactly (BM25 from its full score array, cosine from the stored
vectors), then fused as a weighted sum whose weights depend on the query language (see
`matching.config`). Boosts for the same field / region are added on top.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from matching import calibration
from matching.attributes import AttributeStore
from matching.calibration import relevance
from matching.config import FEEDBACK, LEXICAL, FeedbackParams, MatcherConfig
from matching.encoders import CachedEncoder, Encoder, encode_batched, encode_queries, get_encoder
from matching.fusion import QueryFeatures, field_boost, field_votes, rocchio, story_clauses, with_clauses
from matching.lexical import LexicalIndex, SparseScores, token_counts
from matching.persist import (
    IndexCorrupt,
    IndexMismatch,
    MatchingError,
    new_version_dir,
    publish,
    read_manifest,
    read_version,
    verify_files,
    writer_lock,
)
from matching.text import Tokenizer, detect_lang
from matching.types import Document, Filters, Lang, Query, Reason, ReasonCode, Result
from matching.vector import VectorIndex

FloatMatrix = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class IndexNotFound(MatchingError):
    """No index has been saved in that directory yet."""


class Matcher:
    def __init__(
        self,
        name: str = "default",
        config: MatcherConfig | None = None,
        *,
        encoders: Mapping[str, Encoder] | None = None,
        cache_dir: Path | None = None,
        profile: str | None = None,
    ) -> None:
        self.name = name
        self.profile = profile  # the name of `config` (`config_for`), kept in the manifest
        self.config = config or MatcherConfig()
        self.config.validate()
        self._cache_dir = cache_dir
        self._encoders: dict[str, Encoder] = dict(encoders or {})
        for channel in self.config.encoders:
            if channel not in self._encoders:
                self._encoders[channel] = get_encoder(channel, cache_dir=cache_dir)
        self.tokenizer = Tokenizer(self.config.tokenizer)
        self.lexical = LexicalIndex(self.config.bm25)
        self.vectors: dict[str, VectorIndex] = {
            ch: VectorIndex(self._encoders[ch].dim, self.config.vector) for ch in self.config.encoders
        }
        self.attributes = AttributeStore()
        self._int_of: dict[str, int] = {}
        self._str_of: list[str | None] = []
        self.version = 0
        self._lock = threading.RLock()

    # ---- documents -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._int_of)

    def __contains__(self, listing_id: object) -> bool:
        return listing_id in self._int_of

    def ids(self) -> list[str]:
        return list(self._int_of)

    def encoder(self, channel: str) -> Encoder:
        return self._encoders[channel]

    def add(self, docs: Iterable[Document], *, vectors: Mapping[str, FloatMatrix] | None = None) -> None:
        """Add documents, replacing any with the same id (so a retried task is harmless).

        `vectors` may carry precomputed embeddings per channel (rows in the order of `docs`,
        unit norm); channels not given are encoded here, before the index lock is taken.
        """
        by_id = {d.id: d for d in docs}
        batch = list(by_id.values())
        if not batch:
            return
        texts = [d.text for d in batch]
        encoded: dict[str, FloatMatrix] = {}
        for channel in self.config.encoders:
            given = None if vectors is None else vectors.get(channel)
            if given is not None and len(by_id) != len(given):
                raise ValueError("precomputed vectors must match the documents one to one (no duplicate ids)")
            encoded[channel] = given if given is not None else encode_batched(self._encoders[channel], texts)
        token_lists = [self.tokenizer.tokens(t) for t in texts]
        with self._lock:
            self._drop([self._int_of[d.id] for d in batch if d.id in self._int_of])
            start = len(self._str_of)
            new_ints = np.arange(start, start + len(batch), dtype=np.int64)
            for doc, int_id, tokens in zip(batch, new_ints.tolist(), token_lists, strict=True):
                lang: Lang = doc.lang or detect_lang(doc.text)
                self._int_of[doc.id] = int_id
                self._str_of.append(doc.id)
                self.attributes.set(int_id, doc, lang)
                self.lexical.add(int_id, tokens)
            for channel, index in self.vectors.items():
                index.add(new_ints, encoded[channel])

    def update(self, docs: Iterable[Document], *, vectors: Mapping[str, FloatMatrix] | None = None) -> None:
        """Replace documents (same as `add`: an unknown id is added)."""
        self.add(docs, vectors=vectors)

    def remove(self, listing_ids: Iterable[str]) -> int:
        """Delete documents by id; unknown ids are ignored. Returns how many were removed."""
        with self._lock:
            ints = [self._int_of[i] for i in set(listing_ids) if i in self._int_of]
            self._drop(ints)
            return len(ints)

    def _drop(self, ints: list[int]) -> None:
        if not ints:
            return
        arr = np.asarray(ints, dtype=np.int64)
        for index in self.vectors.values():
            index.remove(arr)
        for int_id in ints:
            self.lexical.remove(int_id)
            self.attributes.kill(int_id)
            listing_id = self._str_of[int_id]
            if listing_id is not None:
                del self._int_of[listing_id]
            self._str_of[int_id] = None

    def compact(self) -> None:
        """Merge the lexical delta and rebuild vector indexes without tombstones (ids are kept)."""
        with self._lock:
            self.lexical.compact()
            for index in self.vectors.values():
                index.compact()

    # ---- search ----------------------------------------------------------------------------
    def _filter_mask(self, filters: Filters) -> BoolArray | None:
        mask = self.attributes.mask(filters)
        size = self.attributes.size
        if filters.visible_ids is not None:
            allowed = np.zeros(size, dtype=bool)
            ints = [self._int_of[i] for i in filters.visible_ids if i in self._int_of]
            allowed[np.asarray(ints, dtype=np.int64)] = True
            mask = allowed if mask is None else mask & allowed
        if filters.exclude_ids:
            if mask is None:
                mask = self.attributes.cols["live"][:size].copy()
            ints = [self._int_of[i] for i in filters.exclude_ids if i in self._int_of]
            mask[np.asarray(ints, dtype=np.int64)] = False
        return mask

    def search(self, query: Query) -> list[Result]:
        lang: Lang = query.lang or detect_lang(query.text)
        base = self.config.channel_weights(lang)
        k = query.top_k
        if k <= 0:
            return []
        qvecs = {
            ch: self._query_vector(ch, query.text)
            for ch in base
            if ch != LEXICAL and ch in self.vectors
        }
        qtokens = self.tokenizer.tokens(query.text, query=True)
        filters = query.filters
        feedback = self.config.feedback_for(lang) if LEXICAL in base else None
        with self._lock:
            size = self.attributes.size
            n_live = len(self._int_of)
            mask = self._filter_mask(filters)
            lex: SparseScores | None = None
            weights = base
            if LEXICAL in base:
                ids, raw = self.lexical.sparse_scores(token_counts(qtokens))
                scale = self.lexical.self_score(qtokens)
                normalised = raw / np.float32(scale) if scale > 0 else raw
                if self.config.gate_for(lang) is not None:
                    weights = self.config.query_weights(lang, self.query_features(qtokens, normalised))
                lex = SparseScores(ids, normalised)
                if mask is not None:
                    lex = lex.within(mask)
            asked = dict(qvecs)
            for ch, params in self.config.dense_feedback.items():
                if ch in qvecs and params.weight > 0 and params.docs > 0:
                    near, near_sims = self.vectors[ch].search(qvecs[ch], params.docs, mask)
                    if len(near):
                        qvecs[ch] = rocchio(qvecs[ch], self.vectors[ch].vectors(near), near_sims, params)
            n_cand = max(self.config.candidates, k)
            while True:
                cand, dense_hits = self._candidates(lex, qvecs, mask, n_cand)
                cand = self._visible(cand, filters)
                # only a predicate can shrink the pool after retrieval; without one, each channel
                # already returned everything the mask allows up to n_cand
                if filters.visible is None or len(cand) >= k or n_cand >= n_live:
                    break
                n_cand *= 4
            if not len(cand):
                return []
            parts = self._parts(cand, lex, qvecs, weights)
            if feedback is not None:
                first = np.sum(list(parts.values()), axis=0)
                expansion = self._feedback(cand, first, feedback, mask, size)
                if expansion is not None:
                    extra = np.flatnonzero(expansion)
                    if len(extra) > n_cand:
                        extra = extra[np.argpartition(-expansion[extra], n_cand)[:n_cand]]
                    extra = self._visible(np.setdiff1d(extra, cand), filters)
                    if len(extra):
                        cand = np.concatenate([cand, extra])
                        parts = self._parts(cand, lex, qvecs, weights)
                    parts[FEEDBACK] = feedback.weight * expansion[cand]
            boost = self._boosts(query, cand, np.sum(list(parts.values()), axis=0)) if query.boosts else None
            if boost is not None:
                parts["boost"] = boost
            total = np.sum(list(parts.values()), axis=0)
            listing_ids = [str(self._str_of[c]) for c in cand.tolist()]
            order = sorted(range(len(cand)), key=lambda j: (-float(total[j]), listing_ids[j]))[:k]
            results = []
            qwords = self.tokenizer.words(query.text, query=True)
            shown = cand[np.asarray(order, dtype=np.int64)]
            # the reasons' similarities: the query's own vectors (before any dense feedback)
            sims = {ch: self.vectors[ch].vectors(shown) @ qv for ch, qv in asked.items()}
            lex_shown = None if lex is None else lex.at(shown)
            for rank, j in enumerate(order):
                int_id = int(cand[j])
                part_j = {
                    ch: round(float(v[j]), 6)
                    for ch, v in parts.items()
                    if ch not in ("boost", FEEDBACK) or v[j]
                }
                shown_sims = {ch: float(v[rank]) for ch, v in sims.items()}
                reasons = self._reasons(
                    query,
                    qwords,
                    int_id,
                    {ch: int_id in hits for ch, hits in dense_hits.items()},
                    shown_sims,
                )
                lexical = None if lex_shown is None else float(lex_shown[rank])
                results.append(Result(listing_ids[j], round(float(total[j]), 6), part_j, reasons,
                                      relevance(shown_sims, lexical)))
            return results

    def _query_texts(self, channel: str, text: str) -> list[str]:
        """What a query is encoded as on a dense channel: the whole text and, for a story-like
        query, its clauses (`matching.fusion.ClauseViews`)."""
        views = self.config.clause_views.get(channel)
        return [text, *(story_clauses(text, views) if views is not None else [])]

    def _query_vector(self, channel: str, text: str) -> FloatMatrix:
        """The query's vector on a dense channel: the whole text's, or the whole's with its
        clauses', encoded in one batch."""
        texts = self._query_texts(channel, text)
        vecs = encode_queries(self._encoders[channel], texts)
        whole: FloatMatrix = vecs[0]
        if len(texts) == 1:
            return whole
        return with_clauses(whole, vecs[1:], self.config.clause_views[channel])

    def prime_queries(self, texts: Sequence[str], batch_size: int = 64) -> int:
        """Encode `texts` as queries, on every dense channel their language searches, into the
        encoders' caches (a no-op for an encoder without one): a listing's own match list then
        encodes nothing on the request, since the worker primes each listing it indexes with
        its own text. Returns the texts sent to the encoders (cached or not)."""
        by_channel: dict[str, list[str]] = {}
        for text in texts:
            for channel in self.config.channel_weights(detect_lang(text)):
                if channel in self.vectors and isinstance(self._encoders[channel], CachedEncoder):
                    by_channel.setdefault(channel, []).extend(self._query_texts(channel, text))
        for channel, batch in by_channel.items():
            unique = list(dict.fromkeys(batch))
            for start in range(0, len(unique), batch_size):
                encode_queries(self._encoders[channel], unique[start:start + batch_size])
        return sum(len(batch) for batch in by_channel.values())

    def query_features(self, qtokens: list[str], lex: FloatMatrix | None) -> QueryFeatures:
        """The gate's view of a query (`matching.fusion.QueryFeatures`); `lex` the normalised
        BM25 scores before any filter."""
        idfs = [self.lexical.idf(t) for t in qtokens]
        return QueryFeatures.of(lex, idfs, self.lexical.max_idf(), len(qtokens))

    def field_of(self, listing_id: str) -> str | None:
        """The field code a listing was indexed with (None: unknown listing or no field)."""
        int_id = self._int_of.get(listing_id)
        return None if int_id is None else self.attributes.value("field", int_id)

    def _visible(self, cand: IntArray, filters: Filters) -> IntArray:
        if filters.visible is None or not len(cand):
            return cand
        check = filters.visible
        return np.array([c for c in cand.tolist() if check(str(self._str_of[c]))], dtype=np.int64)

    def _parts(
        self,
        cand: IntArray,
        lex: SparseScores | None,
        qvecs: Mapping[str, FloatMatrix],
        weights: Mapping[str, float],
    ) -> dict[str, FloatMatrix]:
        """Each channel's weighted score of every candidate (exact: BM25 from the full array,
        cosine from the stored vectors)."""
        parts: dict[str, FloatMatrix] = {}
        if lex is not None:
            parts[LEXICAL] = weights[LEXICAL] * lex.at(cand)
        for ch, qv in qvecs.items():
            parts[ch] = weights[ch] * (self.vectors[ch].vectors(cand) @ qv).astype(np.float32)
        return parts

    def _feedback(
        self,
        cand: IntArray,
        first: FloatMatrix,
        params: FeedbackParams,
        mask: BoolArray | None,
        size: int,
    ) -> FloatMatrix | None:
        """Scores in [0, 1] over all int ids of the expansion query built from the top
        candidates of the first fusion (see `FeedbackParams`), or None."""
        n = min(params.docs, len(cand))
        top = np.lexsort((cand, -first))[:n]
        best = first[top]
        votes = np.exp((best - best[0]) / max(params.temperature, 1e-6)).astype(np.float64)
        votes /= votes.sum()
        term_ids: list[npt.NDArray[np.int64]] = []
        term_w: list[npt.NDArray[np.float64]] = []
        for int_id, vote in zip(cand[top].tolist(), votes.tolist(), strict=True):
            tokens = self.lexical.tokens_of(int_id)
            if tokens is None or not len(tokens):
                continue
            uniq, counts = np.unique(tokens, return_counts=True)
            term_ids.append(uniq.astype(np.int64))
            term_w.append(vote * counts / len(tokens))
        if not term_ids:
            return None
        ids = np.concatenate(term_ids)
        weight = np.zeros(len(self.lexical.terms), dtype=np.float64)
        np.add.at(weight, ids, np.concatenate(term_w))
        used = np.unique(ids)
        strength = weight[used] * self.lexical.idf_ids(used)
        if len(used) > params.terms:
            keep = np.lexsort((used, -strength))[: params.terms]
            used, strength = used[keep], strength[keep]
        if not len(used) or strength.max() <= 0:
            return None
        expansion_query = {
            self.lexical.terms[t]: float(w / strength.max())
            for t, w in zip(used.tolist(), strength, strict=True)
            if w > 0
        }
        scores = self.lexical.weighted_scores(expansion_query, size)
        if mask is not None:
            scores = np.where(mask, scores, np.float32(0))
        top_score = float(scores.max()) if len(scores) else 0.0
        if top_score <= 0:
            return None
        out: FloatMatrix = scores / np.float32(top_score)
        return out

    def _candidates(
        self, lex: SparseScores | None, qvecs: Mapping[str, FloatMatrix], mask: BoolArray | None, n: int
    ) -> tuple[IntArray, dict[str, set[int]]]:
        found: set[int] = set()
        if lex is not None:
            found.update(lex.top(n).tolist())
        dense_hits: dict[str, set[int]] = {}
        for ch, qv in qvecs.items():
            ids, _ = self.vectors[ch].search(qv, n, mask)
            dense_hits[ch] = set(ids.tolist())
            found |= dense_hits[ch]
        return np.fromiter(sorted(found), dtype=np.int64, count=len(found)), dense_hits

    def _boosts(self, query: Query, cand: IntArray, first: FloatMatrix) -> FloatMatrix | None:
        """Soft boosts: the query's region, its given field and the fields its first ranking
        (`first`, the fused scores of `cand`) points to (`matching.fusion`)."""
        boost = np.zeros(len(cand), dtype=np.float32)
        cols = self.attributes.cols
        code = None if query.region is None else self.attributes.codes["region"].get(query.region)
        if code is not None and self.config.region_boost:
            amount = np.float32(self.config.region_boost)
            boost += np.where(cols["region"][cand] == code, amount, np.float32(0))
        params = self.config.fields
        if params.given or params.predicted:
            fields = [self.attributes.value("field", c) for c in cand.tolist()]
            predicted = (
                field_votes(first, fields, params.docs, params.temperature) if params.predicted else {}
            )
            boost += field_boost(fields, query.field, predicted, params)
        return boost if boost.any() else None

    def predict_fields(self, text: str, *, lang: Lang | None = None) -> dict[str, float]:
        """The fields a text points to: field → probability from its best matches' fields
        (the vote the soft field boost uses), best first; empty without fielded listings."""
        results = self.search(Query(text, lang=lang, top_k=max(self.config.fields.docs, 1), boosts=False))
        if not results:
            return {}
        scores = np.asarray([r.score for r in results], dtype=np.float32)
        fields = [self.field_of(r.id) for r in results]
        return field_votes(scores, fields, self.config.fields.docs, self.config.fields.temperature)

    def _reasons(
        self, query: Query, qwords: list[str], int_id: int, dense_hit: dict[str, bool], sims: dict[str, float]
    ) -> tuple[Reason, ...]:
        reasons: list[Reason] = []
        terms = self.shared_terms(qwords, int_id)
        if terms:
            reasons.append(Reason(ReasonCode.SHARED_TERMS, {"terms": tuple(terms)}))
        for ch, hit in dense_hit.items():
            if hit:
                reasons.append(Reason(ReasonCode.SEMANTIC, {
                    "similarity": round(calibration.similarity(ch, sims[ch]), 3),
                    "cosine": round(sims[ch], 3), "encoder": ch}))
        attrs = self.attributes
        doc_field, doc_region = attrs.value("field", int_id), attrs.value("region", int_id)
        if query.field is not None and doc_field == query.field:
            reasons.append(Reason(ReasonCode.SAME_FIELD, {"field": doc_field}))
        if query.region is not None and doc_region == query.region:
            reasons.append(Reason(ReasonCode.SAME_REGION, {"region": doc_region}))
        trl, min_trl = attrs.trl(int_id), query.filters.min_trl
        if trl is not None and min_trl is not None and trl >= min_trl:
            reasons.append(Reason(ReasonCode.TRL_FIT, {"trl": trl, "min_trl": min_trl}))
        price, budget = attrs.price(int_id), query.filters.max_price
        if price is not None and budget is not None and price <= budget:
            reasons.append(Reason(ReasonCode.PRICE_FIT, {"price": str(price), "budget": str(budget)}))
        return tuple(reasons)

    def shared_terms(self, qwords: list[str], int_id: int) -> list[str]:
        """Query words present in the document, rarest first, without words contained in a kept one."""
        doc_terms = self.lexical.doc_terms(int_id)
        shared = [w for w in dict.fromkeys(qwords) if w in doc_terms]
        shared.sort(key=lambda w: -self.lexical.idf(w))  # stable: ties keep the query's order
        kept: list[str] = []
        for word in shared:
            if not any(word in other for other in kept):
                kept.append(word)
            if len(kept) == self.config.shared_terms:
                break
        return kept

    # ---- persistence -----------------------------------------------------------------------
    def _identity(self) -> dict[str, Any]:
        return {
            "channels": {
                ch: {"model": self._encoders[ch].name, "dim": self._encoders[ch].dim}
                for ch in self.config.encoders
            },
            "tokenizer": dataclasses.asdict(self.config.tokenizer),
            "bm25": dataclasses.asdict(self.config.bm25),
        }

    def save(self, directory: Path) -> int:
        """Write a new version of the index to `directory`; return its version number."""
        with writer_lock(directory), self._lock:
            try:
                current = read_version(directory) or 0
            except MatchingError:
                current = 0
            version = max(current, self.version) + 1
            vdir = new_version_dir(directory, version)
            files = self.lexical.save(vdir) + self.attributes.save(vdir)
            kinds = {}
            for ch, index in self.vectors.items():
                (vdir / ch).mkdir()
                files += [f"{ch}/{name}" for name in index.save(vdir / ch)]
                kinds[ch] = index.kind
            (vdir / "ids.json").write_text(json.dumps(self._str_of, ensure_ascii=False), encoding="utf-8")
            files.append("ids.json")
            identity = self._identity()
            for ch, kind in kinds.items():
                identity["channels"][ch]["kind"] = kind
                identity["channels"][ch]["count"] = len(self.vectors[ch])
            manifest = {
                "name": self.name,
                "version": version,
                "count": len(self),
                **({"profile": self.profile} if self.profile is not None else {}),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                **identity,
            }
            publish(directory, vdir, manifest, files)
            self.version = version
            return version

    def is_stale(self, directory: Path) -> bool:
        """True when `directory` holds a version other than the one loaded (manifest read only)."""
        try:
            return read_version(directory) not in (None, self.version)
        except MatchingError:
            return False

    @classmethod
    def load(
        cls,
        directory: Path,
        config: MatcherConfig | None = None,
        *,
        encoders: Mapping[str, Encoder] | None = None,
        cache_dir: Path | None = None,
    ) -> Matcher:
        """Load the current version; IndexNotFound, IndexMismatch or IndexCorrupt if it cannot be served."""
        try:
            manifest = read_manifest(directory)
        except FileNotFoundError as exc:
            raise IndexNotFound(f"no index in {directory}") from exc
        profile = manifest.get("profile")
        matcher = cls(
            str(manifest.get("name", directory.name)),
            config,
            encoders=encoders,
            cache_dir=cache_dir,
            profile=None if profile is None else str(profile),
        )
        expected = matcher._identity()
        saved = {key: manifest.get(key) for key in expected}
        saved["channels"] = {
            ch: {"model": v.get("model"), "dim": v.get("dim")}
            for ch, v in dict(manifest.get("channels") or {}).items()
        }
        if saved != expected:
            raise IndexMismatch(f"{directory}: index built as {saved}, configured as {expected}")
        vdir = verify_files(directory, manifest)
        try:
            matcher.lexical = LexicalIndex.load(vdir)
            matcher.attributes = AttributeStore.load(vdir)
            for ch in matcher.config.encoders:
                info = manifest["channels"][ch]
                matcher.vectors[ch] = VectorIndex.load(
                    vdir / ch, int(info["dim"]), info["kind"], matcher.config.vector
                )
            str_of = json.loads((vdir / "ids.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise IndexCorrupt(f"{vdir}: {exc}") from exc
        matcher._str_of = [None if s is None else str(s) for s in str_of]
        matcher._int_of = {s: i for i, s in enumerate(matcher._str_of) if s is not None}
        counts = {len(matcher._int_of), len(matcher.lexical), *(len(v) for v in matcher.vectors.values())}
        if counts != {int(manifest["count"])}:
            raise IndexCorrupt(f"{vdir}: inconsistent document counts {sorted(counts)}")
        matcher.version = int(manifest["version"])
        return matcher
