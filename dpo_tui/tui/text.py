"""Requester-supplied text for the screen: never parsed as markup, never able to emit escape sequences."""

from __future__ import annotations

from rich.text import Text


def clean(value: str | None) -> str:
    """Replace control characters (ESC, BEL, CR...) with visible escapes; keep newlines and tabs."""
    if not value:
        return ""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in value)


def literal(value: str | None, style: str = "") -> Text:
    """A Rich Text that shows `[bold]x[/]` as those very characters. Use it for anything a requester wrote."""
    return Text(clean(value), style=style)
