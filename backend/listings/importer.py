"""Bulk import of achievements from CSV or XLSX: every row checked first, then all rows
inserted in one transaction — or none, with every error named by row and column. The file is
read by `core/sheets.py` within the import limits; the job around it is `imports.py`.

Row numbers are those the user sees in the sheet (the header is row 1). Each row goes
through the same schema (`AchievementIn`) and rules as a single achievement posted through
the API, so an import accepts exactly what the form accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, aliased

from backend.core.types import utcnow
from backend.listings import achievements as achievement_service
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Field,
    IpItem,
    IpKind,
    Stage,
    modes_to_mask,
)
from backend.listings.schemas import AchievementIn
from backend.listings.service import allocate_ids

MAX_REPORTED_ERRORS = 1000
# A data row whose first cell starts with this is a note and is skipped: the CSV template's
# explanation and example rows, so a template uploaded unchanged imports nothing.
NOTE_MARK = "#"
PROGRESS_EVERY = 500  # rows

# (header in the template, key) in template order; `field` may also be given by name (领域).
COLUMNS: list[tuple[str, str]] = [
    ("标题", "title"), ("摘要", "abstract"), ("领域代码", "field_code"), ("关键词", "keywords"),
    ("技术成熟度", "trl"), ("阶段", "stage"), ("知识产权", "ip_items"), ("价格（元）", "price"),
    ("面议", "negotiable"), ("合作方式", "modes"), ("团队负责人", "team_lead"), ("地区", "region"),
]
HEADER_OF = {key: header for header, key in COLUMNS} | {"field_name": "领域"}
REQUIRED = ("title", "abstract", "trl", "stage", "team_lead", "region")
_ALIASES = {"领域": "field_name", "价格": "price", "价格(元)": "price", "成熟度": "trl",
            "trl": "trl", "负责人": "team_lead"}

STAGES = {"实验室": Stage.LAB, "实验室阶段": Stage.LAB, "小试": Stage.LAB, "lab": Stage.LAB,
          "中试": Stage.PILOT, "中试阶段": Stage.PILOT, "pilot": Stage.PILOT,
          "产业化": Stage.INDUSTRIALISED, "产业化阶段": Stage.INDUSTRIALISED,
          "industrialised": Stage.INDUSTRIALISED, "industrialized": Stage.INDUSTRIALISED}
IP_KINDS = {"发明专利": IpKind.INVENTION_PATENT, "发明": IpKind.INVENTION_PATENT,
            "实用新型": IpKind.UTILITY_MODEL, "实用新型专利": IpKind.UTILITY_MODEL,
            "软件著作权": IpKind.SOFTWARE_COPYRIGHT, "软著": IpKind.SOFTWARE_COPYRIGHT,
            "计算机软件著作权": IpKind.SOFTWARE_COPYRIGHT, "技术秘密": IpKind.KNOW_HOW,
            **{k.value: k for k in IpKind}}
MODES = {"技术开发": "development", "开发": "development", "技术转让": "transfer",
         "转让": "transfer", "技术许可": "licensing", "许可": "licensing",
         "技术咨询": "consulting", "咨询": "consulting", "技术服务": "service", "服务": "service",
         "联合研发": "joint_rd", "合作研发": "joint_rd",
         **{m: m for m in ("development", "transfer", "licensing", "consulting", "service",
                           "joint_rd")}}
YES = {"是", "y", "yes", "true", "1", "面议", "可议"}
NO = {"否", "n", "no", "false", "0"}
_LIST_SEPARATORS = re.compile(r"[;；\n]+")
_MODE_SEPARATORS = re.compile(r"[,，、;；/\s]+")
_IP_PARTS = re.compile(r"[:：]")
_FIELD_OF_ERROR = {"title": "title", "abstract": "abstract", "field_id": "field_code",
                   "keywords": "keywords", "trl": "trl", "stage": "stage",
                   "ip_items": "ip_items", "price": "price", "negotiable": "negotiable",
                   "modes": "modes", "team_lead": "team_lead", "region": "region"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


def _header_key(text: str) -> str | None:
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    for header, key in COLUMNS:
        if plain == unicodedata.normalize("NFKC", header).lower():
            return key
    return _ALIASES.get(plain)


# --- checking rows ---------------------------------------------------------------------------

class Fields:
    """The fields a listing may use, by code and by (unique) Chinese name."""

    def __init__(self, session: Session) -> None:
        parent = aliased(Field)
        rows = session.execute(select(Field, parent.active).outerjoin(
            parent, parent.id == Field.parent_id)).all()
        usable = [f for f, parent_active in rows if f.active and parent_active is not False]
        self.by_code = {f.code.lower(): f.id for f in usable}
        names: dict[str, list[int]] = {}
        for f in usable:
            names.setdefault(f.name_zh, []).append(f.id)
        self.by_name = names

    def find(self, code: str, name: str) -> tuple[int | None, str | None]:
        if code:
            found = self.by_code.get(code.lower())
            return (found, None) if found else (None, f"未知的领域代码“{code}”。Unknown field code.")
        ids = self.by_name.get(name, [])
        if len(ids) == 1:
            return ids[0], None
        if len(ids) > 1:
            return None, f"领域“{name}”不唯一，请填写领域代码。Ambiguous field name; use the code."
        return None, f"未知的领域“{name}”。Unknown field."


def _parse_ip_items(text: str) -> tuple[list[dict[str, str | None]], str | None]:
    items: list[dict[str, str | None]] = []
    for n, part in enumerate(p.strip() for p in _LIST_SEPARATORS.split(text)):
        if not part:
            continue
        pieces = [p.strip() for p in _IP_PARTS.split(part, maxsplit=2)]
        if len(pieces) != 3:
            return [], (f"第{n + 1}项应为“类型:编号:名称”，如“发明专利:201710601862.3:名称”。"
                        f"Item {n + 1} should read kind:number:title.")
        kind = IP_KINDS.get(pieces[0])
        if kind is None:
            return [], (f"第{n + 1}项类型“{pieces[0]}”应为发明专利、实用新型、软件著作权或技术秘密。"
                        f"Item {n + 1}: unknown kind.")
        items.append({"kind": kind.value, "number": pieces[1] or None, "title": pieces[2]})
    return items, None


def _row_values(raw: dict[str, str], fields: Fields, errors: list[RowError], row: int,
                headers: dict[str, str]) -> dict[str, Any]:
    def fail(key: str, message: str) -> None:
        errors.append(RowError(row, headers.get(key, HEADER_OF[key]), message))

    values: dict[str, Any] = {k: raw.get(k, "") for k in ("title", "abstract", "team_lead",
                                                          "region", "trl")}
    for key in REQUIRED:
        if not raw.get(key):
            fail(key, "必填项。Required.")
    field_key = "field_code" if raw.get("field_code") or "field_name" not in raw else "field_name"
    if not raw.get(field_key):
        fail(field_key, "必填项。Required.")
    else:
        field_id, problem = fields.find(raw.get("field_code", ""), raw.get("field_name", ""))
        if problem:
            fail(field_key, problem)
        values["field_id"] = field_id
    if raw.get("stage"):
        stage = STAGES.get(raw["stage"].lower())
        if stage is None:
            fail("stage", "阶段应为实验室、中试或产业化。Stage is lab, pilot or industrialised.")
        values["stage"] = stage
    values["keywords"] = [raw["keywords"]] if raw.get("keywords") else []
    modes = [m for m in _MODE_SEPARATORS.split(raw.get("modes", "")) if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        fail("modes", f"未知的合作方式：{'、'.join(unknown)}（可选技术开发、技术转让、技术许可、"
                      "技术咨询、技术服务、联合研发）。Unknown cooperation mode.")
    values["modes"] = [MODES[m] for m in modes if m in MODES]
    items, problem = _parse_ip_items(raw.get("ip_items", ""))
    if problem:
        fail("ip_items", problem)
    values["ip_items"] = items
    price = raw.get("price", "").replace(",", "").replace("，", "").strip()
    values["price"] = price or None
    negotiable = raw.get("negotiable", "").lower()
    if negotiable in YES:
        values["negotiable"] = True
    elif negotiable in NO:
        values["negotiable"] = False
    elif negotiable:
        fail("negotiable", "面议应填“是”或“否”。Negotiable is 是 or 否.")
    else:
        values["negotiable"] = not price
    return values


def _schema_message(key: str, error: Any) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if key == "trl":
        return "技术成熟度应为1到9的整数。TRL is a whole number from 1 to 9."
    if key == "price" and kind == "decimal_parsing":
        return "价格应为数字（元）。The price must be a number of yuan."
    if key == "price" and kind == "greater_than_equal":
        return "价格不能为负数。The price cannot be negative."
    if kind == "string_too_long":
        return f"内容过长，最多{ctx.get('max_length')}个字。Too long: at most {ctx.get('max_length')}."
    if kind == "missing":
        return "必填项。Required."
    return str(error.get("msg", "")).removeprefix("Value error, ")


def _schema_errors(exc: ValidationError, row: int, headers: dict[str, str],
                   already: set[str]) -> list[RowError]:
    found = []
    for error in exc.errors():
        loc = error.get("loc", ())
        key = _FIELD_OF_ERROR.get(str(loc[0]) if loc else "", "")
        if key == "field_code" and key not in headers:
            key = "field_name"
        column = headers.get(key, HEADER_OF.get(key, str(loc[0]) if loc else "?"))
        if column in already:
            continue
        message = _schema_message(key, error)
        if key == "ip_items" and len(loc) > 1:
            message = f"第{int(loc[1]) + 1}项：{message}"
        found.append(RowError(row, column, message))
    return found


def check_rows(fields: Fields, rows: Iterator[list[str]],
               progress: Callable[[int], None] | None = None
               ) -> tuple[list[tuple[int, AchievementIn]], list[RowError]]:
    """Validate every row; return the valid ones with their row numbers, and all errors.
    `progress` hears the number of data rows checked every PROGRESS_EVERY rows, and at the
    end."""
    header = next(rows, None)
    errors: list[RowError] = []
    if header is None or not any(header):
        return [], [RowError(1, "", "文件为空或缺少表头。The file is empty or has no header row.")]
    keys: list[str | None] = []
    headers: dict[str, str] = {}
    for title in header:
        key = _header_key(title) if title else None
        if title and key is None:
            errors.append(RowError(1, title, "未知的列。Unknown column."))
        elif key is not None:
            if key in headers:
                errors.append(RowError(1, title, "列重复。Duplicate column."))
            headers[key] = title
        keys.append(key)
    for key in (*REQUIRED, "field_code"):
        if key not in headers and not (key == "field_code" and "field_name" in headers):
            errors.append(RowError(1, HEADER_OF[key], "缺少该列。This column is missing."))
    if errors:
        return [], errors
    valid: list[tuple[int, AchievementIn]] = []
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(cells) or (cells and str(cells[0]).lstrip().startswith(NOTE_MARK)):
            continue
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        raw = {k: cells[i] for i, k in enumerate(keys) if k is not None and i < len(cells)}
        row_errors: list[RowError] = []
        values = _row_values(raw, fields, row_errors, number, headers)
        failed = {e.column for e in row_errors}
        try:
            data = AchievementIn.model_validate(values)
        except ValidationError as exc:
            row_errors += _schema_errors(exc, number, headers, failed)
        else:
            if data.price is None and not data.negotiable:
                row_errors.append(RowError(number, headers.get("price", HEADER_OF["price"]),
                                           achievement_service.PRICE_OR_NEGOTIABLE))
            elif not row_errors:
                valid.append((number, data))
        errors += row_errors
    if progress is not None and count % PROGRESS_EVERY:
        progress(count)
    if count == 0 and not errors:
        errors.append(RowError(2, "", "文件中没有数据行（以 # 开头的说明、示例行不会导入）。The file "
                                      "has no data rows (rows starting with # are notes and are "
                                      "not imported)."))
    return valid, errors


# --- importing -------------------------------------------------------------------------------

def reported(errors: list[RowError]) -> tuple[list[dict[str, Any]], str]:
    """The errors as an import's result shows them (at most MAX_REPORTED_ERRORS), and the
    summary."""
    items: list[dict[str, Any]] = [
        {"row": e.row, "column": e.column, "field": f"第{e.row}行 {e.column}".strip(),
         "message": e.message} for e in errors[:MAX_REPORTED_ERRORS]]
    rows = len({e.row for e in errors})
    return items, (f"有{rows}行存在错误，未导入任何数据；请修改后重新上传。{len(errors)} problem(s) in "
                   f"{rows} row(s); nothing was imported.")


def duplicate_errors(session: Session, organisation_id: int,
                     valid: list[tuple[int, AchievementIn]]) -> list[RowError]:
    """Rows that would publish an achievement twice (`achievements.published_duplicates`):
    against what the organisation has published, and against an earlier row of the file."""
    candidates = [(d.title, [i.number for i in d.ip_items if i.number is not None])
                  for _, d in valid]
    existing = achievement_service.published_duplicates(session, organisation_id, candidates)
    errors: list[RowError] = []
    earlier: dict[tuple[str, str], int] = {}
    for index, ((row, _), (title, numbers)) in enumerate(zip(valid, candidates, strict=True)):
        if index in existing:
            errors.append(RowError(row, HEADER_OF["title"],
                                   achievement_service.duplicate_message(existing[index])))
            continue
        keys = [(achievement_service.same_title(title), n) for n in numbers]
        first = next((earlier[k] for k in keys if k in earlier), None)
        if first is not None:
            errors.append(RowError(row, HEADER_OF["title"], (
                f"与第{first}行标题和专利号相同，同一成果不能发布两次。Same title and patent number "
                f"as row {first}: one achievement is published once.")))
        for key in keys:
            earlier.setdefault(key, row)
    return errors


def insert_achievements(session: Session, organisation_id: int, user_id: int,
                        rows: list[AchievementIn], publish: bool) -> list[int]:
    """Insert checked achievements with bulk statements; return their ids in row order."""
    now = utcnow()
    status = AchievementStatus.PUBLISHED if publish else AchievementStatus.DRAFT
    ids = allocate_ids(session, Achievement.__tablename__, len(rows))
    values = [{
        "id": achievement_id, "organisation_id": organisation_id, "created_by_id": user_id,
        "title": d.title, "abstract": d.abstract, "field_id": d.field_id,
        "keywords": ",".join(d.keywords), "trl": d.trl, "stage": d.stage, "price": d.price,
        "negotiable": d.negotiable, "modes_mask": modes_to_mask(list(d.modes)),
        "team_lead": d.team_lead, "region": d.region, "status": status, "hidden": False,
        "hidden_reason": None,
        "search_text": achievement_service.achievement_search_text(
            d.title, d.abstract, d.keywords, [i.title for i in d.ip_items]),
        "created_at": now, "updated_at": now, "published_at": now if publish else None,
    } for achievement_id, d in zip(ids, rows, strict=True)]
    session.connection().execute(insert(Achievement), values)
    items = [{"achievement_id": achievement_id, "kind": item.kind, "number": item.number,
              "title": item.title}
             for achievement_id, d in zip(ids, rows, strict=True) for item in d.ip_items]
    if items:
        session.connection().execute(insert(IpItem), items)
    return ids
