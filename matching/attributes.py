"""Columnar store of the structured attributes used by filters, boosts and reasons.

One row per int id (the matcher's dense ids), categorical values as small integer
codes, so that a filter over a million listings is a handful of vectorised numpy
comparisons rather than a Python loop.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from matching.types import Document, Filters, Lang

BoolArray = npt.NDArray[np.bool_]
_NONE = -1
_CATEGORIES = ("field", "region", "status", "visibility")
_LANGS: tuple[Lang, ...] = ("zh", "en")
_MAX_MODES = 63


def to_fen(price: Decimal) -> int:
    return int((price * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class AttributeStore:
    def __init__(self) -> None:
        self.size = 0  # rows in use (= next int id)
        self._cap = 0
        self.codes: dict[str, dict[str, int]] = {name: {} for name in (*_CATEGORIES, "mode")}
        self._names: dict[str, list[str]] = {name: [] for name in (*_CATEGORIES, "mode")}
        self.cols: dict[str, npt.NDArray[Any]] = {}
        self._alloc(0)

    def _alloc(self, cap: int) -> None:
        new: dict[str, npt.NDArray[Any]] = {
            "live": np.zeros(cap, dtype=bool),
            "lang": np.full(cap, _NONE, dtype=np.int8),
            "modes": np.zeros(cap, dtype=np.int64),
            "trl": np.full(cap, _NONE, dtype=np.int16),
            "price": np.full(cap, _NONE, dtype=np.int64),  # fen; -1 = none
            **{name: np.full(cap, _NONE, dtype=np.int32) for name in _CATEGORIES},
        }
        for key, arr in self.cols.items():
            new[key][: self.size] = arr[: self.size]
        self.cols, self._cap = new, cap

    def _code(self, category: str, value: str, grow: bool = True) -> int:
        codes = self.codes[category]
        code = codes.get(value)
        if code is None:
            if not grow:
                return _NONE - 1  # matches nothing
            if category == "mode" and len(codes) >= _MAX_MODES:
                raise ValueError(f"more than {_MAX_MODES} distinct modes")
            code = len(codes)
            codes[value] = code
            self._names[category].append(value)
        return code

    def _among(self, category: str, column: npt.NDArray[np.int32], codes: list[int]) -> BoolArray:
        """Rows whose code is one of `codes` (one gather through a lookup table: np.isin sorts,
        which at 1,000,000 rows cost more than the rest of a filtered search)."""
        known = [c for c in codes if c >= 0]
        if len(known) == 1:
            out: BoolArray = column == known[0]
            return out
        table = np.zeros(len(self.codes[category]) + 1, dtype=bool)  # the last entry: _NONE (-1)
        table[known] = True
        return table[column]

    def set(self, int_id: int, doc: Document, lang: Lang) -> None:
        if int_id >= self._cap:
            self._alloc(max(1024, 2 * self._cap, int_id + 1))
        self.size = max(self.size, int_id + 1)
        cols = self.cols
        cols["live"][int_id] = True
        cols["lang"][int_id] = _LANGS.index(lang)
        for name in _CATEGORIES:
            value = getattr(doc, name)
            cols[name][int_id] = _NONE if value is None else self._code(name, value)
        mask = 0
        for mode in doc.modes:
            mask |= 1 << self._code("mode", mode)
        cols["modes"][int_id] = mask
        cols["trl"][int_id] = _NONE if doc.trl is None else doc.trl
        cols["price"][int_id] = _NONE if doc.price is None else to_fen(doc.price)

    def kill(self, int_id: int) -> None:
        if int_id < self.size:
            self.cols["live"][int_id] = False

    def value(self, category: str, int_id: int) -> str | None:
        code = int(self.cols[category][int_id])
        return None if code == _NONE else self._names[category][code]

    def trl(self, int_id: int) -> int | None:
        v = int(self.cols["trl"][int_id])
        return None if v == _NONE else v

    def price(self, int_id: int) -> Decimal | None:
        v = int(self.cols["price"][int_id])
        return None if v == _NONE else (Decimal(v) / 100).quantize(Decimal("0.01"))

    def mask(self, filters: Filters) -> BoolArray | None:
        """Rows passing every column filter, or None when no column filter is set."""
        n = self.size
        cols = self.cols
        out: BoolArray | None = None

        def narrow(cond: BoolArray) -> None:
            nonlocal out
            out = cond if out is None else out & cond

        for name, wanted in (
            ("field", filters.fields),
            ("region", filters.regions),
            ("status", filters.statuses),
            ("visibility", filters.visibilities),
        ):
            if wanted is not None:
                codes = [self._code(name, v, grow=False) for v in wanted]
                narrow(self._among(name, cols[name][:n], codes))
        if filters.mode is not None:
            bit = self._code("mode", filters.mode, grow=False)
            if bit < 0:
                narrow(np.zeros(n, dtype=bool))
            else:
                narrow((cols["modes"][:n] >> bit) & 1 == 1)
        if filters.min_trl is not None:
            trl = cols["trl"][:n]
            cond = trl >= filters.min_trl
            narrow(cond | (trl == _NONE) if filters.keep_unknown else cond)
        if filters.max_price is not None:
            price = cols["price"][:n]
            cond = (price <= to_fen(filters.max_price)) & (price != _NONE)
            narrow(cond | (price == _NONE) if filters.keep_unknown else cond)
        if out is not None:
            out = out & cols["live"][:n]
        return out

    # ---- persistence -----------------------------------------------------------------------
    def save(self, directory: Path) -> list[str]:
        with open(directory / "attributes.npz", "wb") as fh:
            cast(Any, np.savez)(fh, **{k: v[: self.size] for k, v in self.cols.items()})
        (directory / "attributes.json").write_text(
            json.dumps({"size": self.size, "names": self._names}, ensure_ascii=False), encoding="utf-8"
        )
        return ["attributes.npz", "attributes.json"]

    @classmethod
    def load(cls, directory: Path) -> AttributeStore:
        meta = json.loads((directory / "attributes.json").read_text(encoding="utf-8"))
        store = cls()
        store._alloc(int(meta["size"]))
        store.size = int(meta["size"])
        with np.load(directory / "attributes.npz") as arrays:
            for key in store.cols:
                store.cols[key][: store.size] = arrays[key]
        for name, values in meta["names"].items():
            store._names[name] = list(values)
            store.codes[name] = {v: i for i, v in enumerate(values)}
        return store
