"""Reading an uploaded sheet (XLSX or CSV) as rows of text, within limits checked before the
file is parsed.

A 225 KB XLSX holding one sheet of 2,000,000 inline cells once stalled the server for 20 s
and took 1.7 GB: a zip is small, what it unpacks to need not be, and a parser that builds a
row before anyone counts it has already paid. So an XLSX is checked in order of cost:

1. the zip's end record: at most `IMPORT_MAX_ZIP_ENTRIES` entries, read before the central
   directory (each of whose entries costs memory to list);
2. the central directory: no encrypted entry, and at most `IMPORT_MAX_UNPACKED_MB` unpacked
   in all (zipfile never inflates an entry past the size it declares, so the sum holds);
3. every XML part streamed through expat, no DTD allowed (so no entity expansion — what
   defusedxml refuses; openpyxl uses defusedxml for its own parsing when it is installed),
   counting each worksheet's rows, columns and cells and each cell's text as it goes, and
   stopping at the first limit passed.

Only then does openpyxl read the first sheet (read-only, values only) within the shape found.
A CSV is decoded and counted the same way by the csv module. Limits passed are a 413 naming
the setting; a file that cannot be read (truncated, not XML, encrypted, a cell too long) is a
422 saying what to do.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.parsers import expat

from openpyxl import load_workbook

from backend.config import Settings
from backend.core.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel's encrypted .xlsx, and the old .xls
_END = b"PK\x05\x06"
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"
_READ = 64 * 1024

CANNOT_READ = ("无法读取该 Excel 文件，请用模板另存为 .xlsx。"
               "This Excel file cannot be read; save it as .xlsx.")


class ImportLimitExceeded(DomainError):
    """A file beyond one of the import limits; `limit` names the setting, `max` its value."""

    status_code = 413
    title = "文件超出导入限制 Import limit exceeded"
    type_slug = "import-limit-exceeded"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    unpacked_bytes: int
    zip_entries: int
    rows: int           # data rows, the header not counted
    columns: int
    cells: int
    cell_chars: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(max_bytes=settings.max_upload_mb * 1024 * 1024,
                   unpacked_bytes=settings.import_max_unpacked_mb * 1024 * 1024,
                   zip_entries=settings.import_max_zip_entries,
                   rows=settings.import_max_rows, columns=settings.import_max_columns,
                   cells=settings.import_max_cells, cell_chars=settings.import_max_cell_chars)


@dataclass(frozen=True)
class Shape:
    """What a checked file holds: its last row with a cell (the header is row 1), its widest
    column, its cells."""

    rows: int
    columns: int
    cells: int


def _exceeded(setting: str, value: int, zh: str, en: str) -> ImportLimitExceeded:
    return ImportLimitExceeded(f"{zh}（{setting} = {value}）。{en} ({setting} = {value}).",
                               limit=setting, max=value)


def _too_many_rows(limits: Limits) -> ImportLimitExceeded:
    return _exceeded("IMPORT_MAX_ROWS", limits.rows, f"一次最多导入 {limits.rows} 行",
                     f"At most {limits.rows} rows per import")


def _too_many_columns(limits: Limits) -> ImportLimitExceeded:
    return _exceeded("IMPORT_MAX_COLUMNS", limits.columns, f"表格最多 {limits.columns} 列",
                     f"At most {limits.columns} columns")


def _too_many_cells(limits: Limits) -> ImportLimitExceeded:
    return _exceeded("IMPORT_MAX_CELLS", limits.cells, f"表格最多 {limits.cells} 个单元格",
                     f"At most {limits.cells} cells")


def _cell_too_long(limits: Limits, where_zh: str, where_en: str) -> InvalidInput:
    return InvalidInput("file", f"{where_zh}内容超过 {limits.cell_chars} 个字（IMPORT_MAX_CELL_CHARS），"
                                f"请删减后重新上传。{where_en} is longer than {limits.cell_chars} "
                                "characters (IMPORT_MAX_CELL_CHARS).",
                        limit="IMPORT_MAX_CELL_CHARS", max=limits.cell_chars)


def check(content: bytes, filename: str | None, limits: Limits) -> Shape:
    """The file's shape, or the first limit it passes (413) or why it cannot be read (422)."""
    if is_xlsx(content, filename):
        return _check_xlsx(content, limits)
    return _check_csv(_decode(content), limits)


def read_rows(content: bytes, filename: str | None, limits: Limits) -> Iterator[list[str]]:
    """The first sheet's rows as text, header first, after `check`."""
    shape = check(content, filename, limits)
    if is_xlsx(content, filename):
        return _xlsx_rows(content, shape)
    return _csv_rows(_decode(content))


