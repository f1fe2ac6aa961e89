"""The Checklist tab: progress, the items (a list with a cursor the checklist keys act on), the item's detail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.domain.states import ItemState
from dpo_tui.tui.formatting import checklist_detail, checklist_line
from dpo_tui.tui.widgets.case_tabs import CaseTab, LoadedCase

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail


class ChecklistList(OptionList):
    """The checklist's items: arrows, and j / k as in the queue, move the cursor that `t`, `N` and `o` act on."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next item", show=False, id="case.checklist.down"),
        Binding("k", "cursor_up", "Previous item", show=False, id="case.checklist.up"),
    ]


class ChecklistTab(CaseTab):
    _detail: CaseDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="checklist-progress")
        yield ChecklistList(id="checklist-list")
        yield Static("", id="checklist-detail")

    @property
    def selected_item_key(self) -> str | None:
        """The key of the item under the cursor (None if there is none)."""
        option = self.query_one("#checklist-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def show(self, case: LoadedCase) -> None:
        d = self._detail = case.detail
        done = sum(1 for i in d.checklist if i.state == ItemState.DONE)
        na = sum(1 for i in d.checklist if i.state == ItemState.NA)
        open_ = len(d.checklist) - done - na
        progress = f"{done + na} of {len(d.checklist)} settled: {done} done, {na} not applicable, {open_} open"
        if not d.checklist:
            progress = "No checklist items on this case."
        self.query_one("#checklist-progress", Static).update(Text(progress, style="bold"))
        ol = self.query_one("#checklist-list", OptionList)
        keep = self.selected_item_key
        ol.clear_options()
        ol.add_options([Option(checklist_line(i), id=i.key) for i in d.checklist])
        if d.checklist:
            keys = [i.key for i in d.checklist]
            ol.highlighted = keys.index(keep) if keep in keys else 0
        self._show_item()

    @on(OptionList.OptionHighlighted, "#checklist-list")
    def _show_item(self) -> None:
        d, key = self._detail, self.selected_item_key
        item = next((i for i in d.checklist if i.key == key), None) if d else None
        self.query_one("#checklist-detail", Static).update(checklist_detail(item) if item else Text(""))
