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

from collections.abc import Sequence
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

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80; max-width: 95%; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} .title {{ text-style: bold; }}
{name} .hint {{ color: $text-muted; }}
{name} .error {{ color: $error; height: auto; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 1; }}
"""


def progress_text(detail: CaseDetail) -> str:
    """"7/13 done" where not-applicable items count as done, as in the queue's progress column."""
    settled = sum(1 for i in detail.checklist if i.state != "open")
    return f"{settled}/{len(detail.checklist)} done"


class TickScreen(DpoModal[dict[str, str] | None]):
    """Tick an item: search terms and found / nothing found (required for search items), and an optional note.
    Returns {"search_terms", "found", "note"} (empty strings where not given), or None when cancelled."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="TickScreen") + "TickScreen RadioSet { width: 100%; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Tick", priority=True, id="tick.save"),
        Binding("escape", "cancel", "Cancel", id="tick.cancel"),
    ]

    def __init__(self, item: ChecklistItemView) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical():
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

    def _fail(self, message: str, focus: str) -> None:
        self.query_one("#tick-error", Static).update(Text(message))
        self.query_one(focus).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#tick-save")
    def action_save(self) -> None:
        terms = self.query_one("#tick-terms", Input).value.strip()
        found = self._found()
        if self.item.requires_search_record and not terms:
            self._fail("Search terms are required: they prove a reasonable and proportionate search.", "#tick-terms")
            return
        if (self.item.requires_search_record or terms) and not found:
            self._fail("Say whether the search found anything: pick Found data or Nothing found.", "#tick-found")
            return
        if found and not terms:
            self._fail("A search result needs the search terms used.", "#tick-terms")
            return
        note = self.query_one("#tick-note", Input).value.strip()
        self.dismiss({"search_terms": terms, "found": found, "note": note})

    @on(Button.Pressed, "#tick-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(DpoModal[str | None]):
    """One line of text: a not-applicable reason, an item note, an ad-hoc item's label.
    `required`: an empty answer is refused here with `empty_message`. Enter answers, escape cancels."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="TextPrompt")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: Text,
        *,
        prompt: str,
        value: str = "",
        placeholder: str = "",
        required: bool = True,
        empty_message: str = "This cannot be empty.",
        hint: str = "enter saves, escape cancels",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder
        self.required = required
        self.empty_message = empty_message
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Label(self.prompt, markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-answer")
            yield Static("", id="prompt-error", classes="error")
            yield Label(self.hint, classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        answer = event.value.strip()
        if self.required and not answer:
            self.query_one("#prompt-error", Static).update(Text(self.empty_message))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CompleteScreen(DpoModal[str | None]):
    """Complete the case. With open items: lists them and asks for an override reason (required to go ahead).
    Returns "" to complete with nothing open, the override reason, or None when cancelled."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="CompleteScreen") + "CompleteScreen VerticalScroll { height: auto; max-height: 14; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="complete.cancel")]

    def __init__(self, ref: str, open_items: Sequence[tuple[str, str]], total: int) -> None:
        super().__init__()
        self.ref = ref
        self.open_items = list(open_items)
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"Complete {self.ref}"), classes="title")
            if not self.open_items:
                yield Static(Text(f"All {self.total} checklist items are done or not applicable."))
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

    @on(Input.Submitted)
    def _override(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#complete-error", Static).update(
                Text("An override needs a reason; or press escape and finish the open items.")
            )
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#complete-go")
    def _go(self) -> None:
        self.dismiss("")

    @on(Button.Pressed, "#complete-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(DpoModal[bool]):
    """Yes or no: enter (or y) confirms, escape (or n) cancels."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text, hint: str) -> None:
        super().__init__()
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
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

    def _run(self, fn: Any, done: str) -> None:
        me: Any = self
        me.call_service(fn, done=done)

    def action_tick(self) -> None:
        item = self._checklist_item()
        if item is None or self.detail is None:
            return
        ref, version, key = self.detail.ref, self.detail.version, item.key

        if item.state != "open":

            def confirmed(yes: bool | None) -> None:
                if not yes:
                    return

                def untick(w: Any) -> Any:
                    from dpo_tui.services.checklist_work import untick

                    return untick(w, ref, key, version=version)

                self._run(untick, f"Reopened: {item.label}")

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

        def ticked(answer: dict[str, str] | None) -> None:
            if answer is None:
                return

            def tick(w: Any) -> Any:
                from dpo_tui.services.checklist_work import tick

                return tick(
                    w,
                    ref,
                    key,
                    search_terms=answer["search_terms"] or None,
                    found=answer["found"] or None,
                    note=answer["note"] or None,
                    version=version,
                )

            self._run(tick, f"Ticked: {item.label}")

        self.app.push_screen(TickScreen(item), ticked)

    def action_not_applicable(self) -> None:
        item = self._checklist_item()
        if item is None or self.detail is None:
            return
        ref, version, key = self.detail.ref, self.detail.version, item.key
        title = Text("Not applicable: ", style="bold")
        title.append_text(literal(item.label))

        def answered(reason: str | None) -> None:
            if not reason:
                return

            def mark(w: Any) -> Any:
                from dpo_tui.services.checklist_work import mark_not_applicable

                return mark_not_applicable(w, ref, key, reason, version=version)

            self._run(mark, f"Not applicable: {item.label}")

        hint = "enter saves, escape cancels"
        if key == "objection.direct_marketing":
            hint = "Marking this not applicable records that the objection is NOT to direct marketing. " + hint
        self.app.push_screen(
            TextPrompt(
                title,
                prompt="Why does this item not apply? (required: it is part of the record)",
                value=item.reason or "",
                placeholder="e.g. the person never used this service",
                empty_message="A reason is required to mark an item not applicable.",
                hint=hint,
            ),
            answered,
        )

    def action_item_note(self) -> None:
        item = self._checklist_item()
        if item is None or self.detail is None:
            return
        ref, version, key = self.detail.ref, self.detail.version, item.key
        title = Text("Note on: ", style="bold")
        title.append_text(literal(item.label))

        def answered(note: str | None) -> None:
            if note is None or note == (item.note or ""):
                return

            def save(w: Any) -> Any:
                from dpo_tui.services.checklist_work import add_note

                return add_note(w, ref, key, note, version=version)

            self._run(save, "Note saved." if note else "Note cleared.")

        self.app.push_screen(
            TextPrompt(title, prompt="Note (empty clears it)", value=item.note or "", required=False), answered
        )

    def action_add_item(self) -> None:
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

        def answered(label: str | None) -> None:
            if not label:
                return

            def add(w: Any) -> Any:
                from dpo_tui.services.checklist_work import add_item

                return add_item(w, ref, label, version=version)

            self._run(add, f"Added: {label}")

        self.app.push_screen(
            TextPrompt(
                Text(f"Add a checklist item to {ref}", style="bold"),
                prompt="What needs doing?",
                placeholder="e.g. check the paper files in the archive",
                empty_message="Say what needs doing.",
            ),
            answered,
        )

    def action_complete(self) -> None:
        detail = self.detail
        if detail is None:
            self.app.notify("The case is still loading.", markup=False)
            return
        if not detail.is_open:
            self.app.notify(f"{detail.ref} is already {detail.status}.", markup=False)
            return
        ref, version = detail.ref, detail.version
        open_items = [(i.key, i.label) for i in detail.checklist if i.state == "open"]

        def answered(reason: str | None) -> None:
            if reason is None:
                return

            def complete(w: Any) -> Any:
                from dpo_tui.services.checklist_work import complete_case

                return complete_case(w, ref, override_reason=reason or None, version=version)

            self._run(complete, f"{ref} completed" + (" (override recorded)." if reason else "."))

        self.app.push_screen(CompleteScreen(ref, open_items, len(detail.checklist)), answered)


def _focus_list(screen: Any) -> None:
    try:
        screen.query_one("#checklist-list").focus()
    except Exception:  # noqa: BLE001 - the layout is the case screen's; focusing is only a convenience
        pass