def is_xlsx(content: bytes, filename: str | None) -> bool:
    """XLSX is recognised by content; a name that says Excel is held to it."""
    if content[:4] == ZIP_MAGIC:
        return True
    if content[:8] == OLE_MAGIC:
        raise InvalidInput("file", "该文件受密码保护或为旧版 .xls 格式，请取消密码并另存为 .xlsx。"
                                   "This file is password-protected or an old .xls; remove the "
                                   "password and save it as .xlsx.")
    if (filename or "").lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise InvalidInput("file", CANNOT_READ)
    return False


# --- XLSX ----------------------------------------------------------------------------------------

def _declared_entries(content: bytes) -> int:
    """The entry count the zip's end record declares (zip64 included), without listing them."""
    at = content.rfind(_END, max(0, len(content) - 65_557))
    if at < 0 or at + 22 > len(content):
        raise InvalidInput("file", CANNOT_READ)
    (entries,) = struct.unpack_from("<H", content, at + 10)
    if entries != 0xFFFF:
        return int(entries)
    locator = at - 20
    if locator < 0 or content[locator:locator + 4] != _END64_LOCATOR:
        raise InvalidInput("file", CANNOT_READ)
    (offset,) = struct.unpack_from("<Q", content, locator + 8)
    if offset + 56 > len(content) or content[offset:offset + 4] != _END64:
        raise InvalidInput("file", CANNOT_READ)
    (entries64,) = struct.unpack_from("<Q", content, offset + 32)
    return int(entries64)


def _check_xlsx(content: bytes, limits: Limits) -> Shape:
    if _declared_entries(content) > limits.zip_entries:
        raise _exceeded("IMPORT_MAX_ZIP_ENTRIES", limits.zip_entries,
                        f"压缩包内最多 {limits.zip_entries} 个文件",
                        f"At most {limits.zip_entries} entries in the file's zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError,
            struct.error) as exc:
        raise InvalidInput("file", CANNOT_READ) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.zip_entries:  # the end record understated them
            raise _exceeded("IMPORT_MAX_ZIP_ENTRIES", limits.zip_entries,
                            f"压缩包内最多 {limits.zip_entries} 个文件",
                            f"At most {limits.zip_entries} entries in the file's zip")
        if any(info.flag_bits & 0x1 for info in entries):
            raise InvalidInput("file", "文件中有加密内容，请取消密码后另存为 .xlsx。"
                                       "Part of this file is encrypted; remove the password "
                                       "and save it as .xlsx.")
        if sum(info.file_size for info in entries) > limits.unpacked_bytes:
            mb = limits.unpacked_bytes // (1024 * 1024)
            raise _exceeded("IMPORT_MAX_UNPACKED_MB", mb, f"文件解压后超过 {mb} MB",
                            f"The file unpacks to more than {mb} MB")
        scan = _XmlScan(limits)
        for info in entries:
            if info.filename.lower().endswith((".xml", ".rels")):
                scan.part(archive, info)
    return Shape(scan.rows, scan.columns, scan.cells)


