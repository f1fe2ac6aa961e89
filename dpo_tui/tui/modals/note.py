"""A note on the case (`m`): free text, saved with its audit event."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Label,
    Static,
    TextArea,
)

from dpo_tui.tui.base import DpoModal


class NoteScreen(DpoModal[str | None]):
    """Write a note on the case: ctrl+s saves, escape cancels. An empty note is refused here."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame"):
            yield Label(f"Note on {self.ref} (ctrl+s saves, escape cancels)", classes="title", markup=False)
            yield TextArea(id="note-text")
            yield Static("", id="note-error")
            with Horizontal():
                yield Button("Save", id="note-save", variant="primary")
                yield Button("Cancel", id="note-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.query_one("#note-error", Static).update(
                "An empty note is not saved: write something first, or press escape to cancel."
            )
            self.query_one(TextArea).focus()
            return
        self.dismiss(text)

    @on(Button.Pressed, "#note-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
