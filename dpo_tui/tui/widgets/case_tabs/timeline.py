"""The Timeline tab: the case's audit events, who did what and when."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from dpo_tui.tui.formatting import event_summary, when
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.case_tabs import LoadedCase, TextTab


class TimelineTab(TextTab):
    def body(self, case: LoadedCase) -> RenderableType:
        d = case.detail
        if not d.events:
            return Text("No events recorded.", style="dim")
        table = Table(box=None, pad_edge=False, expand=True, show_edge=False)
        table.add_column("When", no_wrap=True, style="bold")
        table.add_column("Who", no_wrap=True)
        table.add_column("What", no_wrap=True)
        table.add_column("Details", ratio=1)
        for e in d.events:
            table.add_row(when(e.at), literal(e.actor), literal(e.kind), literal(event_summary(e.kind, e.payload)))
        return table
