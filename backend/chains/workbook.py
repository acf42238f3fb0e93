"""A chain as an XLSX workbook, both ways.

Four sheets, each with a header row: 产业链 Chain (field, value), 节点 Nodes, 关系 Edges and
标记 Marks. Import reads them all (after `core.sheets.check`'s limits), builds the graph
document and validates it as a whole — the schema per row, then the graph — so an error
names its sheet and row and nothing is written unless every row is right. Export writes the
same sheets, text formula-escaped (`core.tabular.text_cell`), so an exported chain
re-imports unchanged."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from backend.chains import graph, schemas
from backend.chains.service import GraphInvalid
from backend.core import sheets
from backend.core.errors import InvalidInput
from backend.core.tabular import text_cell

log = logging.getLogger(__name__)

CHAIN, NODES, EDGES, MARKS = "产业链 Chain", "节点 Nodes", "关系 Edges", "标记 Marks"
CHAIN_FIELDS = ("code", "name_zh", "name_en", "region", "description", "is_dag")
NODE_COLUMNS = ("key", "name_zh", "name_en", "stage", "description", "keywords", "field_codes")
EDGE_COLUMNS = ("source", "target", "note")
MARK_COLUMNS = ("node_key", "kind", "reason", "marked_on", "evidence")
HEADINGS = {
    "code": "编号 code", "name_zh": "中文名称 name_zh", "name_en": "英文名称 name_en",
    "region": "地区 region", "description": "说明 description", "is_dag": "无环 is_dag",
    "key": "节点编号 key", "stage": "环节 stage", "keywords": "关键词 keywords",
    "field_codes": "领域 field_codes", "source": "供方节点 source", "target": "需方节点 target",
    "note": "备注 note", "node_key": "节点编号 node_key", "kind": "标记 kind",
    "reason": "理由 reason", "marked_on": "日期 marked_on", "evidence": "依据 evidence",
}
_TRUE = {"是", "true", "yes", "1", "y"}
_FALSE = {"否", "false", "no", "0", "n", ""}


def _split(value: str) -> list[str]:
    for sep in ("，", "、", ";", "；"):
        value = value.replace(sep, ",")
    return [part.strip() for part in value.split(",") if part.strip()]


# --- export ---------------------------------------------------------------------------

def to_xlsx(doc: schemas.ChainIn) -> bytes:
    book = Workbook(write_only=True)

    def sheet(name: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
        ws = book.create_sheet(name)
        ws.append([HEADINGS[c] for c in columns])
        for row in rows:
            ws.append([text_cell(v) if isinstance(v, str) else v for v in row])

    chain = doc.model_dump(mode="json")
    ws = book.create_sheet(CHAIN)
    ws.append(["字段 field", "值 value"])
    for name in CHAIN_FIELDS:
        value = chain[name]
        ws.append([name, ("是" if value else "否") if name == "is_dag" else text_cell(value)])
    sheet(NODES, NODE_COLUMNS, [
        [n.key, n.name_zh, n.name_en, n.stage.value, n.description, ", ".join(n.keywords),
         ", ".join(n.field_codes)] for n in doc.nodes])
    sheet(EDGES, EDGE_COLUMNS, [[e.source, e.target, e.note] for e in doc.edges])
    sheet(MARKS, MARK_COLUMNS, [
        [n.key, m.kind.value, m.reason, m.marked_on.isoformat(), m.evidence]
        for n in doc.nodes for m in n.marks])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- import ---------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # An exported cell kept from running as a formula reads back as what was typed.
    return text[1:] if text.startswith("'") else text


def _read(content: bytes, limits: sheets.Limits) -> dict[str, list[list[str]]]:
    if not sheets.is_xlsx(content, "chain.xlsx"):
        raise InvalidInput("file", "请上传 .xlsx 文件（可先导出一份作模板）。Upload an .xlsx file "
                                   "(export a chain for a template).")
    shape = sheets.check(content, "chain.xlsx", limits)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's failures are untyped: the file is the sender's to fix
        log.info("unreadable chain XLSX: %r", exc)
        raise InvalidInput("file", sheets.CANNOT_READ) from exc
    try:
        found: dict[str, list[list[str]]] = {}
        for ws in book.worksheets:
            rows = ws.iter_rows(min_row=1, max_row=max(shape.rows, 1),
                                max_col=max(shape.columns, 1), values_only=True)
            found[ws.title] = [[_text(v) for v in row] for row in rows]
        return found
    except Exception as exc:
        log.info("unreadable chain XLSX row: %r", exc)
        raise InvalidInput("file", sheets.CANNOT_READ) from exc
    finally:
        book.close()


def _records(book: dict[str, list[list[str]]], name: str, columns: Sequence[str],
             problems: list[graph.Problem]) -> list[tuple[int, dict[str, str]]]:
    """The sheet's data rows as {column: text} with their row numbers (blank rows skipped)."""
    rows = book.get(name)
    if rows is None:
        problems.append(graph.Problem(name, f"缺少工作表“{name}”。The sheet {name} is missing."))
        return []
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        cells = (row + [""] * len(columns))[:len(columns)]
        out.append((number, dict(zip(columns, cells, strict=True))))
    return out


