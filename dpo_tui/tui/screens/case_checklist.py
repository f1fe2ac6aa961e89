"""The case screen's checklist keys (mixed into CaseScreen as ChecklistActions, bound in CaseScreen.BINDINGS):

  t   tick the item under the cursor; a search item asks for the search terms and found / nothing found.
      On a done or not-applicable item, `t` offers to reopen it.
  N   mark the item not applicable: a reason is required.
  o   write (or clear) the item's note.
  +   add an ad-hoc item to the checklist.
  C   complete the case. With open items it lists them and offers an override, which needs a reason; the override
      is recorded in the audit trail.

Services are imported inside the actions so that opening the app never pays for the ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from dpo_tui.domain.states import ItemState
from dpo_tui.tui.modals.checklist import CompleteScreen, TextPrompt, TickScreen
from dpo_tui.tui.modals.prompts import ConfirmScreen
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail, ChecklistItemView
    from dpo_tui.tui.app import DpoApp



BINDINGS: list[Binding] = [
    Binding("t", "tick", "Tick item", id="case.tick"),
    Binding("N", "not_applicable", "Not applicable", id="case.not_applicable"),
    Binding("o", "item_note", "Item note", id="case.item_note"),
    Binding("plus", "add_item", "Add item", id="case.add_item"),
    Binding("C", "complete", "Complete case", id="case.complete"),
]



Save = Callable[["Casework", Any], "CaseDetail"]


class ChecklistActions:
    """Mixed into CaseScreen: the checklist's key actions. Relies on its `detail`, `selected_item_key`,
    `active_tab`, `action_show_tab` and `call_service` (see case_screen's docstring)."""

    detail: CaseDetail | None
    if TYPE_CHECKING:

        def loaded_detail(self) -> CaseDetail | None: ...  # CaseScreen's: None after saying the case is loading
    selected_item_key: str | None
    app: DpoApp

    def _checklist_item(self) -> ChecklistItemView | None:
        """The item under the cursor, if the Checklist tab is showing; otherwise show the tab and say what to do."""
        me: Any = self
        detail = self.loaded_detail()
        if detail is None:
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

        if item.state != ItemState.OPEN:

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
        title = _titled("Not applicable: ", item.label)
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
        title = _titled("Note on: ", item.label)
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

        detail = self.loaded_detail()
        if detail is None:
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

        detail = self.loaded_detail()
        if detail is None:
            return
        if not detail.is_open:
            self.app.notify(f"{detail.ref} is already {detail.status}.", markup=False)
            return
        ref, version = detail.ref, detail.version
        open_items = [(i.key, i.label) for i in detail.checklist if i.state == ItemState.OPEN]

        def complete(w: Casework, reason: str) -> CaseDetail:
            return cw.complete_case(w, ref, override_reason=reason or None, version=version)

        self.app.push_screen(
            CompleteScreen(ref, open_items, len(detail.checklist), complete),
            self._after(f"{ref} completed" + (" (override recorded)." if open_items else ".")),
        )


def _titled(what: str, label: str) -> Text:
    """A dialog title: what is done (bold), then the item's label as written (never markup)."""
    title = Text(what, style="bold")
    title.append_text(literal(label))
    return title


def _focus_list(screen: Any) -> None:
    for widget in screen.query("#checklist-list"):
        widget.focus()
