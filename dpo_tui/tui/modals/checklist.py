"""The checklist dialogs: tick (with the search record), a one-line text prompt (reason, note, new item) and complete (with the override).

Everything shown that a person wrote or the profile named (labels, notes, reasons, search terms) is `literal()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from dpo_tui.domain.states import SearchResult
from dpo_tui.tui.base import SavingDialog
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail, ChecklistItemView

FOUND_CHOICES: tuple[tuple[SearchResult, str], ...] = ((SearchResult.FOUND, "Found data"), (SearchResult.NOTHING_FOUND, "Nothing found"))


Save = Callable[["Casework", Any], "CaseDetail"]


class _SavingDialog(SavingDialog):
    """A checklist dialog that saves itself (tui/base.py SavingDialog); it closes with the CaseDetail the service
    returns. Its message line is `.error`."""

    ERROR_LINE = ".error"
    SAVE_GROUP = "checklist-save"

    def show_problem(self, message: str) -> None:
        self.query_one(self.ERROR_LINE, Static).update(literal(message))


class TickScreen(_SavingDialog):
    """Tick an item: search terms and found / nothing found (the service says which a search item needs), and an
    optional note. Dismisses with the case as saved, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Tick", id="tick.save"),
        Binding("escape", "cancel", "Cancel", id="tick.cancel"),
    ]

    FIELD_WIDGETS: ClassVar[dict[str, str]] = {"search terms": "#tick-terms", "found": "#tick-found", "note": "#tick-note"}

    def __init__(self, item: ChecklistItemView, save: Save) -> None:
        super().__init__(save)
        self.item = item
        # Only what fits the item: a search item (and an ad-hoc item, which may be one: "Search telephony
        # platform") asks for the search record; any other item asks only for a note (issue 16).
        self.asks_search = item.requires_search_record or item.adhoc

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="modal-frame checklist-dialog"):
            title = Text("Tick: ", style="bold")
            title.append_text(literal(item.label))
            yield Label(title, classes="title")
            if item.guidance:
                yield Static(literal(item.guidance, "italic"), classes="hint")
            if self.asks_search:
                need = "required" if item.requires_search_record else "optional"
                yield Label(f"Search terms used ({need})", markup=False)
                yield Input(placeholder="names, email addresses, account numbers searched for", id="tick-terms")
                yield Label(f"Result ({need})", markup=False)
                with RadioSet(id="tick-found"):
                    for key, label in FOUND_CHOICES:
                        yield RadioButton(label, id=f"found-{key.value}")
            yield Label("Note (optional)", markup=False)
            yield Input(placeholder="e.g. exported 214 records as CSV", id="tick-note")
            yield Static("", id="tick-error", classes="error")
            yield Label("enter or ctrl+s ticks, escape cancels", classes="hint", markup=False)
            with Horizontal():
                yield Button("Tick", id="tick-save", variant="primary")
                yield Button("Cancel", id="tick-cancel")

    def on_mount(self) -> None:
        self.query_one("#tick-terms" if self.asks_search else "#tick-note", Input).focus()

    def _found(self) -> str:
        if not self.asks_search:
            return ""
        pressed = self.query_one("#tick-found", RadioSet).pressed_button
        return pressed.id.removeprefix("found-") if pressed is not None and pressed.id else ""

    @on(Input.Submitted)
    @on(Button.Pressed, "#tick-save")
    def action_save(self) -> None:
        # The rule (which items need a search record) is the service's: services/checklist_work.tick.
        terms = self.query_one("#tick-terms", Input).value.strip() if self.asks_search else ""
        note = self.query_one("#tick-note", Input).value.strip()
        self.submit({"search_terms": terms, "found": self._found(), "note": note})

    @on(Button.Pressed, "#tick-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(_SavingDialog):
    """One line of text: a not-applicable reason, an item note, an ad-hoc item's label, saved by `save(casework,
    text)` (whose service says whether it may be empty). Enter saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: Text,
        *,
        prompt: str,
        save: Save,
        value: str = "",
        placeholder: str = "",
        hint: str = "enter saves, escape cancels",
    ) -> None:
        super().__init__(save)
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame checklist-dialog"):
            yield Label(self.title_text, classes="title")
            yield Label(self.prompt, markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-answer")
            yield Static("", id="prompt-error", classes="error")
            yield Label(self.hint, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def field_selector(self, field: str) -> str | None:
        return "#prompt-answer"  # the one field there is

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.submit(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class CompleteScreen(_SavingDialog):
    """Complete the case. With open items: lists them and asks for an override reason (the service refuses to go
    ahead without one). `save(casework, reason)` ("" when nothing is open); dismisses with the case, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="complete.cancel")]

    def __init__(self, ref: str, open_items: Sequence[tuple[str, str]], total: int, save: Save) -> None:
        super().__init__(save)
        self.ref = ref
        self.open_items = list(open_items)
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame checklist-dialog"):
            yield Label(literal(f"Complete {self.ref}"), classes="title")
            if not self.open_items:
                yield Static(Text(f"All {self.total} checklist items are done or not applicable."))
                yield Static("", id="complete-error", classes="error")
                yield Label("enter completes the case, escape cancels", classes="hint", markup=False)
                with Horizontal():
                    yield Button("Complete", id="complete-go", variant="primary")
                    yield Button("Cancel", id="complete-cancel")
                return
            n = len(self.open_items)
            yield Static(
                Text(f"{n} of {self.total} checklist items {'is' if n == 1 else 'are'} still open:", style="bold"),
                id="complete-count",
            )
            with VerticalScroll(id="complete-open"):
                lines = Text()
                for _, label in self.open_items:
                    lines.append("☐ ")
                    lines.append_text(literal(label))
                    lines.append("\n")
                yield Static(lines, id="complete-open-items")
            yield Label(
                "Finish them first, or override: say why the case is complete anyway (recorded in the audit trail).",
                markup=False,
            )
            yield Input(placeholder="override reason", id="complete-reason")
            yield Static("", id="complete-error", classes="error")
            yield Label("enter completes with the override, escape cancels", classes="hint", markup=False)

    def on_mount(self) -> None:
        if self.open_items:
            self.query_one("#complete-reason", Input).focus()
        else:
            self.query_one("#complete-go", Button).focus()

    def field_selector(self, field: str) -> str | None:
        return "#complete-reason"

    @on(Input.Submitted)
    def _override(self, event: Input.Submitted) -> None:
        self.submit(event.value.strip())

    @on(Button.Pressed, "#complete-go")
    def _go(self) -> None:
        self.submit("")

    @on(Button.Pressed, "#complete-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
