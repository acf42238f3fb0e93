"""The platform's one writer of CSV and XLSX files: every export and download goes through it.

CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly. Text that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return — a title
such as `=HYPERLINK(...)` or `@SUM(...)`) is prefixed with an apostrophe, in both formats
(`text_cell`); numbers stay numbers. Amounts stay exact: CSV writes the decimal string, XLSX a
number formatted to the fen. Timestamps are shown in Beijing time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from backend.core.clock import CHINA_TZ

Format = Literal["csv", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str                 # sheet and file name, ASCII
    columns: Sequence[str]    # headings, "中文 English"
    rows: list[Sequence[Any]] = field(default_factory=list)


def text_cell(value: str) -> str:
    """Text as a spreadsheet cell: never a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _local(moment: datetime) -> datetime:
    return moment.astimezone(CHINA_TZ).replace(tzinfo=None)


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return _local(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | Decimal | int):
        return str(value)
    return text_cell(str(value))


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([csv_value(v) for v in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[:31])
    sheet.append(list(table.columns))
    for row in table.rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "#,##0.00" if value == value.quantize(Decimal("0.01")) \
                    else "0.######"
                cells.append(cell)
            elif isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=_local(value))
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
                cells.append(cell)
            elif isinstance(value, bool | int | date) or value is None:
                cells.append(value)
            elif isinstance(value, Enum):
                cells.append(str(value.value))
            else:
                cells.append(text_cell(str(value)))
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(table: Table, fmt: Format) -> bytes:
    return to_csv(table) if fmt == "csv" else to_xlsx(table)