def _where(sheet: str, row: int, error: Any) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
    return f"{sheet}!{row}" + (f" {loc}" if loc else "")


def parse(content: bytes, limits: sheets.Limits) -> schemas.ChainIn:
    """The workbook as a graph document, or every problem found, each naming sheet and row
    (the graph's own checks are the service's, run after this)."""
    book = _read(content, limits)
    problems: list[graph.Problem] = []
    meta = {r.get("field", ""): r.get("value", "")
            for _, r in _records(book, CHAIN, ("field", "value"), problems)}
    is_dag = meta.get("is_dag", "是").lower()
    if is_dag not in _TRUE | _FALSE:
        problems.append(graph.Problem(f"{CHAIN} is_dag", "无环一栏须填“是”或“否”。is_dag must "
                                                         "be 是 (yes) or 否 (no)."))
    marks: dict[str, list[dict[str, str]]] = {}
    node_keys: set[str] = set()
    nodes: list[dict[str, Any]] = []
    for row, r in _records(book, NODES, NODE_COLUMNS, problems):
        node: dict[str, Any] = {**r, "keywords": _split(r["keywords"]),
                                "field_codes": _split(r["field_codes"]), "marks": []}
        try:
            schemas.NodeIn.model_validate(node)
        except ValidationError as exc:
            problems.extend(graph.Problem(_where(NODES, row, e), e["msg"]) for e in exc.errors())
        nodes.append(node)
        node_keys.add(r["key"])
    for row, r in _records(book, MARKS, MARK_COLUMNS, problems):
        mark = {k: v for k, v in r.items() if k != "node_key"}
        try:
            schemas.MarkIn.model_validate(mark)
        except ValidationError as exc:
            problems.extend(graph.Problem(_where(MARKS, row, e), e["msg"]) for e in exc.errors())
        if r["node_key"] not in node_keys:
            problems.append(graph.Problem(f"{MARKS}!{row}", f"标记所在节点“{r['node_key']}”不存在。"
                                                            f"No node {r['node_key']}."))
        marks.setdefault(r["node_key"], []).append(mark)
    edges = []
    for row, r in _records(book, EDGES, EDGE_COLUMNS, problems):
        try:
            schemas.EdgeIn.model_validate(r)
        except ValidationError as exc:
            problems.extend(graph.Problem(_where(EDGES, row, e), e["msg"]) for e in exc.errors())
        edges.append(r)
    for node in nodes:
        node["marks"] = marks.get(node["key"], [])
    if problems:
        raise GraphInvalid(problems)
    try:
        return schemas.ChainIn.model_validate({
            **{k: meta.get(k, "") for k in CHAIN_FIELDS if k != "is_dag"},
            "is_dag": is_dag in _TRUE, "nodes": nodes, "edges": edges,
            "note": "XLSX 导入 imported"})
    except ValidationError as exc:
        raise GraphInvalid([graph.Problem(f"{CHAIN} " + ".".join(map(str, e["loc"])), e["msg"])
                            for e in exc.errors()]) from exc
