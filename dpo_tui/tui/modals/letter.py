"""Letters for a case: pick a kind that applies, preview and edit it, save it as correspondence, write it out.

ctrl+s saves the letter to the case (correspondence with the date sent and channel, plus an audit event);
ctrl+o writes it to the file named below (.md or .txt, owner-only); ctrl+t sends it by email through `[smtp]`
(`services/outbound.py`, as `letter --send`): the letter as edited, after a confirmation showing the recipient and
subject (for a response letter on a case with a pack, first the path of the pack's archive to attach, checked as
`letter --send --pack` checks it; empty sends without it), threaded on the case's earlier messages, recorded only once the server has accepted it; escape closes. Requester text only ever reaches
the screen as plain text (TextArea, `literal()`), never as markup.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from dpo_tui.domain.dates import parse_date
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.states import Channel
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework

# The order a letter goes out by, most common first (post before web, unlike a request's channel).
CHANNELS = (Channel.EMAIL, Channel.POST, Channel.WEB, Channel.PHONE, Channel.IN_PERSON, Channel.SOCIAL)


class LetterScreen(DpoModal[bool]):
    """Dismissed with True when a letter was saved to the case."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save to case", id="letter.save"),
        Binding("ctrl+o", "write", "Write file", id="letter.write"),
        Binding("ctrl+t", "send", "Send by email", id="letter.send"),
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
        with Vertical(classes="modal-frame"):
            yield Label(f"Letters for {self.ref}: pick one, edit it, ctrl+s saves it to the case, ctrl+o writes the file, ctrl+t sends it by email", classes="title", markup=False)
            if self.app.settings.is_demo:  # the letter would be signed by the demo DPO: say so where it is written
                yield Static(literal(self.app.settings.demo_notice), id="letter-demo")
            with Horizontal(id="letter-body-row"):
                yield OptionList(id="letter-kinds")
                with Vertical(id="letter-edit"):
                    yield Input(placeholder="Subject", id="letter-subject")
                    yield TextArea(id="letter-body", soft_wrap=True)
            yield Static("", id="letter-not")
            with Horizontal(classes="row"):
                yield Label("Sent by", markup=False)
                yield Select([(c.value.replace("_", " "), c.value) for c in CHANNELS], value=Channel.EMAIL.value, allow_blank=False, id="letter-channel")
                yield Label("on", markup=False)
                yield Input(id="letter-date", placeholder="YYYY-MM-DD")
                yield Label("File", markup=False)
                yield Input(id="letter-file", placeholder="letter.md or letter.txt")
            yield Static("", id="letter-error")
            with Horizontal(classes="row"):
                yield Button("Save to case", id="letter-save", variant="primary")
                yield Button("Write file", id="letter-write")
                yield Button("Send by email", id="letter-send")
                yield Button("Close", id="letter-close")

    def on_mount(self) -> None:
        self.query_one("#letter-date", Input).value = self._today().isoformat()
        self._load_choices()

    def _today(self) -> date:

        return self.app.today()

    def _error(self, message: str) -> None:
        self.query_one("#letter-error", Static).update(literal(message))

    # ---- choices and drafts -----------------------------------------------------------------

    # The one error path (tui/base.py): shown on the error line, the field named focused; the screen stays open.
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {
        "date sent": "#letter-date", "channel": "#letter-channel", "body": "#letter-body", "file": "#letter-file",
        "format": "#letter-file", "subject": "#letter-subject",
    }  # fmt: skip

    def show_problem(self, message: str) -> None:
        self._error(message)

    def _load_choices(self) -> None:
        from dpo_tui.services.letters import letter_choices

        ref = self.ref

        def choices(w: Casework) -> Any:
            if self.version is None:
                self.version = w.version_of(ref)
            return letter_choices(w, ref)

        self.call_in_thread(choices, self._show_choices, group="letter-choices", exclusive=True)

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

    def _draft_for(self, kind: str) -> None:
        from dpo_tui.services.letters import render_letter

        ref = self.ref
        self.call_in_thread(lambda w: render_letter(w, ref, kind), self._show_draft, group="letter-render", exclusive=True)

    def _show_draft(self, draft: Any) -> None:
        self.draft = draft
        self.kind = draft.kind
        self.query_one("#letter-subject", Input).value = draft.subject
        self.query_one("#letter-body", TextArea).load_text(draft.body)
        self.query_one("#letter-file", Input).value = f"{draft.ref}-{draft.kind}.md"
        if draft.sent_on is not None:  # the date of the step the letter belongs to, not today
            self.query_one("#letter-date", Input).value = draft.sent_on.isoformat()
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
        try:
            sent_on = parse_date(self.query_one("#letter-date", Input).value, "date sent")
        except InvalidInput as exc:
            self.show_error(exc)
            return
        channel = str(self.query_one("#letter-channel", Select).value)
        self._save(draft, channel, sent_on)

    def _save(self, draft: Any, channel: str, sent_on: date) -> None:
        from dpo_tui.services.letters import save_letter

        ref, version = self.ref, self.version

        def saved(detail: Any) -> None:
            self.version = detail.version  # a second save (another letter) applies to the case as now saved
            self._saved(draft, channel, sent_on)

        self.call_in_thread(
            lambda w: save_letter(w, ref, draft.kind, draft.subject, draft.body, channel, sent_on, version=version),
            saved,
            group="letter-save",
            exclusive=True,
        )

    def _saved(self, draft: Any, channel: str, sent_on: date) -> None:
        self.saved = True
        self._error("")
        self.app.notify(f"{draft.kind.replace('_', ' ')} saved to {self.ref} (sent {sent_on.isoformat()} by {channel})", markup=False)

    @on(Button.Pressed, "#letter-write")
    def action_write(self) -> None:
        draft = self._current()
        if draft is None:
            self._error("Pick a letter first.")
            return
        name = self.query_one("#letter-file", Input).value.strip()
        if not name:
            self.show_error(InvalidInput("file", "name the file to write (.md or .txt)"))
            return
        self._write(draft, Path(name).expanduser(), force=False)

    def _write(self, draft: Any, path: Path, *, force: bool) -> None:
        from dpo_tui.paths import shown
        from dpo_tui.services.letters import format_for, write_letter

        def written(where: Path) -> None:
            self._error("")
            self.app.notify(f"wrote {shown(where)}", markup=False)

        # File I/O off the UI thread too; a refusal comes back through worker_failed / show_error.
        self._pending_write = (draft, path)
        self.call_in_thread(lambda _: write_letter(draft, path, format_for(path), force=force), written,
                            group="letter-write")  # fmt: skip

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        from dpo_tui.paths import OutputExists, shown

        if worker.group == "letter-write" and isinstance(error, OutputExists):
            # Never overwrite silently: ask, and write over it only on yes.
            from rich.text import Text

            from dpo_tui.tui.modals.prompts import ConfirmScreen

            draft, path = self._pending_write
            question = Text(f"{shown(path)} already exists. Overwrite it?")
            self.app.push_screen(
                ConfirmScreen(question, "y or enter: overwrite · n or escape: keep the file"),
                lambda yes: self._write(draft, path, force=True) if yes else None,
            )
            return
        super().worker_failed(worker, error)

    @on(Button.Pressed, "#letter-send")
    def action_send(self) -> None:
        draft = self._current()
        if draft is None:
            self._error("Pick a letter first.")
            return
        self.run_flow(self._send_flow(draft))

    async def _send_flow(self, draft: Any) -> None:
        from rich.text import Text

        from dpo_tui.services.outbound import pack_to_offer, prepare_letter, send_letter
        from dpo_tui.tui.modals.prompts import AskScreen, ConfirmScreen

        ref = self.ref
        offer = await self.in_thread(lambda w: pack_to_offer(w, ref, draft.kind))
        pack: str | None = None
        if offer is not None:
            typed = await self.app.push_screen_wait(AskScreen(
                f"Attach the response pack {offer.file_name} (#{offer.id})? Path of the archive:",
                placeholder=f"path of {offer.file_name} (empty: send the letter without it)",
                hint="enter: go on to the confirmation · escape: do not send · the passphrase never goes in the mail",
            ))  # fmt: skip
            if typed is None:
                return
            pack = typed.strip() or None
        letter = await self.in_thread(lambda w: prepare_letter(w, ref, draft.kind, draft=draft, pack=pack))
        question = Text("Send this letter by email?\n\n", style="bold")
        for label, value in (("To", letter.to), ("Subject", letter.subject), ("From", str(letter.message["From"])),
                             ("In reply to", letter.in_reply_to or "(first message on the case)")):  # fmt: skip
            question.append(f"{label}: ", style="bold")
            question.append_text(literal(value))
            question.append("\n")
        if letter.pack is not None:
            question.append("Pack: ", style="bold")
            question.append_text(literal(f"{letter.pack.file_name} (#{letter.pack.pack_id}, application/zip); give the passphrase by phone or SMS"))
            question.append("\n")
        question.append("\nIt is recorded on the case only once the mail server has accepted it.", style="dim")
        if not await self.app.push_screen_wait(ConfirmScreen(question, "y or enter: send · n or escape: do not send")):
            return
        version = self.version if self.version is not None else letter.version
        self._error("Sending…")
        detail = await self.in_thread(lambda w: send_letter(w, letter, version=version))
        self.version = detail.version
        self.saved = True
        self._error("")
        self.app.notify(f"{draft.kind.replace('_', ' ')} sent to {letter.to} and recorded on {self.ref} ({letter.message_id})", markup=False)

    @on(Button.Pressed, "#letter-close")
    def action_close(self) -> None:
        self.dismiss(self.saved)
