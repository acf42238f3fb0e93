"""Normalisers for the identifiers the integrity rules compare between parties.

One person is one row, keyed by resident ID number; one address, phone, e-mail
domain or bank account is one row, keyed by its normalised value. Normalisation
decides what counts as "the same": full-width and half-width forms, spaces,
punctuation, country prefixes and letter case must not hide a match.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class IdentifierKind(StrEnum):
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL_DOMAIN = "email_domain"
    BANK_ACCOUNT = "bank_account"


class InvalidIdentifier(ValueError):
    pass


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


def resident_id(value: str) -> str:
    """Normalise and verify an 18-digit resident ID (GB 11643-1999 check digit)."""
    v = unicodedata.normalize("NFKC", value).strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        raise InvalidIdentifier("身份证号码应为18位（末位可为X）。A resident ID has 18 characters.")
    total = sum(int(d) * w for d, w in zip(v[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != v[17]:
        raise InvalidIdentifier("身份证号码校验位错误。The resident ID's check digit is wrong.")
    return v


def complete_resident_id(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


def mask_resident_id(value: str) -> str:
    return value[:6] + "********" + value[-4:] if len(value) == 18 else "****"


def address(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).lower()
    v = _PUNCT.sub("", v)
    if len(v) < 4:
        raise InvalidIdentifier("地址过短。The address is too short.")
    return v


def phone(value: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not 7 <= len(digits) <= 12:
        raise InvalidIdentifier("电话号码格式不正确。The phone number is not valid.")
    return digits


def email_domain(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).strip().lower()
    v = v.rsplit("@", 1)[-1].rstrip(".")
    try:
        v = v.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidIdentifier("邮箱域名格式不正确。The e-mail domain is not valid.") from exc
    if not _DOMAIN.match(v):
        raise InvalidIdentifier("邮箱域名格式不正确。The e-mail domain is not valid.")
    return v


def bank_account(value: str) -> str:
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value))
    if not re.fullmatch(r"\d{8,30}", digits):
        raise InvalidIdentifier("银行账号应为8到30位数字。A bank account has 8 to 30 digits.")
    return digits


NORMALISERS = {
    IdentifierKind.ADDRESS: address,
    IdentifierKind.PHONE: phone,
    IdentifierKind.EMAIL_DOMAIN: email_domain,
    IdentifierKind.BANK_ACCOUNT: bank_account,
}


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "****"


def mask_bank_account(value: str) -> str:
    return "****" + value[-4:]
