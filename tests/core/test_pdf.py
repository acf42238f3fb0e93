"""The report PDF writer: a well-formed file (every cross-reference points at its object), text
in UCS-2 for the standard CJK font, lines wrapped within the page, tables across pages."""

from __future__ import annotations

import re

from backend.core.pdf import MARGIN, PAGE_W, Document, text_width, wrap


def hexed(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _check_xref(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    start = int(re.findall(rb"startxref\n(\d+)\n", pdf)[-1])
    assert pdf[start:start + 5] == b"xref\n"
    count = int(re.match(rb"xref\n0 (\d+)\n", pdf[start:]).group(1))  # type: ignore[union-attr]
    entries = re.findall(rb"(\d{10}) 00000 n \n", pdf[start:])
    assert len(entries) == count - 1
    for number, offset in enumerate(entries, start=1):
        assert pdf[int(offset):].startswith(b"%d 0 obj\n" % number)
    return count - 1


def test_a_document_is_well_formed_and_carries_its_text() -> None:
    doc = Document("报告")
    doc.heading("概念验证评审报告 Proof-of-concept review")
    doc.paragraph("技术成熟度 TRL 6")
    pdf = doc.bytes()
    assert _check_xref(pdf) == 8  # catalog, pages, font, CID font, descriptor, stream, page, info
    assert b"/BaseFont /STSong-Light" in pdf and b"/Encoding /UniGB-UCS2-H" in pdf
    assert hexed("概念验证评审报告 Proof-of-concept review").encode() in pdf
    assert hexed("技术成熟度 TRL 6").encode() in pdf


def test_lines_wrap_within_the_width_keeping_latin_words_whole() -> None:
    text = "基于深度学习的焊缝识别系统 with a fairly long English description " * 4
    lines = wrap(text, 10, 200)
    assert len(lines) > 3
    assert all(text_width(line, 10) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.endswith("descrip") for line in lines)
    assert wrap("第一行\n第二行", 10, 200) == ["第一行", "第二行"]
    assert wrap("x" * 50, 10, 100) == ["x" * 20, "x" * 20, "x" * 10]  # a word longer than a line


def test_a_long_table_continues_on_new_pages_with_its_header() -> None:
    doc = Document("表")
    doc.table(["项目 Item", "值 Value"], [[f"第{i}行", str(i)] for i in range(120)], [0.7, 0.3])
    pdf = doc.bytes()
    assert len(doc.pages) >= 3
    _check_xref(pdf)
    assert pdf.count(hexed("项目 Item").encode()) == len(doc.pages)
    assert hexed("第119行").encode() in pdf
    assert PAGE_W - 2 * MARGIN > 0
