"""The Identity tab: the identity check's summary, then the record as stored."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from dpo_tui.tui.formatting import summary_then_record
from dpo_tui.tui.widgets.case_tabs import LoadedCase, TextTab


class IdentityTab(TextTab):
    def body(self, case: LoadedCase) -> RenderableType:
        identity = case.detail.identity
        if not identity:
            return Text("No identity check recorded yet.", style="dim")
        from dpo_tui.domain.identity import describe

        return summary_then_record(describe(identity), identity)
