"""The explanation of a case's dates (`w`): every step that produced each date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import (
    Label,
    Static,
)

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.formatting import (
    deadline_dates,
)
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.domain.clock import Deadline



class ExplainScreen(DpoModal[None]):
    """How the due date was computed, step by step."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="explain.close"),
        Binding("w", "close", "Close", show=False, id="explain.close_w"),
        Binding("q", "close", "Close", show=False, id="explain.close_q"),
    ]

    def __init__(self, ref: str, deadline: Deadline) -> None:
        super().__init__()
        self.ref = ref
        self.deadline = deadline

    def compose(self) -> ComposeResult:
        dl = self.deadline
        due = dl.effective_due
        title = f"Why {self.ref} is due {fmt(due)}" if due else f"Why {self.ref} has no due date yet"
        steps = Table.grid(padding=(0, 1))
        steps.add_column(justify="right", style="bold", no_wrap=True)
        steps.add_column(ratio=1)
        for i, line in enumerate(dl.explanation, 1):
            steps.add_row(f"{i}.", literal(line))
        dates = Table.grid(padding=(0, 2))
        dates.add_column(style="bold")
        dates.add_column()
        for label, value in deadline_dates(dl):
            dates.add_row(label, value)
        with Vertical(classes="modal-frame"):
            yield Label(literal(title), classes="title")
            with VerticalScroll():
                yield Static(steps, id="explain-steps")
                yield Static(dates, id="explain-dates")
            yield Label("escape closes", classes="hint")

    def on_resize(self) -> None:
        # Fit the steps to the screen (title, hint and frame take 6 rows) and scroll the rest.
        self.query_one(VerticalScroll).styles.max_height = max(3, int(self.size.height * 0.9) - 6)

    def action_close(self) -> None:
        self.dismiss(None)
