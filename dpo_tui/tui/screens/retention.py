"""The retention view (`R` from the queue, or "Retention" in the command palette): closed cases past their retention
period, those a legal hold keeps, and every active hold with what it blocks. `enter` opens the case under the cursor.
Removing the cases is `dpo-tui retention --apply` (one transaction per case, with a confirmation)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.text import literal
from dpo_tui.tui.widgets.key_bar import KeyBar


class RetentionScreen(DpoScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="retention.back"),
        Binding("r", "reload", "Reload", id="retention.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Any = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Retention · loading…", id="retention-title", classes="section")
            yield OptionList(id="retention-cases")
            yield Static("", id="retention-holds")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        from dpo_tui.services.retention import plan

        self.call_in_thread(lambda w: plan(w), self.show_plan, group="retention", exclusive=True)

    def show_plan(self, plan: Any) -> None:
        from dpo_tui.domain.retention_actions import ACTIONS

        self.plan = plan
        title = Text(f"Retention on {fmt(plan.today)}: {len(plan.due)} due for {plan.action}", style="bold")
        title.append(f" ({ACTIONS[plan.action]})", style="dim")
        title.append(f"; {len(plan.blocked)} kept by a legal hold" if plan.blocked else "")
        self.query_one("#retention-title", Static).update(title)
        cases = self.query_one("#retention-cases", OptionList)
        cases.clear_options()
        options = []
        for item in plan.due:
            line = Text(f"{item.ref}  ", style="bold")
            line.append(f"{item.status.replace('_', ' '):<10} {item.retention.explanation}")
            options.append(Option(line, id=item.ref))
        for item in plan.blocked:
            line = Text(f"{item.ref}  ", style="bold")
            line.append("held ", style="bold yellow")
            line.append(f"by {', '.join(f'#{h}' for h in item.holds)}: {item.retention.explanation}")
            options.append(Option(line, id=item.ref))
        if not options:
            options.append(Option(Text("Nothing is past its retention period.", style="dim"), id="", disabled=True))
        cases.add_options(options)
        cases.highlighted = 0 if options[0].id else None
        holds = Text("Legal holds\n", style="bold")
        if not plan.holds:
            holds.append("none active\n", style="dim")
        for h in plan.holds:
            holds.append_text(literal(h.describe(plan.today)))
            blocks = ", ".join(h.blocking) if h.blocking else "nothing due yet"
            holds.append(f"\n   covers {len(h.covers)} case{'s' * (len(h.covers) != 1)}; blocks {blocks}\n", style="dim")
        holds.append("\nTo remove the cases due: dpo-tui retention --apply", style="dim")
        self.query_one("#retention-holds", Static).update(holds)
        cases.focus()

    @on(OptionList.OptionSelected, "#retention-cases")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.open_case(event.option.id)
