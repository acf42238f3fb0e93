"""The technology-contract registration number (技术合同登记号) and matching a payment's
invoice to its contract. Pure functions, no database.

Registration numbers are issued by the local technology-market office; they read like
"2026350100000123": the 4-digit year, a 6-digit administrative region code, then a serial
whose length and alphabet vary between regions (some embed letters). The check is
therefore deliberately loose: after removing spaces and hyphens and upper-casing, 10 to 24
letters or digits, starting with a year between 1987 (the Technology Contract Law) and
this year.
"""

from __future__ import annotations

import re
import unicodedata

FIRST_REGISTRATION_YEAR = 1987
_SHAPE = re.compile(r"^(\d{4})[0-9A-Z]{6,20}$")
_SEPARATORS = re.compile(r"[\s\-—–_/]+")
_NOT_WORD = re.compile(r"[\W_]+")


class InvalidRegistrationNo(ValueError):
    pass


def normalise_registration_no(raw: str, this_year: int) -> str:
    value = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()
    match = _SHAPE.match(value)
    if match is None:
        raise InvalidRegistrationNo(
            "技术合同登记号应为10–24位字母或数字，以登记年份开头，例如2026350100000123。"
            "A registration number is 10-24 letters or digits starting with the year, "
            "e.g. 2026350100000123.")
    year = int(match.group(1))
    if not FIRST_REGISTRATION_YEAR <= year <= this_year:
        raise InvalidRegistrationNo(
            f"登记号开头的年份{year}不合理。The year {year} at the start of the registration "
            "number is not plausible.")
    return value


def fold(text: str) -> str:
    """Text reduced for comparison: width-folded, case-folded, without spaces or punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def invoice_names_contract(invoice_reference: str, contract_name: str,
                           registration_no: str | None) -> bool:
    """Whether an invoice reference names the contract: its registration number or its name.

    Only such a payment counts towards the amount received (到账金额); money whose invoice
    names some other contract may belong to another deal between the same parties.
    """
    invoice = fold(invoice_reference)
    if registration_no and fold(registration_no) in invoice:
        return True
    name = fold(contract_name)
    return len(name) >= 2 and name in invoice
