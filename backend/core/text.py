"""The one rule for text people type: store what they typed, minus what no one can see.

Text is kept as typed — `A & B < C` stays `A & B < C`, Chinese and full-width punctuation
untouched — and escaped by whatever produces HTML (React does, for every text it renders) or
a spreadsheet (core/tabular.py). Stored text is only made canonical and visible:

- NFC, so the same word typed on two keyboards is the same string (compared, searched, unique);
- control characters removed (C0, DEL, C1): they show as nothing or as garbage, break CSV
  and log lines, and a NUL is refused by PostgreSQL. A single-line field turns line breaks
  and tabs into spaces; a multi-line one keeps tabs and line feeds, as `\\n`;
- invisible characters that change how text is shown or compared, without showing
  themselves, removed (`INVISIBLE`);
- surrounding white space stripped.

`core.schemas.FreeText` applies this to a request field, and every free-text field of every
request schema has it (tests/security/test_free_text.py walks them).
"""

from __future__ import annotations

import re
import unicodedata

# Removed, and why:
#   U+202A–U+202E  bidi embeddings and overrides } reorder what is shown: "Trojan Source", a
#   U+2066–U+2069  bidi isolates                  } file name or a reference read backwards
#   U+200E U+200F U+061C  direction marks (LRM, RLM, ALM): the same, more subtly; the people
#                  here write Chinese and English, which never need them
#   U+200B         zero-width space       } make two names that look the same differ: a second
#   U+2060         word joiner            } "华为" that no duplicate check, search or
#   U+FEFF         zero-width no-break    } related-party rule matches (U+FEFF also arrives as
#                  space / byte-order mark } a byte-order mark pasted from a file)
#   U+2061–U+2064  invisible mathematical operators: the same
# Kept: U+200C and U+200D (zero-width non-joiner and joiner), which emoji sequences (👨‍💻)
# and some scripts need; U+00AD (soft hyphen), a line-breaking hint that changes nothing.
INVISIBLE = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060-\u2064\ufeff"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0 but \t \n \r, DEL, C1 but NEL
_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")            # every other way to end a line
_DROP = re.compile(f"[{_CONTROLS}{INVISIBLE}]")
_LINE_SPACES = re.compile("[\t\n]")


def clean_lines(value: str) -> str:
    """Text of several lines (a description, a note, a reason): line breaks become `\\n`."""
    text = _DROP.sub("", _BREAKS.sub("\n", value))
    return unicodedata.normalize("NFC", text).strip()


def clean_line(value: str) -> str:
    """Text of one line (a name, a title, a reference): line breaks and tabs become spaces."""
    text = _LINE_SPACES.sub(" ", _DROP.sub("", _BREAKS.sub("\n", value)))
    return unicodedata.normalize("NFC", text).strip()
