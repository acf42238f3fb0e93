"""The matcher's reasons (a code and parameters) in words a person reads, in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from backend.matches import schemas
from matching import Reason, ReasonCode
from matching.calibration import similarity_level

# In words, never a number or a model's name (the UI's own labels: match.similar.*).
SIMILAR_ZH = {"high": "非常相近", "medium": "相近", "low": "有一定关联"}
SIMILAR_EN = {"high": "very close to", "medium": "close to", "low": "related to"}


def _yuan(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}".removesuffix(".00")


def _number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _params(params: Mapping[str, Any]) -> dict[str, str | int | float | list[str]]:
    out: dict[str, str | int | float | list[str]] = {}
    for key, value in params.items():
        if isinstance(value, tuple | list):
            out[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            out[key] = str(value).lower()
        elif isinstance(value, int | float | str):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def _strings(value: Any) -> list[str]:
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def render(reason: Reason, field_names: Mapping[str, tuple[str, str]]) -> schemas.ReasonOut:
    """`field_names` maps a field code to its (Chinese, English) names."""
    p = reason.params
    code = reason.code
    if code == ReasonCode.SHARED_TERMS:
        terms = _strings(p.get("terms", ()))
        zh, en = f"共同关键词：{'、'.join(terms)}", f"Shared terms: {', '.join(terms)}"
    elif code == ReasonCode.PHRASES:
        phrases, terms = _strings(p.get("phrases")), _strings(p.get("terms"))
        pairs = list(zip(phrases, terms, strict=False))
        zh = "需求所说的对应成果的技术：" + "；".join(f"“{a}” ↔ “{b}”" for a, b in pairs)
        en = "What the demand describes ↔ the achievement's technology: " + "; ".join(
            f"“{a}” ↔ “{b}”" for a, b in pairs)
    elif code == ReasonCode.PREDICTED_FIELD:
        field_code = str(p.get("field", ""))
        name_zh, name_en = field_names.get(field_code, (field_code, field_code))
        zh = f"可能同属领域：{name_zh}（按描述推测）"
        en = f"Likely the same field: {name_en} (guessed from the text)"
    elif code == ReasonCode.SEMANTIC:
        level = similarity_level(_number(p.get("similarity")))
        zh = f"需求描述的问题与成果解决的问题{SIMILAR_ZH[level]}"
        en = f"The problem the demand describes is {SIMILAR_EN[level]} the one the achievement solves"
    elif code == ReasonCode.SAME_FIELD:
        field_code = str(p.get("field", ""))
        name_zh, name_en = field_names.get(field_code, (field_code, field_code))
        zh, en = f"同属领域：{name_zh}", f"Same field: {name_en}"
    elif code == ReasonCode.SAME_REGION:
        region = str(p.get("region", ""))
        zh, en = f"同一地区：{region}", f"Same region: {region}"
    elif code == ReasonCode.TRL_FIT:
        trl, wanted = p.get("trl"), p.get("min_trl")
        zh = f"技术成熟度 {trl} 级，满足不低于 {wanted} 级的要求"
        en = f"TRL {trl} meets the required minimum of {wanted}"
    elif code == ReasonCode.PRICE_FIT:
        price, budget = _yuan(p.get("price")), _yuan(p.get("budget"))
        zh = f"报价 {price} 元，在预算 {budget} 元以内"
        en = f"Price CNY {price} is within the budget of CNY {budget}"
    else:  # a code added to the library later: still shown, plainly
        zh = en = f"{code}: {dict(p)}"
    return schemas.ReasonOut(code=str(code), params=_params(p), text_zh=zh, text_en=en)
