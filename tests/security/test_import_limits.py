"""Hostile and malformed import files are refused at upload, before they are parsed: a 413
naming the limit passed, or a 422 saying what is wrong — never a 500, never a stall."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.config import get_settings
from backend.listings.importer import COLUMNS
from backend.listings.models import AchievementImport
from tests.builders import accounts as b

URL = "/api/v1/achievements/import"
HEADER = [h for h, _ in COLUMNS]
SHEET = "xl/worksheets/sheet1.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def base_xlsx() -> bytes:
    book = Workbook()
    book.worksheets[0].append(HEADER)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(parts: dict[str, bytes | Iterator[bytes]], encrypt: str | None = None,
               extra_entries: int = 0) -> bytes:
    """The template-like workbook with some parts replaced (streamed when given as chunks)."""
    source = zipfile.ZipFile(io.BytesIO(base_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in parts:
                continue
            target.writestr(info, source.read(info.filename))
        for name, content in parts.items():
            with target.open(name, "w", force_zip64=False) as stream:
                for chunk in [content] if isinstance(content, bytes) else content:
                    stream.write(chunk)
        for n in range(extra_entries):
            target.writestr(f"customXml/item{n}.xml", b"<a/>")
    return out.getvalue() if encrypt is None else marked_encrypted(out.getvalue(), encrypt)


def marked_encrypted(content: bytes, name: str) -> bytes:
    """Set the "encrypted" flag of one entry in its local header and the central directory
    (zipfile writes none, and clears it when asked to)."""
    data = bytearray(content)
    encoded = name.encode()
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at:at + name_at + len(encoded)] == encoded:
                data[at + flags_at] |= 0x1
            at = data.find(signature, at + 4)
    return bytes(data)


def sheet(rows: Iterator[bytes]) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + MAIN + b"><sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def inline(ref: str, text: str = "x") -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def upload(client: TestClient, db: Session, name: str, content: bytes) -> Any:
    institute = b.login_as(db, b.make_institute_user(db))
    r = client.post(URL, files={"file": (name, content)}, headers=institute.headers)
    assert r.headers["content-type"] == "application/problem+json", r.text[:500]
    assert db.execute(select(func.count()).select_from(AchievementImport)).scalar_one() == 0
    return r


def test_two_million_inline_cells_in_a_small_xlsx_are_refused_unparsed(
        client: TestClient, db: Session) -> None:
    def rows() -> Iterator[bytes]:
        for r in range(1, 20_001):
            yield b'<row r="%d">' % r + b"".join(
                b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(100)) + b"</row>"

    content = with_parts({SHEET: sheet(rows())})
    assert len(content) < 400_000  # deflate packs the repetition: a small upload
    r = upload(client, db, "bomb.xlsx", content)
    assert r.status_code == 413
    assert r.json()["limit"] == "IMPORT_MAX_UNPACKED_MB" and r.json()["max"] == 50
    assert "IMPORT_MAX_UNPACKED_MB = 50" in r.json()["detail"]


@pytest.mark.parametrize(("rows", "limit", "value"), [
    # one row of 2,000 cells, stopped at the 51st
    ([b'<row r="1">' + b"".join(inline(f"R1C{c}") for c in range(2000)) + b"</row>"],
     "IMPORT_MAX_COLUMNS", 50),
    # one cell far to the right: openpyxl would fill every row out to it
    ([b'<row r="1">' + inline("A1") + inline("XFD1") + b"</row>"], "IMPORT_MAX_COLUMNS", 50),
    # one cell a million rows down: openpyxl would yield every row before it
    ([b'<row r="1">' + inline("A1") + b'</row><row r="1048576">' + inline("A1048576")
      + b"</row>"], "IMPORT_MAX_ROWS", 20_000),
])
def test_sheets_beyond_the_row_and_column_limits_are_413(client: TestClient, db: Session,
                                                         rows: list[bytes], limit: str,
                                                         value: int) -> None:
    r = upload(client, db, "wide.xlsx", with_parts({SHEET: sheet(iter(rows))}))
    assert r.status_code == 413
    assert (r.json()["limit"], r.json()["max"]) == (limit, value)
    assert r.json()["type"] == "/problems/import-limit-exceeded"


def test_cells_beyond_the_limit_are_413(client: TestClient, db: Session,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "import_max_cells", 1000)
    rows = (b'<row r="%d">' % n + b"".join(inline(f"{col}{n}") for col in "ABCDEFGHIJ")
            + b"</row>" for n in range(1, 102))
    r = upload(client, db, "many.xlsx", with_parts({SHEET: sheet(rows)}))
    assert r.status_code == 413
    assert (r.json()["limit"], r.json()["max"]) == ("IMPORT_MAX_CELLS", 1000)


def test_too_many_zip_entries_are_413(client: TestClient, db: Session) -> None:
    r = upload(client, db, "entries.xlsx", with_parts({}, extra_entries=250))
    assert r.status_code == 413
    assert (r.json()["limit"], r.json()["max"]) == ("IMPORT_MAX_ZIP_ENTRIES", 200)


@pytest.mark.parametrize(("name", "content", "says"), [
    ("truncated.xlsx", with_parts({SHEET: b'<worksheet ' + MAIN + b'><sheetData><row r="1">'}),
     "文件已损坏"),
    ("laughs.xlsx", with_parts({SHEET: (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet ' + MAIN + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        b"<t>&lol3;</t></is></c></row></sheetData></worksheet>")}), "DTD 或实体"),
    ("external.xlsx", with_parts({"xl/sharedStrings.xml": (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<sst ' + MAIN + b'><si><t>&x;</t></si></sst>')}), "DTD 或实体"),
    ("encrypted.xlsx", with_parts({}, encrypt="xl/workbook.xml"), "加密"),
    ("cut.xlsx", base_xlsx()[:3000], "无法读取"),
    ("protected.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "受密码保护"),
])
def test_malformed_xlsx_is_a_clear_422(client: TestClient, db: Session, name: str,
                                       content: bytes, says: str) -> None:
    r = upload(client, db, name, content)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "file"
    assert says in r.json()["detail"]


def csv_with(cell: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerow(["标题", cell, *[""] * (len(HEADER) - 2)])
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("length", [200_000, 20_000])
def test_a_csv_cell_beyond_the_limit_is_a_clear_422(client: TestClient, db: Session,
                                                    length: int) -> None:
    r = upload(client, db, "long.csv", csv_with("摘" * length))
    assert r.status_code == 422
    assert (r.json()["limit"], r.json()["max"]) == ("IMPORT_MAX_CELL_CHARS", 10_000)
    assert r.json()["detail"].startswith("第2行")


def test_an_xlsx_cell_beyond_the_limit_is_a_clear_422(client: TestClient, db: Session) -> None:
    rows = iter([b'<row r="1">' + inline("B1", "摘" * 10_001) + b"</row>"])
    r = upload(client, db, "long.xlsx", with_parts({SHEET: sheet(rows)}))
    assert r.status_code == 422
    assert r.json()["limit"] == "IMPORT_MAX_CELL_CHARS"
    assert r.json()["detail"].startswith("单元格 B1 内容超过 10000 个字")


def test_a_csv_beyond_the_row_limit_is_413(client: TestClient, db: Session,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "import_max_rows", 10)
    content = csv_with("摘要") + b"\r\n".join(b"a,b" for _ in range(11))
    r = upload(client, db, "rows.csv", content)
    assert r.status_code == 413
    assert (r.json()["limit"], r.json()["max"]) == ("IMPORT_MAX_ROWS", 10)
