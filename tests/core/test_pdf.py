"""The report PDF writer: text in the standard CJK font, as typed (no markup), wrapped within
the page, tables across pages with their header repeated."""

from __future__ import annotations

import io

from pypdf import PdfReader

from backend.core.pdf import Document


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_document_carries_its_text_in_the_standard_cjk_font() -> None:
    doc = Document("报告")
    doc.heading("概念验证评审报告 Proof-of-concept review")
    doc.paragraph("技术成熟度 TRL 6")
    pdf = doc.bytes()
    assert pdf.startswith(b"%PDF-") and b"/BaseFont /STSong-Light" in pdf
    [text] = pages_text(pdf)
    assert "概念验证评审报告 Proof-of-concept review" in text and "技术成熟度 TRL 6" in text


def test_what_a_user_typed_is_printed_as_typed() -> None:
    doc = Document("报告")
    doc.paragraph("<b>加粗</b> & <font size=40>大</font>\n第二行")
    [text] = pages_text(doc.bytes())
    assert "<b>加粗</b> & <font size=40>大</font>" in text and "第二行" in text


def test_a_long_table_continues_on_new_pages_with_its_header() -> None:
    doc = Document("表")
    doc.table(["项目 Item", "值 Value"], [[f"第{i}行", str(i)] for i in range(120)], [0.7, 0.3])
    texts = pages_text(doc.bytes())
    assert doc.pages == len(texts) >= 3
    assert all("项目 Item" in text for text in texts)
    assert "第119行" in texts[-1]


def test_a_long_paragraph_wraps_within_the_page() -> None:
    doc = Document("段")
    doc.paragraph("基于深度学习的焊缝识别系统 with a fairly long English description " * 20)
    [text] = pages_text(doc.bytes())
    assert len(text.splitlines()) > 10
