"""The response pack's dialogs (issue 18): the file picker (`A`), the redaction confirmation (`R`), the pack's
passphrase shown once (`p`) and the delivery (`D`).

Each saving dialog runs its service call in a thread worker and closes with the result; a refusal (a folder, a
symlink, a file over the limit, a date in the future...) stays on the dialog's error line with what was typed kept.
File names, suggested values and paths are shown with `literal()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from dpo_tui.tui.base import DpoModal, SavingDialog
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.domain.redaction import Suggestion
    from dpo_tui.services.casework import Casework

Save = Callable[["Casework", Any], Any]


class _Saving(SavingDialog):
    SAVE_GROUP = "pack-save"

    def action_cancel(self) -> None:
        self.dismiss(None)


class AttachScreen(_Saving):
    """Pick a file to attach: type its path, or tab to the folder listing (enter opens a folder, `..` goes up,
    enter on a file attaches it). Dismisses with the attachments added, or None. The listing is read when a folder
    is opened (no background watcher); names are shown literally."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="attach.cancel")]
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {"file": "#attach-path"}
    MAX_ENTRIES = 2000

    def __init__(self, title: Text, save: Save, start: Path | None = None) -> None:
        super().__init__(save)
        self.title_text = title
        self.folder = (start or Path.cwd()).resolve()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame pack-dialog", id="attach-frame"):
            yield Static(self.title_text, classes="title")
            yield Input(placeholder="path of the file (or tab to pick it below)", id="attach-path")
            yield Static("", id="attach-folder")
            yield OptionList(id="attach-files")
            yield Static("", id="error", classes="error")
            yield Label("type a path, or tab to the list and pick a file; enter attaches it; escape cancels", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.show_folder(self.folder)
        self.query_one("#attach-path", Input).focus()

    def show_folder(self, folder: Path) -> None:
        try:
            entries = sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name.lower()))[: self.MAX_ENTRIES]
        except OSError as exc:
            self.show_problem(f"{folder}: {(exc.strerror or type(exc).__name__).lower()}")
            return
        self.folder = folder
        self.query_one("#attach-folder", Static).update(literal(str(folder)))
        ol = self.query_one("#attach-files", OptionList)
        ol.clear_options()
        options = [Option(Text("../", style="bold"), id="..")] if folder.parent != folder else []
        for entry in entries:
            is_dir = entry.is_dir() and not entry.is_symlink()
            label = literal(entry.name + ("/" if is_dir else ""), "bold" if is_dir else "")
            options.append(Option(label, id=entry.name))
        ol.add_options(options)
        if options:
            ol.highlighted = 0

    @on(OptionList.OptionSelected, "#attach-files")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id or ""
        target = self.folder.parent if name == ".." else self.folder / name
        if name == ".." or (target.is_dir() and not target.is_symlink()):
            self.show_problem("")
            self.show_folder(target)
            return
        self.query_one("#attach-path", Input).value = str(target)
        self.submit(target)

    @on(Input.Submitted, "#attach-path")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.submit(Path(event.value.strip()).expanduser())


class RedactScreen(_Saving):
    """The suggested redactions of a text attachment, none ticked: the DPO ticks (space) each to redact and
    confirms with ctrl+s. Dismisses with the redacted copy, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Redact", id="redact.confirm"),
        Binding("escape", "cancel", "Cancel", id="redact.cancel"),
    ]

    def __init__(self, name: str, suggestions: list[Suggestion], save: Save) -> None:
        super().__init__(save)
        self.file_name = name
        self.suggestions = suggestions

    def compose(self) -> ComposeResult:
        title = Text("Redact in ", style="bold")
        title.append_text(literal(self.file_name))
        with Vertical(classes="modal-frame pack-dialog"):
            yield Static(title, classes="title")
            if not self.suggestions:
                yield Static(Text("No other people's emails, phone numbers or names found in this file."), id="redact-none")
            items = []
            for n, s in enumerate(self.suggestions):
                label = Text(f"{s.kind:<6}")
                label.append_text(literal(s.value))
                label.append(f"  ×{s.count}", style="dim")
                items.append(Selection(label, n, False))
            yield SelectionList[int](*items, id="redact-list")
            yield Static("", id="error", classes="error")
            yield Label("space ticks a value to redact (third-party data); ctrl+s makes the redacted copy; escape cancels",
                        classes="hint", markup=False)  # fmt: skip

    def action_confirm(self) -> None:
        chosen = [self.suggestions[i] for i in self.query_one("#redact-list", SelectionList).selected]
        if not chosen:
            self.show_problem("Tick at least one value to redact (space), or escape.")
            return
        self.submit(chosen)


class PassphraseScreen(DpoModal[None]):
    """The pack's passphrase, shown this once: it is not stored anywhere."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close", id="passphrase.close")]

    def __init__(self, path: Path, passphrase: str, manifest_sha256: str, files: int) -> None:
        super().__init__()
        self.path, self.passphrase, self.manifest, self.files = path, passphrase, manifest_sha256, files

    def compose(self) -> ComposeResult:
        body = Text()
        body.append("Pack written: ", style="bold")
        body.append_text(literal(str(self.path)))
        body.append(f"\n{self.files} files; manifest SHA-256 {self.manifest}\n\n")
        body.append("Passphrase (shown once, not stored):\n", style="bold")
        body.append(self.passphrase, style="bold reverse")
        body.append("\n\nSend it by a separate channel (phone, SMS), never with the archive.")
        with Vertical(classes="modal-frame pack-dialog"):
            yield Static(body, id="passphrase-body")
            yield Label("enter or escape closes; the passphrase cannot be shown again", classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


class DeliverScreen(_Saving):
    """Mark the pack delivered: channel, the day (today, or earlier with a reason)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="deliver.save"),
        Binding("escape", "cancel", "Cancel", id="deliver.cancel"),
    ]
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {"channel": "#deliver-channel", "date": "#deliver-date", "reason": "#deliver-reason"}

    def __init__(self, title: Text, today: date, save: Save) -> None:
        super().__init__(save)
        self.title_text = title
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame pack-dialog"):
            yield Static(self.title_text, classes="title")
            yield Label("Channel (email, post, web, in_person, ...)", markup=False)
            yield Input(value="email", id="deliver-channel")
            yield Label("Delivered on (YYYY-MM-DD)", markup=False)
            yield Input(value=self.today.isoformat(), id="deliver-date")
            yield Label("Reason, when the day is earlier than today", markup=False)
            yield Input(placeholder="e.g. posted on Friday, recorded on Monday", id="deliver-reason")
            yield Static("", id="error", classes="error")
            yield Label("ctrl+s saves; escape cancels", classes="hint", markup=False)

    def action_save(self) -> None:
        raw = self.query_one("#deliver-date", Input).value.strip()
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            self.show_problem(f"date: '{raw}' is not a date (use YYYY-MM-DD)")
            self.focus_field("date")
            return
        self.submit({
            "channel": self.query_one("#deliver-channel", Input).value.strip(),
            "on": on,
            "reason": self.query_one("#deliver-reason", Input).value.strip() or None,
        })  # fmt: skip
