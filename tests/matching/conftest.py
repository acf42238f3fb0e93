"""Fixtures for the matching library's tests: the hash encoder only, no network, no models."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from matching import Document, HashEncoder, Matcher, config_for
from matching.encoders import FloatMatrix


class CountingEncoder:
    """Wraps the hash encoder and records every text that reaches the "model"."""

    def __init__(self, dim: int = 64, name: str = "counting") -> None:
        self.inner = HashEncoder(dim)
        self._name = name
        self.calls: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str]) -> FloatMatrix:
        self.calls.extend(texts)
        return self.inner.encode(texts)


class QueryCountingEncoder(CountingEncoder):
    """Encodes queries apart from listings, as E5 does (its own prefix)."""

    def __init__(self, name: str = "counting") -> None:
        super().__init__(name=name)
        self.queries: list[str] = []

    def encode_queries(self, texts: list[str]) -> FloatMatrix:
        self.queries.extend(texts)
        return self.inner.encode([f"query: {t}" for t in texts])


LISTINGS = [
    Document(
        "a:1",
        "一种锂电池隔膜的制备方法 采用湿法工艺制备高孔隙率聚乙烯隔膜",
        field="energy",
        region="江苏",
        modes=frozenset({"transfer"}),
        trl=6,
        price=Decimal("500000.00"),
        status="published",
    ),
    Document(
        "a:2",
        "锂离子电池正极材料及其制备 高镍三元材料的包覆改性",
        field="energy",
        region="浙江",
        modes=frozenset({"licensing"}),
        trl=4,
        price=Decimal("1200000.00"),
        status="published",
    ),
    Document(
        "a:3",
        "Deep learning based crop disease detection from drone images",
        field="agriculture",
        region="江苏",
        modes=frozenset({"development"}),
        trl=7,
        status="published",
    ),
    Document(
        "a:4",
        "一种水稻病虫害智能识别系统 基于图像识别与深度学习",
        field="agriculture",
        region="安徽",
        modes=frozenset({"transfer", "licensing"}),
        status="published",
    ),
    Document(
        "a:5",
        "工业废水中重金属离子的吸附材料 可再生的改性活性炭",
        field="environment",
        region="江苏",
        trl=5,
        price=Decimal("80000"),
        status="draft",
    ),
    Document(
        "a:6",
        "Solid-state lithium battery electrolyte with high ionic conductivity",
        field="energy",
        region="上海",
        modes=frozenset({"development"}),
        trl=3,
        price=Decimal("2000000"),
        status="published",
    ),
]


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher("achievements", config_for("hash"))
    m.add(LISTINGS)
    return m


def unit_rows(n: int, dim: int, seed: int = 0) -> FloatMatrix:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    out: FloatMatrix = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out
