"""A small PDF writer for reports: headings, wrapped paragraphs and ruled tables, in Chinese
and English, on A4 pages.

Why hand-written: the project ships no PDF library, and a report needs only text and lines.
Chinese is set in Adobe's standard CJK font STSong-Light (CID-keyed, Adobe-GB1) with the
UniGB-UCS2-H encoding, not embedded — the approach of ReportLab's `UnicodeCIDFont`: PDF
readers (PDFium in Chrome, pdf.js, Acrobat, Preview) supply the font, so a report is a few
kilobytes and the server needs no font file. Text is written as UCS-2 (characters outside
the Basic Multilingual Plane become "?"), so it stays searchable and copyable.

Widths are estimated (CJK and full-width characters one em, others half an em, which the font
is told too), enough to wrap text and fit tables; nothing here measures glyphs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 50.0
_LEADING = 1.45


def _em(ch: str) -> float:
    if ch == "\t":
        return 1.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5


def text_width(text: str, size: float) -> float:
    return sum(_em(ch) for ch in text) * size


def _hex(text: str) -> str:
    """UCS-2 big-endian hex, as UniGB-UCS2-H reads it."""
    safe = "".join(ch if ord(ch) <= 0xFFFF and ch.isprintable() else "?" for ch in text)
    return safe.encode("utf-16-be").hex().upper()


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points; Latin words kept whole where they fit, CJK broken
    anywhere; an explicit newline starts a new line."""
    lines: list[str] = []
    for para in text.replace("\r", "").split("\n"):
        line, used, word = "", 0.0, ""

        def flush_word() -> None:
            nonlocal line, used, word
            w = text_width(word, size)
            if used + w > width and line:
                lines.append(line.rstrip())
                line, used = "", 0.0
                word = word.lstrip()
                w = text_width(word, size)
            while w > width and word:  # a word longer than the line: cut it
                cut = 1
                while cut < len(word) and text_width(word[:cut + 1], size) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
                w = text_width(word, size)
            line += word
            used += w
            word = ""

        for ch in para:
            if _em(ch) == 1.0 or ch == " ":
                flush_word()
                word = ch
                flush_word()
            else:
                word += ch
        flush_word()
        lines.append(line.rstrip())
    return lines


@dataclass
class _Page:
    ops: list[str] = field(default_factory=list)


class Document:
    """Build a report top to bottom; `bytes()` returns the PDF."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.pages: list[_Page] = []
        self.y = 0.0
        self._new_page()

    # --- layout ---------------------------------------------------------------------------

    def _new_page(self) -> None:
        self.pages.append(_Page())
        self.y = PAGE_H - MARGIN

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self._new_page()

    def _text(self, x: float, y: float, text: str, size: float) -> None:
        if text:
            self.pages[-1].ops.append(
                f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{_hex(text)}> Tj ET")

    def _line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.pages[-1].ops.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    def heading(self, text: str, size: float = 16) -> None:
        self.space(size * 0.4)
        self.paragraph(text, size)
        self.space(size * 0.2)

    def paragraph(self, text: str, size: float = 10, indent: float = 0) -> None:
        width = PAGE_W - 2 * MARGIN - indent
        for line in wrap(text, size, width):
            self._room(size * _LEADING)
            self.y -= size * _LEADING
            self._text(MARGIN + indent, self.y + size * 0.3, line, size)

    def space(self, points: float) -> None:
        self.y -= points

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], size: float = 9) -> None:
        """A ruled table; `widths` are fractions of the text width. The header repeats on
        each new page."""
        total = PAGE_W - 2 * MARGIN
        cols = [w * total for w in widths]
        pad = 3.0

        def row_height(cells: Sequence[str]) -> tuple[float, list[list[str]]]:
            wrapped = [wrap(c, size, cols[i] - 2 * pad) for i, c in enumerate(cells)]
            lines = max(len(w) for w in wrapped)
            return lines * size * _LEADING + 2 * pad, wrapped

        def draw(cells: Sequence[str]) -> None:
            height, wrapped = row_height(cells)
            top = self.y
            x = MARGIN
            for i, lines in enumerate(wrapped):
                for n, line in enumerate(lines):
                    self._text(x + pad, top - pad - (n + 1) * size * _LEADING + size * 0.3,
                               line, size)
                x += cols[i]
            bottom = top - height
            self._line(MARGIN, bottom, MARGIN + total, bottom)
            x = MARGIN
            for w in (0.0, *cols):
                x += w
                self._line(x, top, x, bottom)
            self.y = bottom

        def start() -> None:
            self._line(MARGIN, self.y, MARGIN + total, self.y)
            draw(header)

        self._room(row_height(header)[0] * 2)
        start()
        for cells in rows:
            height, _ = row_height(cells)
            if self.y - height < MARGIN:
                self._new_page()
                start()
            draw(cells)
        self.space(8)

    # --- the file ---------------------------------------------------------------------------

    def bytes(self) -> bytes:
        objects: list[bytes] = []

        def add(body: str | bytes) -> int:
            objects.append(body.encode("latin-1") if isinstance(body, str) else body)
            return len(objects)

        catalog = add("")  # filled in below, once the page tree's number is known
        pages_id = add("")
        font = add("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
                   "/Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>")
        add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
            "/FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>")
        add("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            "/CapHeight 880 /StemV 93 >>")
        kids = []
        for number, page in enumerate(self.pages, start=1):
            folio = _hex(f"{number} / {len(self.pages)}")
            footer = f"BT /F1 8 Tf {PAGE_W / 2 - 12:.2f} 28 Td <{folio}> Tj ET"
            content = "0.5 w\n" + "\n".join([*page.ops, footer])
            data = content.encode("latin-1")
            stream = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
            kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_W:g} "
                            f"{PAGE_H:g}] /Resources << /Font << /F1 {font} 0 R >> >> "
                            f"/Contents {stream} 0 R >>"))
        objects[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}]"
                                 f" /Count {len(kids)} >>").encode("latin-1")
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode("latin-1")
        info = add(f"<< /Title <FEFF{_hex(self.title)}> /Producer (techbroker) >>")

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
                f"startxref\n{xref}\n%%EOF\n").encode("latin-1")
        return bytes(out)
