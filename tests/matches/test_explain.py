"""Reasons never name a stop-word or a generic verb: the matcher's shared words pass through
`backend.matches.explain` on their way out, whichever encoder (or none) explains the pair.
Property-style, over many generated demands against a small corpus full of generic words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.matches import explain
from backend.matches.reasons import render
from matching import Document, Matcher, Query, ReasonCode, config_for
from matching.phrases import STOP_TERMS, has_content, is_content

DOCS = {
    "1": ("一种提高焊缝质量的方法", "通过激光视觉进行焊缝跟踪，实现焊接机器人自动纠偏，解决焊偏问题。"),
    "2": ("锂电池正极材料包覆改性技术", "采用原子层沉积进行包覆，提高循环寿命，实现产业化。"),
    "3": ("注塑件翘曲控制技术", "通过模温分区控制降低残余应力，提高尺寸稳定性，解决翘曲问题。"),
    "4": ("A method using laser sensors to improve weld quality",
          "We provide a new system using seam tracking to improve welding robots."),
    "5": ("Aerogel insulation with improved dust control",
          "Using a polysiloxane binder, the method improves handling of aerogel blankets."),
    "6": ("电梯故障预警系统", "采集曳引机电流进行分析，实现故障提前预警，提高维保效率。"),
}
GENERIC = ["提高", "进行", "实现", "问题", "我们", "一种", "方法", "解决", "需要", "希望", "技术",
           "improve", "using", "method", "system", "new", "provide", "we", "our", "the", "的"]
CONTENT = ["焊缝", "激光", "焊接机器人", "正极材料", "循环寿命", "翘曲", "残余应力", "电梯", "故障",
           "weld", "seam tracking", "aerogel", "laser sensors", "dust", "binder"]


def _matcher(profile: str) -> Matcher:
    m = Matcher("achievements", config_for(profile))
    m.add(Document(i, f"{t}\n{x}", field="f") for i, (t, x) in DOCS.items())
    return m


MATCHERS = {profile: _matcher(profile) for profile in ("bm25", "hash")}


def _named_words(reason_code: str, params: dict[str, object]) -> list[str]:
    keys = ("terms",) if reason_code == ReasonCode.SHARED_TERMS else ("phrases", "terms")
    out: list[str] = []
    for key in keys:
        value = params.get(key, ())
        out.extend(str(v) for v in (value if isinstance(value, tuple | list) else (value,)))
    return out


def _explained(profile: str, text: str) -> list[tuple[str, dict[str, object], str, str]]:
    matcher = MATCHERS[profile]
    out = []
    for r in matcher.search(Query(text, top_k=6)):
        title, body = DOCS[r.id]
        for reason in explain.Explainer(matcher).rewrite(
                r.reasons, explain.side("", text), explain.side(title, body)):
            shown = render(reason, {})
            out.append((str(reason.code), dict(reason.params), shown.text_zh, shown.text_en))
    return out


def test_the_matcher_alone_would_name_generic_words() -> None:
    """What the explanation layer is for: the raw shared terms include 提高 and improve."""
    raw = {t for r in MATCHERS["bm25"].search(Query("提高焊缝质量 improve weld", top_k=6))
           for reason in r.reasons if reason.code == ReasonCode.SHARED_TERMS
           for t in reason.params["terms"]}  # type: ignore[union-attr]
    assert {"提高", "improve"} <= raw


@pytest.mark.parametrize("profile", ["bm25", "hash"])
def test_a_fixed_demand_keeps_only_content_words(profile: str) -> None:
    reasons = _explained(profile, "我们需要提高焊缝质量，解决焊偏问题 improve weld seam tracking")
    named = [w for code, params, _, _ in reasons
             if code in (ReasonCode.SHARED_TERMS, ReasonCode.PHRASES)
             for w in _named_words(code, params)]
    assert named  # something is still explained
    assert not {"提高", "解决", "问题", "我们", "需要", "improve"} & set(named)
    if profile == "bm25":  # no encoder: the shared terms, content words only
        assert {code for code, *_ in reasons} >= {ReasonCode.SHARED_TERMS}
        assert ReasonCode.PHRASES not in {code for code, *_ in reasons}


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(GENERIC + CONTENT), min_size=1, max_size=10),
       joiner=st.sampled_from(["", " ", "，"]), profile=st.sampled_from(["bm25", "hash"]))
def test_reasons_never_name_a_stop_word_or_generic_verb(words: list[str], joiner: str,
                                                         profile: str) -> None:
    for code, params, text_zh, text_en in _explained(profile, joiner.join(words)):
        if code == ReasonCode.SHARED_TERMS:
            terms = _named_words(code, params)
            assert terms and all(is_content(t) and t.lower() not in STOP_TERMS for t in terms)
            listed = text_zh.removeprefix("共同关键词：").split("、")
            assert listed == terms and text_en == "Shared terms: " + ", ".join(terms)
        elif code == ReasonCode.PHRASES:
            for piece in _named_words(code, params):
                assert piece.lower() not in STOP_TERMS and has_content(piece)
            assert "“" in text_zh and "↔" in text_en
