"""Working the checklist from the case screen: the dialogs and the actions behind its keys.

The Checklist tab itself (progress line, the item list with ✓ / ☐ / N/A, who and when, and the detail line with the
reason, search record, note and guidance) is rendered by the case screen. `ChecklistActions` is mixed into
`CaseScreen` and gives it these actions (bound in `CaseScreen.BINDINGS`):

  t   tick the item under the cursor; a search item asks for the search terms and found / nothing found.
      On a done or not-applicable item, `t` offers to reopen it.
  N   mark the item not applicable: a reason is required.
  o   write (or clear) the item's note.
  +   add an ad-hoc item to the checklist.
  C   complete the case. With open items it lists them and offers an override, which needs a reason; the override
      is recorded in the audit trail.

Everything shown that a person wrote or the profile named (labels, notes, reasons, search terms) is `literal()`.
Services are imported inside the actions so that opening the app never pays for the ORM.
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

from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail, ChecklistItemView
    from dpo_tui.tui.app import DpoApp

FOUND_CHOICES: tuple[tuple[str, str], ...] = (("found", "Found data"), ("nothing_found", "Nothing found"))

BINDINGS: list[Binding] = [
    Binding("t", "tick", "Tick item", id="case.tick"),
    Binding("N", "not_applicable", "Not applicable", id="case.not_applicable"),
    Binding("o", "item_note", "Item note", id="case.item_note"),
    Binding("plus", "add_item", "Add item", id="case.add_item"),
    Binding("C", "complete", "Complete case", id="case.complete"),
]



def progress_text(detail: CaseDetail) -> str:
    """"7/13 done" where not-applicable items count as done, as in the queue's progress column."""
    settled = sum(1 for i in detail.checklist if i.state != "open")
    return f"{settled}/{len(detail.checklist)} done"


Save = Callable[["Casework", Any], "CaseDetail"]


class _SavingDialog(DpoModal["CaseDetail | None"]):
    """A checklist dialog that saves itself: `save(casework, answer)` runs in a thread worker; the dialog closes with
    the CaseDetail it returns. A refusal (the service's rule, a conflict) is shown on the dialog's error line, the
    field at fault focused, and what the DPO typed stays (tui/base.py)."""

    ERROR_LINE = ".error"

    def __init__(self, save: Save) -> None:
        super().__init__()
        self._save = save

    def submit(self, answer: Any) -> None:
        self.show_problem("")
        save = self._save
        self.call_in_thread(lambda casework: save(casework, answer), self.dismiss, group="checklist-save", exclusive=True)

    def show_problem(self, message: str) -> None:
        self.query_one(self.ERROR_LINE, Static).update(literal(message))


