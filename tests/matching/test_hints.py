"""Drafting hints on a tiny corpus (hash encoder): the field vote, technical terms that are
never stop-words or generic words, vagueness."""

from __future__ import annotations

from matching import Document, Matcher, config_for
from matching.hints import predict_fields, suggest_terms, vagueness
from matching.phrases import STOP_TERMS

# Every listing says 提高/改善/问题/方法/技术 (generic), each field has its own technical words.
CORPUS = [
    Document("e1", "一种提高锂电池隔膜孔隙率的方法 湿法拉伸聚乙烯隔膜 改善电解液浸润问题", field="energy"),
    Document("e2", "锂电池正极材料包覆技术 原子层沉积氧化铝 提高循环寿命 解决容量衰减问题", field="energy"),
    Document("e3", "固态电解质界面改性方法 提高锂电池安全性 改善枝晶问题", field="energy"),
    Document("a1", "水稻病虫害图像识别方法 深度学习卷积网络 提高识别准确率 解决人工巡田问题", field="agri"),
    Document("a2", "果蔬采后保鲜技术 气调包装与低温预冷 改善货架期问题", field="agri"),
    Document("m1", "注塑件翘曲控制方法 残余应力模流分析 改善塑料件变形问题", field="material"),
    Document("m2", "聚丙烯成核剂改性技术 提高结晶速率 解决缩痕问题", field="material"),
]


def _matcher() -> Matcher:
    m = Matcher("achievements", config_for("hash"))
    m.add(CORPUS)
    return m


def test_field_predictor_votes_for_the_field_of_the_nearest_listings() -> None:
    m = _matcher()
    fields = predict_fields(m, "锂电池隔膜 正极材料 电解液", k=3)
    assert fields[0][0] == "energy"
    assert fields[0][1] > 0.5
    assert abs(sum(p for _, p in m.predict_fields("锂电池隔膜 正极材料 电解液").items()) - 1) < 1e-6
    assert predict_fields(m, "水稻病虫害 图像识别", k=1)[0][0] == "agri"
    assert predict_fields(m, "   ", k=3) == []
    assert predict_fields(Matcher("empty", config_for("hash")), "锂电池", k=3) == []


def test_suggested_terms_are_technical_never_stop_words_or_generic() -> None:
    m = _matcher()
    for text in ("我们想提高电池的寿命，改善问题，有什么方法", "塑料件放一晚上就变形了，想改善一下",
                 "help us improve the method"):
        terms = suggest_terms(m, text, k=8)
        assert terms, text
        for term in terms:
            assert term not in STOP_TERMS, (text, term)
            assert term not in {"提高", "改善", "问题", "方法", "技术", "解决"}
            assert len(term) >= 2 and not term.isdigit()
            assert term not in text
    battery = suggest_terms(m, "我们想提高锂电池的寿命，改善问题，有什么方法", k=8)
    assert {"隔膜", "正极材料", "电解液", "原子层沉积", "电解质", "循环寿命"} & set(battery)


def test_suggested_terms_drop_words_contained_in_a_kept_one() -> None:
    terms = suggest_terms(_matcher(), "锂电池寿命", k=8)
    assert all(not (a != b and a in b) for a in terms for b in terms)


def test_vagueness() -> None:
    m = _matcher()
    assert vagueness(m, "我们想提高一下质量，解决问题") == 1.0  # only generic words
    assert vagueness(m, "高镍三元正极材料循环寿命短，容量衰减快，想做氧化铝包覆") == 0.0


def test_a_bigram_across_two_words_is_never_suggested_however_often_it_occurs() -> None:
    from matching.hints import _is_word

    # (jieba's dictionary itself knows a few odd pairs, 学回 among them: those still pass)
    assert not _is_word("料化", count=6) and not _is_word("余应", count=4)
    assert _is_word("回收", count=1) and _is_word("废塑料", count=1)
