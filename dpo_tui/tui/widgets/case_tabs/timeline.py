"""The Timeline tab: the case's audit events, who did what and when."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dpo_tui.tui.formatting import event_summary, when
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase


class TimelineTab(CaseTab):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="timeline-body")

    def show(self, case: LoadedCase) -> None:
        d = case.detail
        body = self.query_one("#timeline-body", Static)
        if not d.events:
            body.update(Text("No events recorded.", style="dim"))
            return
        table = Table(box=None, pad_edge=False, expand=True, show_edge=False)
        table.add_column("When", no_wrap=True, style="bold")
        table.add_column("Who", no_wrap=True)
        table.add_column("What", no_wrap=True)
        table.add_column("Details", ratio=1)
        for e in d.events:
            table.add_row(when(e.at), literal(e.actor), literal(e.kind), literal(event_summary(e.kind, e.payload)))
        body.update(table)
