from __future__ import annotations

from matching.text import Tokenizer, TokenizerConfig, detect_lang

SHIPPED = TokenizerConfig(bigram_prefix="", zh_chars=True)


def test_detect_lang() -> None:
    assert detect_lang("基于深度学习的图像识别") == "zh"
    assert detect_lang("Rare earth processing technology") == "en"
    assert detect_lang("基于 CNN 的缺陷检测") == "zh"
    assert detect_lang("A review of 深度学习 methods for crop disease detection in fields") == "en"
    assert detect_lang("") == "en"


def test_english_tokens_lowercased_stemmed_stopworded() -> None:
    tok = Tokenizer(SHIPPED)
    assert tok.tokens("The Batteries of 3D-printed Sensors, for MWIR/LWIR") == [
        "battery",
        "3d",
        "printed",
        "sensor",
        "mwir",
        "lwir",
    ]


def test_english_query_keeps_generic_words_by_default() -> None:
    tok = Tokenizer(SHIPPED)
    assert tok.tokens("novel detection system", query=True) == ["novel", "detection", "system"]
    strict = Tokenizer(TokenizerConfig(en_query_stopwords=True))
    assert strict.tokens("novel detection system", query=True) == ["detection"]


def test_chinese_words_bigrams_and_characters() -> None:
    tok = Tokenizer(SHIPPED)
    assert tok.tokens("补钙的中药组方") == [
        "补钙",
        "中药",
        "组方",  # jieba words ("的" is a stopword)
        "补钙",  # bigrams never span the stopword
        "中药",
        "药组",
        "组方",
        "@补",
        "@钙",
        "@中",
        "@药",
        "@组",
        "@方",  # morphemes
    ]


def test_chinese_query_drops_generic_title_words() -> None:
    tok = Tokenizer(SHIPPED)
    assert tok.tokens("一种切割装置", query=True) == ["切割", "切割", "@切", "@割"]
    assert tok.tokens("一种切割装置") == ["切割", "装置", "切割", "割装", "装置", "@切", "@割", "@装", "@置"]


def test_words_are_for_explanations() -> None:
    tok = Tokenizer(SHIPPED)
    assert tok.words("一种锂电池隔膜的制备方法", query=True) == ["锂电池", "隔膜"]


def test_mixed_text() -> None:
    tok = Tokenizer(TokenizerConfig(zh_bigrams=False))
    assert tok.tokens("基于CNN的缺陷检测") == ["cnn", "缺陷", "检测"]
