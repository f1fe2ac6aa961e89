"""A legal hold placed from the case screen (`H`): a reason, a review date, and whether it holds only this case or
every case of the requester. Saved with its audit event; a refused hold stays open with what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.text import literal


class HoldScreen(DpoModal[Any]):
    """Place a hold on case `ref` (seen at `version`), or on its requester (`email`) across cases."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Place hold", id="hold.save"),
        Binding("escape", "cancel", "Cancel", id="hold.cancel"),
    ]
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {"reason": "#hold-reason", "review date": "#hold-review"}

    def __init__(self, ref: str, version: int, email: str) -> None:
        super().__init__()
        self.ref = ref
        self.version = version
        self.email = email

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame hold-dialog"):
            yield Label(f"Legal hold on {self.ref} (ctrl+s places it, escape cancels)", classes="title", markup=False)
            yield Label("Reason (litigation, a complaint to the regulator, ...)", markup=False)
            yield Input(id="hold-reason")
            yield Label("Review on (YYYY-MM-DD)", markup=False)
            yield Input(id="hold-review", placeholder="YYYY-MM-DD")
            label = Text("Hold every case of this requester, now and later: ")
            label.append_text(literal(self.email))
            yield Checkbox(label, id="hold-requester")
            yield Static("", id="error")
            with Horizontal():
                yield Button("Place hold", id="hold-save", variant="primary")
                yield Button("Cancel", id="hold-cancel")

    def on_mount(self) -> None:
        self.query_one("#hold-reason", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#hold-save")
    def action_save(self) -> None:
        from dpo_tui.services.retention import place_hold

        reason = self.query_one("#hold-reason", Input).value
        raw = self.query_one("#hold-review", Input).value.strip()
        try:
            review_on = date.fromisoformat(raw)
        except ValueError:
            self.show_error(InvalidInput("review date", f"'{raw}' is not a date (use YYYY-MM-DD)"))
            return
        if self.query_one("#hold-requester", Checkbox).value:
            email = self.email
            call = lambda w: place_hold(w, email=email, reason=reason, review_on=review_on)  # noqa: E731
        else:
            ref, version = self.ref, self.version
            call = lambda w: place_hold(w, ref=ref, reason=reason, review_on=review_on, version=version)  # noqa: E731
        self.show_problem("")
        self.call_in_thread(call, self.dismiss)

    @on(Button.Pressed, "#hold-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
