"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the 31-character set below (no I, O, S, V, Z). Position 1 is the
registering authority, 2 the entity type, 3–8 the administrative division, 9–17 the
organisation code, 18 the check character. Letters are legal in positions 1 and 2
(e.g. 'N' for farmers' cooperatives, 'Y' for others), which some validators wrongly
reject; only the charset and the checksum are enforced here.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 3^(i-1) mod 31 for i = 1..17


class InvalidCreditCode(ValueError):
    pass


def normalise(code: str) -> str:
    return code.strip().upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate(code: str) -> str:
    """Return the normalised code, or raise InvalidCreditCode saying what is wrong."""
    code = normalise(code)
    if len(code) != 18:
        raise InvalidCreditCode(
            f"统一社会信用代码应为18位，当前为{len(code)}位。"
            f"A unified social credit code has 18 characters; this one has {len(code)}."
        )
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        shown = "、".join(bad)
        raise InvalidCreditCode(
            f"统一社会信用代码含有不允许的字符：{shown}（不使用 I、O、S、V、Z）。"
            f"Characters not allowed in a credit code: {', '.join(bad)} (I, O, S, V, Z are never used)."
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            f"统一社会信用代码校验位错误：应为 {expected}，实际为 {code[17]}，请核对是否录入有误。"
            f"Check character mismatch: expected {expected}, got {code[17]}; please re-check the code."
        )
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except InvalidCreditCode:
        return False
    return True


def complete(first17: str) -> str:
    """The full code for 17 leading characters (used by demo data and test builders)."""
    first17 = normalise(first17)
    return first17 + check_character(first17)