@functools.lru_cache(maxsize=1024)
def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _XmlScan:
    """Streams XML parts through expat with the limits applied as elements start, keeping
    nothing but counters: rows, columns and cells of worksheets, text length of cells and of
    shared strings."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = self.columns = self.cells = 0

    def part(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        limits = self.limits
        at = _Position()

        def start(name: str, attrs: dict[str, str]) -> None:
            kind = _KINDS.get(name)
            if kind is None:  # a prefixed name, or one that needs no counting
                kind = _KINDS.get(name.rpartition(":")[2], _OTHER) if ":" in name else _OTHER
            if not at.root:
                at.root = kind
            if at.root == _WORKSHEET:
                if kind == _CELL:
                    self._cell(at, attrs.get("r", ""))
                elif kind == _ROW:
                    r = attrs.get("r", "")
                    at.row = int(r) if r.isdigit() else at.row + 1
                    at.column = 0
            elif at.root == _SHARED and kind == _STRING:
                at.text = 0

        def text(data: str) -> None:  # a cell's or a shared string's, since it started
            at.text += len(data)
            if at.text > limits.cell_chars:
                if at.root == _SHARED:
                    raise _cell_too_long(limits, "有一格", "A cell")
                if at.root == _WORKSHEET:
                    raise _cell_too_long(limits, f"单元格 {at.ref} ", f"Cell {at.ref}")
                at.text = 0  # other parts: only their size counts

        def forbidden(*_: Any) -> None:
            raise InvalidInput("file", "文件中含有不允许的 XML 声明（DTD 或实体），请用 Excel 另存为 "
                                       ".xlsx。The file declares XML entities or a DTD, which "
                                       "is not allowed; save it again as .xlsx from Excel.")

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = forbidden
        parser.EntityDeclHandler = forbidden
        parser.ExternalEntityRefHandler = forbidden  # type: ignore[assignment]  # typeshed: returns int
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_READ):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise InvalidInput("file", f"文件已损坏（{info.filename}：{exc}），请用 Excel 重新保存为 "
                                       f".xlsx。The file is damaged ({info.filename}: {exc}); "
                                       "save it again as .xlsx.") from exc
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError,
                RuntimeError) as exc:  # a bad CRC, cut-off data, an unknown compression
            raise InvalidInput("file", CANNOT_READ) from exc

    def _cell(self, at: _Position, ref: str) -> None:
        limits = self.limits
        at.text = 0
        letters = ref.rstrip("0123456789")
        column = _column_number(letters) if letters.isalpha() and len(letters) <= 3 else 0
        if column:
            at.column = column
            digits = ref[len(letters):]
            if digits and int(digits) > at.row:
                at.row = int(digits)
        else:
            at.column += 1
        at.ref = ref
        self.cells += 1
        if at.row > limits.rows + 1:
            raise _too_many_rows(limits)
        if at.column > limits.columns:
            raise _too_many_columns(limits)
        if self.cells > limits.cells:
            raise _too_many_cells(limits)
        if at.row > self.rows:
            self.rows = at.row
        if at.column > self.columns:
            self.columns = at.column


_WORKSHEET, _SHARED, _ROW, _CELL, _STRING, _OTHER = range(1, 7)
_KINDS = {"worksheet": _WORKSHEET, "sst": _SHARED, "row": _ROW, "c": _CELL, "si": _STRING,
          **dict.fromkeys(("v", "is", "t", "f", "r", "rPr"), _OTHER)}


@dataclass
class _Position:
    """Where the scan of one XML part is."""

    root: int = 0       # the part's root element: a worksheet, the shared strings, another
    row: int = 0
    column: int = 0
    ref: str = ""
    text: int = 0       # characters since the current cell or shared string started


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(content: bytes, shape: Shape) -> Iterator[list[str]]:
    if shape.cells == 0:
        return
    # openpyxl's failures on a file that passed the checks are untyped (KeyError for a missing
    # part, TypeError or ValueError for an odd attribute, ...): what the user sent cannot be
    # read, which is theirs to fix, not a server error.
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        log.info("unreadable XLSX: %r", exc)
        raise InvalidInput("file", CANNOT_READ) from exc
    try:
        if not book.worksheets:
            raise InvalidInput("file", CANNOT_READ)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(min_row=1, max_row=shape.rows, max_col=shape.columns,
                               values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                log.info("unreadable XLSX row: %r", exc)
                raise InvalidInput("file", CANNOT_READ) from exc
            yield [_cell(v) for v in values]
    finally:
        book.close()


# --- CSV -----------------------------------------------------------------------------------------

def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel on Chinese Windows saves "CSV" in GBK
            return content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise InvalidInput("file", "CSV 文件编码无法识别，请保存为 UTF-8。"
                                       "Cannot decode this CSV; save it as UTF-8.") from exc


def _records(text: str, limits: Limits | None = None) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module's own limit on a field (131,072 characters) is above ours.
            if "field larger than field limit" in str(exc) and limits is not None:
                raise _cell_too_long(limits, f"第{number + 1}行有一格",
                                     f"A cell in row {number + 1}") from exc
            raise InvalidInput("file", f"CSV 第{number + 1}行格式有误（{exc}），请用模板另存为 CSV。"
                                       f"Row {number + 1} of the CSV is malformed ({exc}).") from exc
        number += 1
        yield record


def _check_csv(text: str, limits: Limits) -> Shape:
    rows = columns = cells = 0
    for number, record in enumerate(_records(text, limits), start=1):
        if not any(record):  # blank lines, as empty rows of a sheet, count for nothing
            continue
        if number > limits.rows + 1:
            raise _too_many_rows(limits)
        if len(record) > limits.columns:
            raise _too_many_columns(limits)
        cells += len(record)
        if cells > limits.cells:
            raise _too_many_cells(limits)
        for index, value in enumerate(record):
            if len(value) > limits.cell_chars:
                raise _cell_too_long(limits, f"第{number}行第{index + 1}列",
                                     f"Row {number}, column {index + 1}")
        rows, columns = number, max(columns, len(record))
    return Shape(rows, columns, cells)


def _csv_rows(text: str) -> Iterator[list[str]]:
    for record in _records(text):
        yield [c.strip() for c in record]
