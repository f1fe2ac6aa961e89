"""The Letters tab: letters sent (→) and received (←), newest as recorded."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.states import Direction
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs import LoadedCase, TextTab


class LettersTab(TextTab):
    def body(self, case: LoadedCase) -> RenderableType:
        d = case.detail
        if not d.letters:
            return Text("No letters sent or received yet.", style="dim")
        table = Table(box=None, pad_edge=False, expand=True, show_edge=False)
        for col in ("Date", "Kind", "Channel", "Subject"):
            table.add_column(col, style="bold" if col == "Date" else None, no_wrap=col != "Subject")
        for letter in d.letters:
            arrow = "→ " if letter.direction == Direction.OUT else "← " if letter.direction == Direction.IN else ""
            table.add_row(
                fmt(letter.sent_on),
                literal(arrow + letter.kind.replace("_", " ")),
                literal(letter.channel.replace("_", " ")),
                literal(letter.subject),
            )
        return table
