"""Step 4, "request sent", and the end of every path: what was recorded, and the letter the step needs (the ID
request, or could not verify) drafted by the letters module, kept as sent here or opened in the letters screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static, TextArea

from dpo_tui.tui.modals.identity.step import Step
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.letters import Draft


class DoneStep(Step):
    NUMBER = 4
    TITLE = "Request sent"
    DOM_ID = "step-done"
    FIRST = "#done-close"

    letter_kind: str | None = None  # the letter the end of this path needs (None: no letter)
    letter_subject = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="done-summary")
        yield Static("", id="letter-title", classes="hint")
        yield TextArea(id="letter-text", read_only=True)
        with Horizontal(classes="buttons"):
            yield Button("Keep letter as sent", id="letter-save", variant="primary")
            yield Button("Edit in letters…", id="letter-open")
            yield Button("Close", id="done-close")

    def _letter_widgets(self) -> tuple[TextArea, Static, Button, Button]:
        return (
            self.query_one("#letter-text", TextArea),
            self.query_one("#letter-title", Static),
            self.query_one("#letter-save", Button),
            self.query_one("#letter-open", Button),
        )

    def show_closed(self) -> None:
        """A closed case: no letter, only the way out."""
        area, title, save, _ = self._letter_widgets()
        for w in (area, save, title):
            w.display = False
        self.query_one("#done-close").focus()

    def show(self, summary: str, letter: str | None) -> None:
        """What was recorded; the letter `letter` drafted in a thread worker (None: no letter)."""
        self.query_one("#done-summary", Static).update(literal(summary))
        self.letter_kind = letter
        area, title, save, edit = self._letter_widgets()
        for w in (area, title, save, edit):
            w.display = letter is not None
        if letter is None:
            return
        from dpo_tui.services.letters import render_letter

        title.update(Text("Letter: preparing the draft…"))
        save.display = edit.display = False
        ref = self.walk.detail.ref
        self.walk.call_in_thread(lambda w: render_letter(w, ref, letter), self._show_draft, group="identity-letter")

    def _show_draft(self, draft: Draft) -> None:
        """The letters module's draft of the step's letter (its template, or a refusal to draft shown as an error)."""
        self.letter_subject = draft.subject
        area, title, save, edit = self._letter_widgets()
        title.update(Text(f"Letter: {draft.subject}"))
        area.text = draft.as_text("txt").split("\n", 2)[-1]
        save.display = edit.display = True

    @on(Button.Pressed, "#letter-save")
    def _keep(self) -> None:
        from dpo_tui.services.letters import save_letter

        if not self.letter_kind:
            return
        walk = self.walk
        ref, kind, subject, version = walk.detail.ref, self.letter_kind, self.letter_subject, walk.detail.version
        body = self.query_one("#letter-text", TextArea).text
        walk.record(lambda w: save_letter(w, ref, kind, subject, body, version=version), lambda d: self._kept())

    def _kept(self) -> None:
        self.query_one("#letter-save").display = False
        self.query_one("#letter-title", Static).update(Text(f"Kept as sent: {self.letter_subject}"))
        self.query_one("#done-close").focus()

    @on(Button.Pressed, "#letter-open")
    def _open_in_letters(self) -> None:
        """The letters screen's preview (edit, choose channel and date, write a file), for the same kind."""
        from dpo_tui.tui.modals.letter import LetterScreen

        if not self.letter_kind:
            return
        walk, ref = self.walk, self.walk.detail.ref

        def back(saved: bool | None) -> None:
            if saved:
                walk.record(lambda w: w.get(ref), lambda d: self._kept())
            else:
                self.query_one("#done-close").focus()

        self.app.push_screen(LetterScreen(ref, self.letter_kind), back)

    @on(Button.Pressed, "#done-close")
    def _close(self) -> None:
        self.walk.leave()
