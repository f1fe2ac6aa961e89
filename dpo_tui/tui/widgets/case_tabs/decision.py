"""The Decision tab: the decisions recorded on the case (fee, refusal, extension, exemptions...), summary first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dpo_tui.tui.formatting import summary_then_record
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase


class DecisionTab(CaseTab):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="decision-body")

    def show(self, case: LoadedCase) -> None:
        d = case.detail
        body = self.query_one("#decision-body", Static)
        if not d.decision:
            body.update(Text("No decision recorded yet.", style="dim"))
            return
        from dpo_tui.services.decisions import describe

        body.update(summary_then_record(describe(d.decision), d.decision))
