"""Reports as PDF (ReportLab): headings, wrapped paragraphs and ruled tables, in Chinese and
English, on A4 pages.

Chinese is set in Adobe's standard CJK font STSong-Light (`UnicodeCIDFont`, not embedded):
PDF readers (PDFium in Chrome, pdf.js, Acrobat, Preview) supply it, so a report is a few
kilobytes and the server needs no font file. Text is escaped for ReportLab's mini-markup,
so what a user typed is printed as typed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
MARGIN = 50.0
PAGE_W, PAGE_H = A4
_LEADING = 1.45

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _style(size: float, indent: float = 0) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}-{indent}", fontName=FONT, fontSize=size,
                          leading=size * _LEADING, leftIndent=indent, wordWrap="CJK")


def _text(text: str) -> str:
    """Plain text as ReportLab markup: escaped, line breaks kept."""
    return escape(text.replace("\r", "")).replace("\n", "<br/>")


class Document:
    """A report built top to bottom, then rendered by `bytes()`."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.story: list[Flowable] = []
        self.pages = 0

    def heading(self, text: str, size: float = 16) -> None:
        self.story += [Spacer(1, size * 0.6), Paragraph(_text(text), _style(size))]

    def paragraph(self, text: str, size: float = 10, indent: float = 0) -> None:
        self.story.append(Paragraph(_text(text), _style(size, indent)))

    def space(self, points: float) -> None:
        self.story.append(Spacer(1, points))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], size: float = 9) -> None:
        """A ruled table whose columns take the given shares of the text width; it continues
        across pages with its header repeated."""
        style = _style(size)
        usable = PAGE_W - 2 * MARGIN
        cells = [[Paragraph(_text(str(c)), style) for c in row] for row in [header, *rows]]
        table = Table(cells, colWidths=[usable * w for w in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        self.story += [Spacer(1, 4), table, Spacer(1, 4)]

    def bytes(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, title=self.title, leftMargin=MARGIN,
                                rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
        doc.build(list(self.story))
        self.pages = doc.page
        return out.getvalue()
