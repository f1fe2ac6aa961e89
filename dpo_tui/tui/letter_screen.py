"""Letters for a case: pick a kind that applies, preview and edit it, save it as correspondence, write it out.

ctrl+s saves the letter to the case (correspondence with the date sent and channel, plus an audit event);
ctrl+o writes it to the file named below (.md or .txt, owner-only); escape closes. Requester text only ever reaches
the screen as plain text (TextArea, `literal()`), never as markup.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from dpo_tui.tui.text import literal

CHANNELS = ("email", "post", "web", "phone", "in_person", "social")


class LetterScreen(ModalScreen[bool]):
    """Dismissed with True when a letter was saved to the case."""

    DEFAULT_CSS = """
    LetterScreen { align: center middle; }
    LetterScreen > Vertical {
        width: 95%; height: 95%; border: thick $primary; background: $surface; padding: 0 1;
    }
    LetterScreen .title { text-style: bold; }
    LetterScreen #letter-body-row { height: 1fr; }
    LetterScreen #letter-kinds { width: 34; height: 1fr; }
    LetterScreen #letter-edit { width: 1fr; height: 1fr; }
    LetterScreen #letter-body { height: 1fr; }
    LetterScreen #letter-not { height: auto; max-height: 6; color: $text-muted; }
    LetterScreen #letter-error { height: auto; color: $error; }
    LetterScreen .row { height: auto; }
    LetterScreen .row Label { padding: 1 1 0 0; }
    LetterScreen #letter-channel { width: 20; }
    LetterScreen #letter-date { width: 16; }
    LetterScreen #letter-file { width: 1fr; }
    LetterScreen Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save to case", priority=True, id="letter.save"),
        Binding("ctrl+o", "write", "Write file", priority=True, id="letter.write"),
        Binding("escape", "close", "Close", id="letter.close"),
    ]

    def __init__(self, ref: str, kind: str | None = None, *, version: int | None = None) -> None:
        super().__init__()
        self.ref = ref.strip().upper()
        # The case version the user is looking at (the opener's); without one, the version the drafts are made from.
        self.version = version
        self.kind = kind
        self.draft: Any = None
        self.saved = False
        self._notice = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Letters for {self.ref}: pick one, edit it, ctrl+s saves it to the case, ctrl+o writes the file", classes="title", markup=False)
            with Horizontal(id="letter-body-row"):
                yield OptionList(id="letter-kinds")
                with Vertical(id="letter-edit"):
                    yield Input(placeholder="Subject", id="letter-subject")
                    yield TextArea(id="letter-body", soft_wrap=True)
            yield Static("", id="letter-not")
            with Horizontal(classes="row"):
                yield Label("Sent by", markup=False)
                yield Select([(c.replace("_", " "), c) for c in CHANNELS], value="email", allow_blank=False, id="letter-channel")
                yield Label("on", markup=False)
                yield Input(id="letter-date", placeholder="YYYY-MM-DD")
                yield Label("File", markup=False)
                yield Input(id="letter-file", placeholder="letter.md or letter.txt")
            yield Static("", id="letter-error")
            with Horizontal(classes="row"):
                yield Button("Save to case", id="letter-save", variant="primary")
                yield Button("Write file", id="letter-write")
                yield Button("Close", id="letter-close")

    def on_mount(self) -> None:
        self.query_one("#letter-date", Input).value = self._today().isoformat()
        self._load_choices()

    def _today(self) -> date:
        today = getattr(self.app, "today", None)
        return today() if callable(today) else date.today()

    def _error(self, message: str) -> None:
        self.query_one("#letter-error", Static).update(literal(message))

    # ---- choices and drafts -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="letter-choices")
    def _load_choices(self) -> None:
        from dpo_tui.services.letters import letter_choices

        app: Any = self.app
        try:
            if self.version is None:
                self.version = app.work.version_of(self.ref)
            choices = letter_choices(app.work, self.ref)
        except Exception as exc:  # noqa: BLE001 - shown on screen
            app.call_from_thread(self._error, str(exc))
            return
        app.call_from_thread(self._show_choices, choices)

    def _show_choices(self, choices: list[Any]) -> None:
        options = self.query_one("#letter-kinds", OptionList)
        options.clear_options()
        usable = [c for c in choices if c.applies]
        for c in usable:
            options.add_option(Option(c.title, id=c.kind))
        lines = [f"{c.title}: not available, {c.reason}" for c in choices if not c.applies]
        self.query_one("#letter-not", Static).update(literal("\n".join(lines)))
        if not usable:
            self._error("No letter applies to this case now.")
            return
        wanted = self.kind if self.kind in {c.kind for c in usable} else None
        if self.kind and wanted is None:
            reason = next((c.reason for c in choices if c.kind == self.kind), "unknown kind")
            self._notice = f"{self.kind.replace('_', ' ')} does not apply: {reason}"
        index = [c.kind for c in usable].index(wanted) if wanted else 0
        options.highlighted = index
        options.focus()
        self._draft_for(usable[index].kind)

    @on(OptionList.OptionHighlighted, "#letter-kinds")
    def _picked(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and (self.draft is None or self.draft.kind != event.option.id):
            if self.draft is not None:
                self._notice = ""
            self._draft_for(event.option.id)

    @on(OptionList.OptionSelected, "#letter-kinds")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#letter-body", TextArea).focus()

    @work(thread=True, exclusive=True, group="letter-render")
    def _draft_for(self, kind: str) -> None:
        from dpo_tui.services.letters import render_letter

        app: Any = self.app
        try:
            draft = render_letter(app.work, self.ref, kind)
        except Exception as exc:  # noqa: BLE001
            app.call_from_thread(self._error, str(exc))
            return
        app.call_from_thread(self._show_draft, draft)

    def _show_draft(self, draft: Any) -> None:
        self.draft = draft
        self.kind = draft.kind
        self.query_one("#letter-subject", Input).value = draft.subject
        self.query_one("#letter-body", TextArea).load_text(draft.body)
        self.query_one("#letter-file", Input).value = f"{draft.ref}-{draft.kind}.md"
        self._error(self._notice)

    def _current(self) -> Any:
        from dpo_tui.services.letters import Draft

        if self.draft is None:
            return None
        return Draft(self.draft.ref, self.draft.kind, self.query_one("#letter-subject", Input).value.strip(), self.query_one("#letter-body", TextArea).text)

    # ---- actions ----------------------------------------------------------------------------

    @on(Button.Pressed, "#letter-save")
    def action_save(self) -> None:
        draft = self._current()
        if draft is None:
            self._error("Pick a letter first.")
            return
        raw = self.query_one("#letter-date", Input).value.strip()
        try:
            sent_on = date.fromisoformat(raw)
        except ValueError:
            self._error(f"date sent: '{raw}' is not a date (use YYYY-MM-DD)")
            self.query_one("#letter-date", Input).focus()
            return
        channel = str(self.query_one("#letter-channel", Select).value)
        self._save(draft, channel, sent_on)

    @work(thread=True, exclusive=True, group="letter-save")
    def _save(self, draft: Any, channel: str, sent_on: date) -> None:
        from dpo_tui.services.letters import save_letter

        app: Any = self.app
        try:
            detail = save_letter(app.work, self.ref, draft.kind, draft.subject, draft.body, channel, sent_on, version=self.version)
            self.version = detail.version  # a second save (another letter) applies to the case as now saved
        except Exception as exc:  # noqa: BLE001
            app.call_from_thread(self._error, str(exc))
            return
        app.call_from_thread(self._saved, draft, channel, sent_on)

    def _saved(self, draft: Any, channel: str, sent_on: date) -> None:
        self.saved = True
        self._error("")
        self.app.notify(f"{draft.kind.replace('_', ' ')} saved to {self.ref} (sent {sent_on.isoformat()} by {channel})", markup=False)

    @on(Button.Pressed, "#letter-write")
    def action_write(self) -> None:
        from dpo_tui.services.letters import format_for, write_letter

        draft = self._current()
        if draft is None:
            self._error("Pick a letter first.")
            return
        name = self.query_one("#letter-file", Input).value.strip()
        if not name:
            self._error("file: name the file to write (.md or .txt)")
            return
        path = Path(name).expanduser()
        try:
            written = write_letter(draft, path, format_for(path))
        except Exception as exc:  # noqa: BLE001
            self._error(str(exc))
            return
        self._error("")
        self.app.notify(f"wrote {written}", markup=False)

    @on(Button.Pressed, "#letter-close")
    def action_close(self) -> None:
        self.dismiss(self.saved)
