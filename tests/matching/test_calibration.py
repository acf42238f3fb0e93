"""One scale for every encoder's cosine: E5's crowded cosines mapped, the others kept."""

from __future__ import annotations

import pytest

from matching.calibration import (
    REFERENCES,
    phrase_floor,
    relevance,
    similarity,
    similarity_level,
)


def test_e5_median_pairs_land_on_the_levels_the_ui_shows() -> None:
    ref = REFERENCES["e5"]
    assert similarity_level(similarity("e5", ref.unrelated)) == "low"
    assert similarity_level(similarity("e5", ref.related)) == "high"
    # halfway between an unrelated and a related pair reads "close", not "very close"
    assert similarity_level(similarity("e5", (ref.unrelated + ref.related) / 2)) == "medium"


def test_an_e5_cosine_that_used_to_read_very_close_now_reads_low() -> None:
    # 第三代半导体外延 against an injection-moulding demand scored about 0.80 with E5: the raw
    # cosine read "very close"; on the common scale it is an unrelated pair.
    assert similarity_level(0.80) == "high"
    assert similarity_level(similarity("e5", 0.80)) == "low"


@pytest.mark.parametrize("channel", ["use", "minilm", "hash"])
def test_encoders_without_a_reference_keep_their_cosine(channel: str) -> None:
    assert similarity(channel, 0.42) == pytest.approx(0.42)
    assert similarity(channel, -0.3) == 0.0


def test_similarity_is_monotone_and_bounded() -> None:
    values = [similarity("e5", c / 100) for c in range(50, 101)]
    assert values == sorted(values)
    assert values[0] == 0.0 and values[-1] == 1.0


def test_relevance_is_the_best_of_the_channels() -> None:
    assert relevance({"e5": REFERENCES["e5"].unrelated}, None) == pytest.approx(0.2)
    assert relevance({"e5": REFERENCES["e5"].unrelated}, 0.9) == pytest.approx(0.9)
    assert relevance({}, 1.7) == 1.0
    assert relevance({}, None) == 0.0


def test_phrase_floors_are_the_encoders_chance_levels() -> None:
    assert phrase_floor("e5") > 0.9  # E5's random phrase pairs score about 0.9
    assert phrase_floor("use") == pytest.approx(0.405)
    assert phrase_floor("minilm") == pytest.approx(0.35)
