"""The Letters tab: letters sent (→) and received (←), newest as recorded."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dpo_tui.domain.dates import fmt
from dpo_tui.domain.states import Direction
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase


class LettersTab(CaseTab):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="letters-body")

    def show(self, case: LoadedCase) -> None:
        d = case.detail
        body = self.query_one("#letters-body", Static)
        if not d.letters:
            body.update(Text("No letters sent or received yet.", style="dim"))
            return
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
        body.update(table)
