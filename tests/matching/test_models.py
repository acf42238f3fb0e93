"""The real shipped encoders (slow: they load the models from the installed packages)."""

from __future__ import annotations

import numpy as np
import pytest

from matching import MiniLMEncoder, USEEncoder

pytestmark = pytest.mark.slow

ZH = ["一种锂电池隔膜的制备方法", "锂离子电池隔离膜的生产工艺", "水稻病虫害的田间防治"]
EN = [
    "A method for making lithium battery separators",
    "Manufacturing process for Li-ion cell separator films",
    "Field control of rice pests",
]


def check(vectors: np.ndarray, dim: int) -> None:
    assert vectors.shape == (3, dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), np.ones(3), rtol=1e-5)
    anchor, paraphrase, unrelated = vectors
    assert float(anchor @ paraphrase) > float(anchor @ unrelated)


def test_use_encodes_chinese_and_english() -> None:
    enc = USEEncoder()
    check(enc.encode(ZH), 512)
    check(enc.encode(EN), 512)
    zh, en = enc.encode([ZH[0], EN[0]])
    assert float(zh @ en) > float(zh @ enc.encode([EN[2]])[0])  # cross-lingual


def test_minilm_encodes_english_offline_and_chinese_shape() -> None:
    enc = MiniLMEncoder()
    check(enc.encode(EN), 384)
    zh = enc.encode(ZH)
    assert zh.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(zh, axis=1), np.ones(3), rtol=1e-5)
