"""Intellectual-property numbers: Chinese patent application numbers and software copyright
registration numbers, checked for format (and, for patents, the check character).

A patent application number (专利申请号) since October 2003 is year (4 digits) + type (1)
+ serial (7), then '.' and a check character; before that, two-digit year + type + serial
(5). The check character is the sum of each digit times the weights 2,3,4,5,6,7,8,9,2,3,4,5
(in order), mod 11, with 10 written 'X'. Types: 1 invention, 2 utility model, 3 design,
8 invention via PCT, 9 utility model via PCT. A granted patent is often written with a 'ZL'
prefix (专利号), and some people add 'CN'; both are accepted and dropped.
"""

from __future__ import annotations

import re
import unicodedata

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
INVENTION_TYPES = frozenset("18")
UTILITY_MODEL_TYPES = frozenset("29")
DESIGN_TYPES = frozenset("3")

_PATENT = re.compile(r"^(?:ZL|CN)?(\d{12}|\d{8})\.?([0-9X])$")
_SOFTWARE = re.compile(r"^(\d{4})SR(\d{6,7})$")
FIRST_NEW_FORM_YEAR = 2003
OLD_FORM_YEARS = frozenset({*(f"{y:02d}" for y in range(85, 100)), "00", "01", "02", "03"})
FIRST_SOFTWARE_YEAR = 1992


class InvalidIpNumber(ValueError):
    """A number that is not a well-formed patent or software copyright number."""


def check_character(digits: str) -> str:
    """The check character for the 8 or 12 digits of a patent application number."""
    total = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).upper()
    return re.sub(r"\s+", "", text)


def patent_number(raw: str, *, current_year: int, allowed_types: frozenset[str] | None = None
                  ) -> str:
    """Validate a patent application number; return it normalised as 201710601862.3."""
    text = _normalise(raw)
    match = _PATENT.match(text)
    if match is None:
        raise InvalidIpNumber(
            "专利申请号格式不正确，应为“年份4位+类型1位+流水号7位.校验位”（如 201710601862.3）"
            "或旧式8位数字加校验位。Patent numbers look like 201710601862.3 (or 8 digits in the "
            "old form) with a check character.")
    digits, check = match.groups()
    if len(digits) == 12:
        year, kind = digits[:4], digits[4]
        if not FIRST_NEW_FORM_YEAR <= int(year) <= current_year:
            raise InvalidIpNumber(f"专利申请号中的年份 {year} 不正确。The year {year} is not valid.")
    else:
        year, kind = digits[:2], digits[2]
        if year not in OLD_FORM_YEARS:
            raise InvalidIpNumber(f"旧式专利申请号中的年份 {year} 不正确。The year {year} is not valid.")
    if kind not in INVENTION_TYPES | UTILITY_MODEL_TYPES | DESIGN_TYPES:
        raise InvalidIpNumber(f"专利类型位 {kind} 不正确（应为1、2、3、8或9）。"
                              f"The type digit {kind} is not one of 1, 2, 3, 8, 9.")
    if allowed_types is not None and kind not in allowed_types:
        raise InvalidIpNumber(f"专利类型位 {kind} 与所选知识产权类型不符。"
                              f"The type digit {kind} does not match the kind of IP chosen.")
    expected = check_character(digits)
    if check != expected:
        raise InvalidIpNumber(f"专利申请号校验位错误（应为 {expected}）。"
                              f"Wrong check character: expected {expected}.")
    return f"{digits}.{check}"


def software_copyright_number(raw: str, *, current_year: int) -> str:
    """Validate a software copyright registration number such as 2019SR1234567."""
    text = _normalise(raw)
    match = _SOFTWARE.match(text)
    if match is None:
        raise InvalidIpNumber("软件著作权登记号格式不正确，应如 2019SR1234567。"
                              "Software copyright numbers look like 2019SR1234567.")
    year = int(match.group(1))
    if not FIRST_SOFTWARE_YEAR <= year <= current_year:
        raise InvalidIpNumber(f"登记号中的年份 {year} 不正确。The year {year} is not valid.")
    return text
