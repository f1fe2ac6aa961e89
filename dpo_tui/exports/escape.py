"""The escaping functions moved to `dpo_tui.text` (below services, exports and the TUI, which all use them); the old
import path keeps working for code written against it."""

from dpo_tui.text import clean, clean_line, csv_cell, md_escape, md_inline, md_unescape

__all__ = ["clean", "clean_line", "csv_cell", "md_escape", "md_inline", "md_unescape"]
