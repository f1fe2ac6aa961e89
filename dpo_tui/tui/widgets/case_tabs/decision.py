"""The Decision tab: the decisions recorded on the case (fee, refusal, extension, exemptions...), summary first."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from dpo_tui.tui.formatting import summary_then_record
from dpo_tui.tui.widgets.case_tabs import LoadedCase, TextTab


class DecisionTab(TextTab):
    def body(self, case: LoadedCase) -> RenderableType:
        decision = case.detail.decision
        if not decision:
            return Text("No decision recorded yet.", style="dim")
        from dpo_tui.services.decisions import describe

        return summary_then_record(describe(decision), decision)
