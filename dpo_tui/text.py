"""Making requester text inert in each output format (one module below services, exports, letters and the TUI).

- Markdown: every character CommonMark gives a meaning is backslash-escaped (so `*x*`, `[a](javascript:..)`,
  `<script>` and `&amp;` show as typed), a line can never start a list, heading or block, and control characters
  (terminal escape sequences) are shown as `\\x1b` instead of being emitted.
- Markdown table cells additionally lose their raw newlines (a newline would end the row).
- CSV: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so spreadsheet programs
  never evaluate it as a formula (OWASP "CSV injection").
- HTML: Jinja2 autoescape does the work; `clean` removes control characters first.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character CommonMark (and GFM: ~ |) can give meaning to. `.` and `:` are handled below.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()|<>~&!])")
# Meaningful only at the start of a line (list, heading, setext underline, thematic break).
_LINE_START = re.compile(r"^([-+=#])", re.MULTILINE)
_ORDERED_LIST = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
_MD_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _visible(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a command-line argument or file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def clean(value: object) -> str:
    """Control characters (ESC, BEL, CR, NUL...) as visible `\\xNN`; newlines and tabs kept."""
    if value is None:
        return ""
    text = str(value)
    return "".join(ch if ch.isprintable() or ch in "\n\t" else _visible(ch) for ch in text)


def clean_line(value: object) -> str:
    """Text for one line of a message (errors on stderr): every control character escaped, newlines included, so
    a value can never forge a second line or move the cursor."""
    if value is None:
        return ""
    text = str(value)
    return "".join(ch if ch.isprintable() else _visible(ch) for ch in text)


def md_escape(value: object) -> str:
    """Requester text for Markdown prose: shown exactly as typed, never interpreted."""
    text = clean(value)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # Leading spaces would start an indented code block; a tab likewise.
    text = "\n".join(line.lstrip(" \t") for line in text.split("\n"))
    text = _LINE_START.sub(r"\\\1", text)
    text = _ORDERED_LIST.sub(r"\1\\\2", text)
    return text


def md_inline(value: object) -> str:
    """Requester text inside one Markdown line (a list item, a table cell): newlines become ` / `."""
    text = md_escape(value)
    return " / ".join(part for part in text.replace("\t", " ").split("\n")) if text else ""


def md_unescape(text: str) -> str:
    """Markdown produced by `md_escape` back to plain text (for .txt letters)."""
    return _MD_UNESCAPE.sub(r"\1", text)


_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and text[0] in _CSV_TRIGGERS:
        return "'" + text
    return text
