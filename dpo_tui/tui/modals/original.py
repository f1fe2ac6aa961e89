"""The messages kept with a case as received (`O` on the case screen): the evidence of what arrived and when.

Headers and text are shown literally (`literal()`): no markup, no escape sequences, and HTML is never rendered (an
HTML-only message shows its source). `s` saves a copy of the stored original, byte for byte, owner-only (0600) into
the current folder, under its stored name (day of receipt and SHA-256 prefix); an existing file is never replaced. Opening this marks the case's new mail
read, which clears the queue's ✉ (unread) and ! (chaser) markers, with an audit event.

A message that may be the answer the case awaits (an ID document, a fee payment, a clarification answer:
services/mail_answers.py) says so above its headers, and `r` offers "Record as <step>?" (tui/modals/mail_step.py):
on yes, that step of the walkthrough opens filled in from the message, dated by its day of receipt. The view opens
on such a message when there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.intake import Original
    from dpo_tui.services.mail_answers import StepOffer


def original_text(o: Original) -> Text:
    t = Text()
    for name, value in o.headers:
        t.append(f"{name}: ", style="bold")
        t.append_text(literal(value))
        t.append("\n")
    t.append(f"SHA-256: {o.sha256}  ·  {o.size:,} bytes  ·  {o.media_type}\n", style="dim")
    t.append(f"({o.note})\n\n", style="dim italic")
    t.append_text(literal(o.text or "(no text)"))
    return t


class OriginalsScreen(DpoModal[bool]):
    """Dismissed with True when reading them changed the case (the unread marker was cleared)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save_copy", "Save a copy", id="originals.save"),
        Binding("r", "record_step", "Record as the awaited step", id="originals.record"),
        Binding("escape", "close", "Close", id="originals.close"),
    ]

    def __init__(self, ref: str, version: int) -> None:
        super().__init__()
        self.ref = ref
        self.version = version
        self.originals: list[Original] = []
        self.offers: dict[int, StepOffer] = {}  # file id -> the step it may answer
        self.changed = False
        self.saved: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame originals-dialog"):
            yield Label(f"Messages received on {self.ref}, as stored  (s saves a copy, escape closes)", classes="title", markup=False)
            yield OptionList(id="originals-list")
            with VerticalScroll(id="original-scroll"):
                yield Static("loading…", id="original-body")
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        from dpo_tui.services.intake import Intake

        ref, version = self.ref, self.version

        def read(w: Any) -> tuple[list[Original], bool, list[StepOffer]]:
            from dpo_tui.services.casework import StaleCase
            from dpo_tui.services.mail_answers import offers

            intake = Intake(w)
            originals = intake.originals(ref)
            found = offers(w, ref)  # before marking read: an offer says whether its message was unread
            try:
                detail = intake.mark_read(ref, version=version)
            except StaleCase:  # changed since the case screen loaded: these messages are read now all the same
                detail = intake.mark_read(ref, version=w.version_of(ref))
            return originals, detail.version != version, found

        self.call_in_thread(read, self._show, group="originals-load")

    def _show(self, loaded: tuple[list[Original], bool, list[StepOffer]]) -> None:
        self.originals, self.changed, found = loaded
        self.offers = {o.file_id: o for o in found}
        options = self.query_one("#originals-list", OptionList)
        options.clear_options()
        for o in self.originals:
            subject = next((v for k, v in o.headers if k.lower() == "subject"), "")
            line = Text(f"#{o.file_id}  {o.name}  ")
            line.append_text(literal(" ".join(subject.split()), "dim"))
            options.add_option(Option(line, id=str(o.file_id)))
        if self.originals:
            ids = [o.file_id for o in self.originals]
            offered = [i for i in ids if i in self.offers]
            # the newest message that may answer the awaited step, else the newest
            options.highlighted = ids.index(offered[-1]) if offered else len(self.originals) - 1
            options.focus()
        else:
            self.query_one("#original-body", Static).update(Text("No message was received through intake on this case.", style="dim"))

    @property
    def current(self) -> Original | None:
        i = self.query_one("#originals-list", OptionList).highlighted
        return self.originals[i] if i is not None and i < len(self.originals) else None

    @on(OptionList.OptionHighlighted, "#originals-list")
    def _highlighted(self) -> None:
        o = self.current
        if o is not None:
            offer = self.offers.get(o.file_id)
            if offer is None:
                self.query_one("#original-body", Static).update(original_text(o))
                return
            from dpo_tui.tui.modals.mail_step import offer_banner

            body = offer_banner(offer)
            body.append_text(original_text(o))
            self.query_one("#original-body", Static).update(body)

    def action_record_step(self) -> None:
        """Record as <step>? for the message showing, when it may answer what the case awaits."""
        o = self.current
        offer = self.offers.get(o.file_id) if o is not None else None
        if offer is None:
            self.show_problem("This message is not an answer the case awaits (it waits for nothing, or not for this).")
            return
        self.show_problem("")
        self.run_flow(self._record(offer))

    async def _record(self, offer: StepOffer) -> None:
        from dpo_tui.services.mail_answers import offers
        from dpo_tui.tui.modals.mail_step import record_flow

        detail = await record_flow(self, self.ref, offer)
        if detail is None:
            return
        self.changed = True
        self.offers = {o.file_id: o for o in await self.in_thread(lambda w: offers(w, self.ref))}
        self._highlighted()
        self.app.notify(f"{self.ref}: recorded as {offer.label}, arrived {offer.received.isoformat()} (message #{offer.file_id}).", markup=False)

    def action_save_copy(self, folder: Path | None = None) -> None:
        from dpo_tui.services.intake import Intake

        o = self.current
        if o is None:
            return
        where = folder or Path.cwd()

        def saved(path: Path) -> None:
            from dpo_tui.paths import shown

            self.saved.append(path)
            self.show_problem("")
            self.app.notify(f"saved a copy of #{o.file_id} as {shown(path)} (owner-only)", markup=False)

        self.call_in_thread(lambda w: Intake(w).write_out(o.file_id, where), saved, group="originals-save")

    def worker_failed(self, worker: Any, error: BaseException) -> None:
        from dpo_tui.paths import OutputExists

        if worker.group == "originals-save" and isinstance(error, OutputExists):
            self.show_problem(f"{str(error).split('; use --force')[0]}: a copy was saved before, nothing replaced")
            return
        super().worker_failed(worker, error)

    def action_close(self) -> None:
        self.dismiss(self.changed)
