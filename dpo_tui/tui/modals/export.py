"""Export case summaries from the TUI (`e` on a case, or on the marked rows of the queue), with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker

from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.text import literal


class ExportScreen(DpoModal[list[Path] | None]):
    BINDINGS = [
        Binding("ctrl+s", "export", "Export", id="export.go"),
        Binding("escape", "close", "Close", id="export.close"),
    ]

    def __init__(self, refs: list[str], folder: Path | None = None) -> None:
        super().__init__()
        self.refs = refs
        self.folder = folder or Path.cwd() / "exports"
        self.written: list[Path] | None = None

    def compose(self) -> ComposeResult:
        what = self.refs[0] if len(self.refs) == 1 else f"{len(self.refs)} cases"
        with Vertical(classes="modal-frame"):
            yield Label(f"Export the case summary of {what} (ctrl+s exports, escape closes)", classes="title", markup=False)
            with Horizontal():
                yield Label("Format", markup=False)
                yield Select([("Markdown", "md"), ("HTML (printable)", "html"), ("JSON", "json")], value="html", allow_blank=False, id="export-format")
                yield Label("Folder", markup=False)
                yield Input(str(self.folder), id="export-dir")
            yield ProgressBar(total=len(self.refs), id="export-progress", show_eta=False)
            yield Static("", id="export-status")
            with Horizontal():
                yield Button("Export", id="export-go", variant="primary")
                yield Button("Close", id="export-close")

    @on(Button.Pressed, "#export-go")
    def action_export(self) -> None:
        fmt = str(self.query_one("#export-format", Select).value)
        folder = Path(self.query_one("#export-dir", Input).value.strip() or ".").expanduser()
        self.query_one("#export-status", Static).update("exporting…")
        self._run(fmt, folder)

    def _run(self, fmt: str, folder: Path, force: bool = False) -> None:
        from dpo_tui.exports.case_summary import export_cases

        app, refs = self.app, self.refs
        bar = self.query_one("#export-progress", ProgressBar)

        def progress(n: int, of: int, ref: str) -> None:
            app.call_from_thread(bar.update, progress=n)

        def done(paths: list[Path]) -> None:
            self.written = paths
            where = paths[0] if len(paths) == 1 else folder
            self._status(f"wrote {len(paths)} file{'s' if len(paths) != 1 else ''} to {where}", False)

        self._pending = (fmt, folder)
        self.call_in_thread(lambda w: export_cases(w, refs, fmt, folder, progress=progress, force=force), done,
                            group="export", exclusive=True)  # fmt: skip

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        from dpo_tui.paths import OutputExists

        if worker.group == "export" and isinstance(error, OutputExists):
            self._ask_overwrite(str(error), *self._pending)
            return
        super().worker_failed(worker, error)

    def show_problem(self, message: str) -> None:
        self._status(message, True)

    def _ask_overwrite(self, message: str, fmt: str, folder: Path) -> None:
        """Never overwrite silently: ask, and export over the existing files only on yes."""
        from rich.text import Text

        from dpo_tui.tui.modals.prompts import ConfirmScreen

        self._status(message, True)
        question = Text(f"{message.split(';')[0]}. Overwrite the existing files in this folder?")
        self.app.push_screen(
            ConfirmScreen(question, "y or enter: overwrite · n or escape: keep them"),
            lambda yes: self._run(fmt, folder, True) if yes else None,
        )

    def _status(self, message: str, error: bool) -> None:
        self.query_one("#export-status", Static).update(literal(message, "bold red" if error else "bold green"))
        if not error:
            self.app.notify(message, markup=False)

    @on(Button.Pressed, "#export-close")
    def action_close(self) -> None:
        self.dismiss(self.written)
