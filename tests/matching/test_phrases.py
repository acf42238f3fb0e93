"""Phrase correspondences (`matching.phrases`): how a demand and an achievement are cut into
phrases and terms, and that the pairing picks the right pair with a deterministic tiny encoder
whose "meaning" is a handful of concepts."""

from __future__ import annotations

import numpy as np
import pytest

from matching.encoders import FloatMatrix, l2_normalise
from matching.phrases import (
    STOP_TERMS,
    Correspondence,
    PhraseEncoder,
    correspondences,
    demand_phrases,
    is_content,
    technical_terms,
)

CONCEPTS = {  # a concept axis and the character strings that carry it
    0: ("翘", "warp"),
    1: ("应力", "stress"),
    2: ("尺寸", "size", "dimension"),
    3: ("塑料", "注塑", "plastic", "moulding"),
    4: ("控制", "control"),
    5: ("温", "temperature"),
}


class ConceptEncoder:
    """A text's vector counts its concepts (plus a small constant axis, so that a text with
    none is not the zero vector)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @property
    def name(self) -> str:
        return "concepts"

    @property
    def dim(self) -> int:
        return len(CONCEPTS) + 1

    def encode(self, texts: list[str]) -> FloatMatrix:
        self.calls.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            for axis, marks in CONCEPTS.items():
                out[row, axis] = sum(lowered.count(m) for m in marks)
            out[row, -1] = 0.1
        return l2_normalise(out)


DEMAND = "我们做的塑料件，放一晚上就翘起来，客户投诉尺寸不稳。"
TITLE = "注塑件残余应力与翘曲控制技术"
ABSTRACT = "通过模温分区控制降低残余应力，翘曲量减小80%，尺寸稳定性提高。"


def test_a_demand_is_cut_into_short_phrases_without_fillers() -> None:
    assert demand_phrases(DEMAND) == ["塑料件", "放一晚上就翘起来", "投诉尺寸不稳"]
    assert demand_phrases("Our plastic parts look fine, but overnight they warp and customers "
                          "complain the size drifts.") == [
        "plastic parts look fine", "overnight they warp", "complain the size drifts"]
    assert demand_phrases("我们希望提高效率，解决问题。") == []  # nothing but generic words


def test_an_achievement_is_cut_into_technical_terms() -> None:
    assert technical_terms(TITLE, ABSTRACT, ["注塑"]) == [
        "注塑件残余应力", "翘曲控制技术", "模温分区控制", "残余应力", "翘曲量减小", "尺寸稳定性"]
    assert technical_terms("Residual stress and warpage control for injection moulding",
                           "Zoned mould temperature control lowers residual stress.") == [
        "residual stress", "warpage control", "injection moulding",
        "zoned mould temperature control", "lowers residual stress"]


def test_the_pairing_picks_each_phrase_its_corresponding_term() -> None:
    encoder = ConceptEncoder()
    pairs = correspondences(PhraseEncoder(encoder), demand_phrases(DEMAND),
                            technical_terms(TITLE, ABSTRACT), demand=DEMAND)
    assert [(p.phrase, p.term) for p in pairs] == [
        ("放一晚上就翘起来", "翘曲量减小"), ("投诉尺寸不稳", "尺寸稳定性"),
        ("塑料件", "注塑件残余应力")]
    assert all(isinstance(p, Correspondence) and 0.35 <= p.similarity <= 1.0 for p in pairs)
    # "翘曲量减小" (warp) beats "翘曲控制技术" (warp and control) for the warping phrase.
    assert pairs[0].similarity > 0.99


def test_pairs_use_each_phrase_and_term_once_and_respect_the_floor() -> None:
    encoder = PhraseEncoder(ConceptEncoder())
    pairs = correspondences(encoder, ["翘起来", "又翘了"], ["翘曲控制", "残余应力"])
    assert [(p.phrase, p.term) for p in pairs] == [("翘起来", "翘曲控制")]  # 又翘了: term taken
    assert correspondences(encoder, ["尺寸"], ["尺寸"]) == []  # the same words explain nothing
    assert correspondences(encoder, ["翘起来"], ["残余应力"]) == []  # below the floor
    assert correspondences(encoder, [], ["残余应力"]) == []


def test_phrases_and_terms_are_encoded_once_per_process() -> None:
    inner = ConceptEncoder()
    encoder = PhraseEncoder(inner, size=3)
    first = encoder.encode(["翘起来", "残余应力", "翘起来"])
    assert inner.calls == ["翘起来", "残余应力"]
    again = encoder.encode(["翘起来", "残余应力"])
    assert inner.calls == ["翘起来", "残余应力"]  # both from memory
    assert np.array_equal(again, first[:2])
    encoder.encode(["尺寸", "控制"])  # a size of 3: the least recently used ("翘起来") goes
    encoder.encode(["翘起来"])
    assert inner.calls[-1] == "翘起来"


@pytest.mark.parametrize("word", ["提高", "进行", "实现", "问题", "我们", "一种", "方法", "improve",
                                  "using", "method", "的", "the", "12", "3.5", "a", "焊", "#焊缝"])
def test_stop_words_generic_verbs_numbers_and_fragments_are_not_content(word: str) -> None:
    assert not is_content(word)


def test_content_words_pass_unless_too_common() -> None:
    assert is_content("焊缝") and is_content("warpage") and is_content("Ti6Al4V")
    assert is_content("中和")  # two single-character stop-words, yet a word
    assert not is_content("解决问题") and not is_content("提高效率")  # generic compounds
    assert not is_content("焊缝", idf=0.4)  # in most listings: says nothing
    assert is_content("焊缝", idf=2.5)
    assert {"提高", "进行", "实现", "问题", "我们", "一种", "方法", "improve", "using",
            "method"} <= STOP_TERMS


def test_the_encoders_own_floor_applies_unless_one_is_given() -> None:
    # a pair scoring 0.5 passes a floor of 0.35 and fails an encoder whose chance level is 0.9
    strict = PhraseEncoder(ConceptEncoder(), floor=0.9)
    lenient = PhraseEncoder(ConceptEncoder(), floor=0.3)
    phrases, terms = ["翘起来的塑料"], ["翘曲控制"]
    assert correspondences(lenient, phrases, terms)
    assert correspondences(strict, phrases, terms) == []
    assert correspondences(strict, phrases, terms, floor=0.3)


@pytest.mark.parametrize("text", ["想找个办法", "帮我们看看", "已获得"])
def test_the_requesters_voice_is_no_phrase(text: str) -> None:
    # "想找个" ↔ "已获得" was shown as a correspondence on the demo
    assert demand_phrases(text) == []
    assert technical_terms(text) == []


def test_the_requesters_voice_and_boilerplate_are_never_a_reason() -> None:
    # The walk on the demo market: “想找个” ↔ “已获得” was shown to a firm as why an
    # achievement matched its injection-moulding defect.
    phrases = demand_phrases("我们厂注塑件老是有气泡和缩痕，良品率上不去，想找个办法")
    assert "想找个" not in phrases
    assert "厂注塑件老是有气泡和缩痕" in phrases
    terms = technical_terms("镁合金耐腐蚀处理关键技术研究与产业化",
                            "本成果围绕镁合金耐腐蚀处理，针对铸件缩松缩孔导致良品率低等问题。"
                            "已获得1项知识产权。", ["镁合金耐腐蚀处理"])
    assert "已获得" not in terms and "本成果围绕镁合金耐腐蚀" not in terms
    assert "铸件缩松缩孔" in terms
