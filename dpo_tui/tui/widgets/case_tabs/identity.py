"""The Identity tab: the identity check's summary, then the record as stored."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dpo_tui.tui.formatting import summary_then_record
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase


class IdentityTab(CaseTab):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="identity-body")

    def show(self, case: LoadedCase) -> None:
        d = case.detail
        body = self.query_one("#identity-body", Static)
        if not d.identity:
            body.update(Text("No identity check recorded yet.", style="dim"))
            return
        from dpo_tui.domain.identity import describe

        body.update(summary_then_record(describe(d.identity), d.identity))
