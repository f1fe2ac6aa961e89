"""Requester-supplied text for the screen: never parsed as markup, never able to emit escape sequences."""

from __future__ import annotations

from rich.text import Text

from dpo_tui.text import clean  # one neutraliser of control characters for every output

__all__ = ["clean", "literal"]


def literal(value: str | None, style: str = "") -> Text:
    """A Rich Text that shows `[bold]x[/]` as those very characters. Use it for anything a requester wrote."""
    return Text(clean(value), style=style)
