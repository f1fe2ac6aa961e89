"""What text may be stored. Requester text is hostile, but it is kept as the person sent it and every view escapes
it (terminal, Markdown, HTML, CSV); only characters no database can store are refused.

NUL is refused by PostgreSQL outright (SQLite would truncate it in places); a lone surrogate (an undecodable byte
from a command-line argument or a file name, kept by Python's surrogateescape) cannot be encoded as UTF-8 for either
database. Both are refused with one line naming the field, before anything is written.
"""

from __future__ import annotations

from dpo_tui.domain.errors import InvalidInput


class UnstorableText(InvalidInput):
    """A value holds characters that cannot be stored (NUL, bytes that are not valid UTF-8)."""


def problem(value: str) -> str | None:
    """Why `value` cannot be stored, or None."""
    if "\x00" in value:
        return "contains a NUL character; remove it"
    if value.isascii():  # the common case, without encoding a copy
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains bytes that are not valid UTF-8; retype it"
    return None


def check_text(field: str, value: str | None) -> None:
    """Nothing when `value` can be stored; else UnstorableText naming `field`."""
    if value is None:
        return
    reason = problem(value)
    if reason is not None:
        raise UnstorableText(f"{field}: {reason}")
