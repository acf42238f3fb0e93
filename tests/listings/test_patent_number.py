"""Chinese patent application numbers and software copyright numbers."""

from __future__ import annotations

import pytest

from backend.listings import ip_numbers
from backend.listings.ip_numbers import InvalidIpNumber, patent_number, software_copyright_number

YEAR = 2026


def test_the_published_example_is_valid() -> None:
    # 2·2 + 0·3 + 1·4 + 7·5 + 1·6 + 0·7 + 6·8 + 0·9 + 1·2 + 8·3 + 6·4 + 2·5 = 157; 157 mod 11 = 3
    assert ip_numbers.check_character("201710601862") == "3"
    assert patent_number("201710601862.3", current_year=YEAR) == "201710601862.3"


def test_an_old_eight_digit_number_is_valid() -> None:
    # 9·2 + 8·3 + 1·4 + 2·5 + 3·6 + 4·7 + 5·8 + 6·9 = 196; 196 mod 11 = 9
    assert ip_numbers.check_character("98123456") == "9"
    assert patent_number("98123456.9", current_year=YEAR) == "98123456.9"


def test_a_remainder_of_ten_is_written_x() -> None:
    # 2·2 + 0·3 + 2·4 + 0·5 + 1·6 + 0·7 + 0·8 + 0·9 + 0·2 + 0·3 + 0·4 + 5·5 = 43; 43 mod 11 = 10
    assert ip_numbers.check_character("202010000005") == "X"
    assert patent_number("202010000005.x", current_year=YEAR) == "202010000005.X"
    with pytest.raises(InvalidIpNumber, match="校验位"):
        patent_number("202010000005.0", current_year=YEAR)


@pytest.mark.parametrize("written", ["ZL201710601862.3", "CN 2017 1060 1862.3",
                                     "２０１７１０６０１８６２．３", "2017106018623"])
def test_usual_spellings_are_normalised(written: str) -> None:
    assert patent_number(written, current_year=YEAR) == "201710601862.3"


@pytest.mark.parametrize("number", ["201710601862.4", "201710601862.X", "98123456.1"])
def test_a_wrong_check_character_is_rejected(number: str) -> None:
    with pytest.raises(InvalidIpNumber, match="校验位"):
        patent_number(number, current_year=YEAR)


@pytest.mark.parametrize("number", ["20171060186.3", "2017106018622.3", "abc", "",
                                    "201710601862-3"])
def test_a_malformed_number_is_rejected(number: str) -> None:
    with pytest.raises(InvalidIpNumber, match="格式"):
        patent_number(number, current_year=YEAR)


def test_a_future_year_or_unknown_type_is_rejected() -> None:
    future = "2030" + "1" + "0000001"
    with pytest.raises(InvalidIpNumber, match="年份"):
        patent_number(f"{future}.{ip_numbers.check_character(future)}", current_year=YEAR)
    bad_type = "2017" + "5" + "0601862"
    with pytest.raises(InvalidIpNumber, match="类型"):
        patent_number(f"{bad_type}.{ip_numbers.check_character(bad_type)}", current_year=YEAR)


def test_the_type_digit_must_fit_the_kind_of_patent() -> None:
    utility = "2019" + "2" + "1234567"
    number = f"{utility}.{ip_numbers.check_character(utility)}"
    assert patent_number(number, current_year=YEAR,
                         allowed_types=ip_numbers.UTILITY_MODEL_TYPES) == number
    with pytest.raises(InvalidIpNumber, match="不符"):
        patent_number(number, current_year=YEAR, allowed_types=ip_numbers.INVENTION_TYPES)


def test_software_copyright_numbers() -> None:
    assert software_copyright_number("2019SR1234567", current_year=YEAR) == "2019SR1234567"
    assert software_copyright_number("2010sr012345", current_year=YEAR) == "2010SR012345"
    for bad in ("2019SR12345", "19SR1234567", "2019RS1234567", "2031SR1234567"):
        with pytest.raises(InvalidIpNumber):
            software_copyright_number(bad, current_year=YEAR)