class TickScreen(_SavingDialog):
    """Tick an item: search terms and found / nothing found (the service says which a search item needs), and an
    optional note. Dismisses with the case as saved, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Tick", priority=True, id="tick.save"),
        Binding("escape", "cancel", "Cancel", id="tick.cancel"),
    ]

    FIELD_WIDGETS: ClassVar[dict[str, str]] = {"search terms": "#tick-terms", "found": "#tick-found", "note": "#tick-note"}

    def __init__(self, item: ChecklistItemView, save: Save) -> None:
        super().__init__(save)
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="modal-frame checklist-dialog"):
            title = Text("Tick: ", style="bold")
            title.append_text(literal(item.label))
            yield Label(title, classes="title")
            if item.guidance:
                yield Static(literal(item.guidance, "italic"), classes="hint")
            need = "required" if item.requires_search_record else "optional"
            yield Label(f"Search terms used ({need})", markup=False)
            yield Input(placeholder="names, email addresses, account numbers searched for", id="tick-terms")
            yield Label(f"Result ({need})", markup=False)
            with RadioSet(id="tick-found"):
                for key, label in FOUND_CHOICES:
                    yield RadioButton(label, id=f"found-{key}")
            yield Label("Note (optional)", markup=False)
            yield Input(placeholder="e.g. exported 214 records as CSV", id="tick-note")
            yield Static("", id="tick-error", classes="error")
            yield Label("enter or ctrl+s ticks, escape cancels", classes="hint", markup=False)
            with Horizontal():
                yield Button("Tick", id="tick-save", variant="primary")
                yield Button("Cancel", id="tick-cancel")

    def on_mount(self) -> None:
        self.query_one("#tick-terms", Input).focus()

    def _found(self) -> str:
        pressed = self.query_one("#tick-found", RadioSet).pressed_button
        return pressed.id.removeprefix("found-") if pressed is not None and pressed.id else ""

    @on(Input.Submitted)
    @on(Button.Pressed, "#tick-save")
    def action_save(self) -> None:
        # The rule (which items need a search record) is the service's: services/checklist_work.tick.
        terms = self.query_one("#tick-terms", Input).value.strip()
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
                Text(f"{n} of {self.total} checklist item{'s are' if n != 1 else ' is'} still open:", style="bold")
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


class ConfirmScreen(DpoModal[bool]):
    """Yes or no: enter (or y) confirms, escape (or n) cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text, hint: str) -> None:
        super().__init__()
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame checklist-dialog"):
            yield Static(self.question, classes="title", id="confirm-question")
            yield Label(self.hint, classes="hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChecklistActions:
    """Mixed into CaseScreen: the checklist's key actions. Relies on its `detail`, `selected_item_key`,
    `active_tab`, `action_show_tab` and `call_service` (see case_screen's docstring)."""

    detail: CaseDetail | None
    selected_item_key: str | None
    app: DpoApp

    def _checklist_item(self) -> ChecklistItemView | None:
        """The item under the cursor, if the Checklist tab is showing; otherwise show the tab and say what to do."""
        me: Any = self
        detail = self.detail
        if detail is None:
            self.app.notify("The case is still loading.", markup=False)
            return None
        if me.active_tab != "checklist":
            me.action_show_tab("checklist")
            _focus_list(me)
            self.app.notify("Pick an item on the checklist, then press the key again.", markup=False)
            return None
        key = self.selected_item_key
        item = next((i for i in detail.checklist if i.key == key), None)
        if item is None:
            self.app.notify("No checklist item selected.", markup=False)
        elif not detail.is_open:
            self.app.notify(f"{detail.ref} is closed; reopen it to change its checklist.", severity="warning", markup=False)
            return None
        return item

    def _after(self, done: str | Callable[[], str]) -> Callable[[CaseDetail | None], None]:
        """What a saving dialog's result does on the case screen: show the case as saved, say what was done."""
        me: Any = self

        def shown(detail: CaseDetail | None) -> None:
            if detail is not None:
                me.show_detail(detail)
                self.app.notify(done if isinstance(done, str) else done(), markup=False)

        return shown

    def action_tick(self) -> None:
        from dpo_tui.services import checklist_work as cw

        item = self._checklist_item()
        if item is None or self.detail is None:
            return
        ref, version, key = self.detail.ref, self.detail.version, item.key

        if item.state != "open":

            def confirmed(yes: bool | None) -> None:
                if yes:
                    me: Any = self
                    me.call_service(lambda w: cw.untick(w, ref, key, version=version), done=f"Reopened: {item.label}")

            question = Text("Reopen: ", style="bold")
            question.append_text(literal(item.label))
            self.app.push_screen(
                ConfirmScreen(
                    question,
                    "Its search record or reason is cleared here (the audit trail keeps it). enter reopens, escape keeps it.",
                ),
                confirmed,
            )
            return

        def tick(w: Casework, answer: dict[str, str]) -> CaseDetail:
            return cw.tick(
                w,
                ref,
                key,
                search_terms=answer["search_terms"] or None,
                found=answer["found"] or None,
                note=answer["note"] or None,
                version=version,
            )

        self.app.push_screen(TickScreen(item, tick), self._after(f"Ticked: {item.label}"))

    def action_not_applicable(self) -> None:
        from dpo_tui.services import checklist_work as cw

        item = self._checklist_item()
        if item is None or self.detail is None:
            return
        ref, version, key = self.detail.ref, self.detail.version, item.key
        title = Text("Not applicable: ", style="bold")
        title.append_text(literal(item.label))
        hint = "enter saves, escape cancels"
        if key == "objection.direct_marketing":
            hint = "Marking this not applicable records that the objection is NOT to direct marketing. " + hint
        self.app.push_screen(
            TextPrompt(
                title,
                prompt="Why does this item not apply? (required: it is part of the record)",
                save=lambda w, reason: cw.mark_not_applicable(w, ref, key, reason, version=version),
                value=item.reason or "",
                placeholder="e.g. the person never used this service",
                hint=hint,
            ),
            self._after(f"Not applicable: {item.label}"),
        )

    def action_item_note(self) -> None:
        from dpo_tui.services import checklist_work as cw

        item = self._checklist_item()
        if item is None or self.detail is None:
            return
        ref, version, key = self.detail.ref, self.detail.version, item.key
        title = Text("Note on: ", style="bold")
        title.append_text(literal(item.label))
        said: dict[str, str] = {}

        def save(w: Casework, note: str) -> CaseDetail | None:
            said["note"] = note
            if note == (item.note or ""):
                return None  # unchanged: nothing to record
            return cw.add_note(w, ref, key, note, version=version)

        self.app.push_screen(
            TextPrompt(title, prompt="Note (empty clears it)", save=save, value=item.note or ""),
            self._after(lambda: "Note saved." if said.get("note") else "Note cleared."),
        )

    def action_add_item(self) -> None:
        from dpo_tui.services import checklist_work as cw

        detail = self.detail
        if detail is None:
            self.app.notify("The case is still loading.", markup=False)
            return
        if not detail.is_open:
            self.app.notify(f"{detail.ref} is closed; reopen it to change its checklist.", severity="warning", markup=False)
            return
        me: Any = self
        me.action_show_tab("checklist")
        _focus_list(me)
        ref, version = detail.ref, detail.version
        said: dict[str, str] = {}

        def add(w: Casework, label: str) -> CaseDetail:
            said["label"] = label
            return cw.add_item(w, ref, label, version=version)

        self.app.push_screen(
            TextPrompt(
                Text(f"Add a checklist item to {ref}", style="bold"),
                prompt="What needs doing?",
                save=add,
                placeholder="e.g. check the paper files in the archive",
            ),
            self._after(lambda: f"Added: {said.get('label', '')}"),
        )

    def action_complete(self) -> None:
        from dpo_tui.services import checklist_work as cw

        detail = self.detail
        if detail is None:
            self.app.notify("The case is still loading.", markup=False)
            return
        if not detail.is_open:
            self.app.notify(f"{detail.ref} is already {detail.status}.", markup=False)
            return
        ref, version = detail.ref, detail.version
        open_items = [(i.key, i.label) for i in detail.checklist if i.state == "open"]

        def complete(w: Casework, reason: str) -> CaseDetail:
            return cw.complete_case(w, ref, override_reason=reason or None, version=version)

        self.app.push_screen(
            CompleteScreen(ref, open_items, len(detail.checklist), complete),
            self._after(f"{ref} completed" + (" (override recorded)." if open_items else ".")),
        )


def _focus_list(screen: Any) -> None:
    for widget in screen.query("#checklist-list"):
        widget.focus()
