"""Intake triage (`i` from the queue): messages that intake did not log on its own wait here for the DPO.

For each item: sender, subject, day of receipt (and where it came from), the rights detected with the phrases that
triggered them, whether intake was confident, and the text, all shown literally. Keys: enter logs it as a case
(the new-request form, filled in from the message), `a` attaches it to an existing case (reference completed as
you type), `x` dismisses it with a reason, `L` logs every confident item at once after a confirmation (the rule and the
service verb `dpo-tui import --log-confident` uses; in a worker, ending with a one-line result), `f` fetches new
mail from the IMAP mailbox in the settings (in a worker, with a progress bar and a one-line result). Every decision goes through the intake service (`services/intake.py`):
one transaction with its audit event, refused when someone else decided the item meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import Suggester
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from dpo_tui.domain.dates import fmt
from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.formatting import right_labels, status_words
from dpo_tui.tui.text import clean, literal
from dpo_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from dpo_tui.services.intake import ConfidentResult, ImportSummary, TriageItem

BASIS = {
    "received_header": "from the receiving server's Received: header",
    "date_header": "from the Date: header (no Received: header)",
    "file_time": "from the file time: check it against the message",
    "form": "from the web form's date column",
}
LANGUAGE = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch"}


def item_line(item: TriageItem) -> Text:
    """One line of the list: day of receipt, sender, subject (the sender's text literally)."""
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(f"{item.received.isoformat()}  ", style="bold")
    t.append("✓ " if item.confident else "? ", style="green" if item.confident else "yellow")
    t.append_text(literal(" ".join((item.from_name or item.from_email).split())))
    t.append("  ")
    t.append_text(literal(" ".join(item.subject.split()) or "(no subject)", "dim"))
    return t


def item_detail(item: TriageItem) -> Text:
    """Everything the DPO needs to decide, each value literal."""
    t = Text()

    def row(label: str, value: Text | str) -> None:
        t.append(f"{label:<11}", style="bold")
        t.append_text(value if isinstance(value, Text) else Text(value))
        t.append("\n")

    sender = literal(item.from_name)
    sender.append(" <")
    sender.append_text(literal(item.from_email))
    sender.append(">")
    row("From", sender)
    if (item.requester_email or "").lower() != (item.from_email or "").lower() or item.third_party:
        req = literal(item.requester_name)
        req.append(" <")
        req.append_text(literal(item.requester_email))
        req.append(">")
        if item.third_party:
            req.append("  written on their behalf: authority needed", style="bold yellow")
        row("Requester", req)
    row("Subject", literal(item.subject or "(no subject)"))
    row("Received", Text(f"{fmt(item.received)}  ({BASIS.get(item.received_basis, item.received_basis)})"))
    row("Source", literal(item.source, "dim"))
    if item.confident:
        row("Intake", Text("confident: check, then log it (enter)", style="bold green"))
    else:
        row("Intake", Text.assemble(("not confident: ", "bold yellow"), literal(item.reason)))
    if item.match_ref:
        row("May join", Text(f"{item.match_ref} (a to attach it there)"))
    lang = LANGUAGE.get(item.language or "", item.language or "not recognised")
    row("Language", Text(lang))
    if item.rights:
        rights = Text()
        for r in item.rights:
            rights.append(right_labels([r]), style="bold")
            phrases = item.triggers.get(r, ())
            if phrases:
                rights.append(" — triggered by ")
                rights.append_text(literal(", ".join(f"“{p}”" for p in phrases), "italic"))
            rights.append("\n" + " " * 11)
        rights.rstrip()
        row("Rights", rights)
    else:
        row("Rights", Text("none recognised: choose them when logging", style="yellow"))
    if item.direct_marketing:
        row("", Text("objects to direct marketing (never refusable)", style="bold"))
    if item.regime:
        row("Regime", literal(item.regime))
    if item.attachments:
        row("Attached", literal("; ".join(f"{n} ({m}, {s:,} bytes)" for n, m, s in item.attachments)))
    t.append("\n")
    t.append("Text\n", style="bold underline")
    t.append_text(literal(item.body or "(empty)"))
    if item.signature:
        t.append("\n\nSignature\n", style="bold underline")
        t.append_text(literal(item.signature, "dim"))
    if item.quoted:
        t.append("\n\nQuoted earlier messages\n", style="bold underline")
        t.append_text(literal(item.quoted, "dim"))
    return t


def summary_line(summary: ImportSummary) -> str:
    c = summary.counts
    words = (
        f"{c['created']} created, {c['attached']} attached, {c['needs_triage']} to triage, "
        f"{c['skipped']} already imported, {c['rejected']} rejected"
    )
    if summary.rejected and not summary.applied:
        first = summary.rejected[0]
        return f"Nothing imported: {len(summary.rejected)} bad message(s), first {clean(first.source)}: {clean(first.detail)} (dpo-tui fetch --skip-bad imports the rest)"
    return f"Fetched {len(summary.results)} message(s): {words}"


def confident_line(done: ConfidentResult) -> str:
    n = len(done.created)
    words = f"Logged {n} case{'s' * (n != 1)}"
    if done.created:
        words += f" ({done.created[0]}{'…' + done.created[-1] if n > 1 else ''})"
    words += f"; {done.remaining} item{'s' * (done.remaining != 1)} still need{'s' * (done.remaining == 1)} triage"
    if done.kept:
        words += f" ({done.kept} kept: the sender now has an open case)"
    if done.refused:
        words += f"; not logged: {clean('; '.join(done.refused))}"
    return words


class RefSuggester(Suggester):
    """Completes a case reference from the queue's reader (references that start with what was typed)."""

    def __init__(self, screen: DpoScreen[Any]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.screen = screen

    async def get_suggestion(self, value: str) -> str | None:
        import asyncio

        typed = value.strip().upper()
        if len(typed) < 2:
            return None
        reader = self.screen.app.reader
        rows = await asyncio.to_thread(reader.find, typed, 20)
        return next((r.ref for r in rows if r.ref.upper().startswith(typed)), None)


class TriageScreen(DpoScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="triage.back"),
        Binding("enter", "log", "Log as case", id="triage.log"),
        Binding("a", "attach", "Attach to case", id="triage.attach"),
        Binding("x", "dismiss_item", "Dismiss", id="triage.dismiss"),
        Binding("L", "log_confident", "Log all confident", id="triage.log_confident"),
        Binding("f", "fetch", "Fetch mail", id="triage.fetch"),
        Binding("r", "reload", "Reload", id="triage.reload"),
    ]

    def __init__(self, *, fetch: bool = False) -> None:
        super().__init__(id="triage")
        self.items: list[TriageItem] = []
        self.fetching = False
        self.last_result = ""
        self._fetch_on_mount = fetch

    def compose(self) -> ComposeResult:
        yield Static("Intake triage · loading…", id="triage-title")
        with Horizontal(id="triage-body"):
            yield OptionList(id="triage-list")
            with VerticalScroll(id="triage-detail-scroll"):
                yield Static("", id="triage-detail")
        with Horizontal(id="triage-fetch", classes="hidden"):
            yield Static("", id="triage-fetch-label")
            yield ProgressBar(id="triage-bar", show_eta=False)
        yield Static("", id="triage-result")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#triage-list", OptionList).focus()
        self.load()
        if self._fetch_on_mount:
            self.action_fetch()

    # ---- loading ---------------------------------------------------------------------------

    def load(self) -> Worker[None]:
        from dpo_tui.services.intake import Intake

        return self.call_in_thread(lambda w: Intake(w).triage_items(), self.show_items, group="triage-load", exclusive=True)

    def show_items(self, items: list[TriageItem]) -> None:
        if not self.is_attached:
            return
        options = self.query_one("#triage-list", OptionList)
        keep = self.current.id if self.current else None
        self.items = items
        options.clear_options()
        options.add_options([Option(item_line(i), id=str(i.id)) for i in items])
        n = len(items)
        title = Text(f"Intake triage · {n} message{'s' if n != 1 else ''} to decide", style="bold")
        title.append("   enter log · a attach · x dismiss · L log all confident · f fetch mail", style="dim")
        self.query_one("#triage-title", Static).update(title)
        if items:
            ids = [i.id for i in items]
            options.highlighted = ids.index(keep) if keep in ids else 0
        self._show_current()

    @property
    def current(self) -> TriageItem | None:
        options = self.query_one("#triage-list", OptionList)
        if options.highlighted is None or not self.items or options.highlighted >= len(self.items):
            return None
        return self.items[options.highlighted]

    def _show_current(self) -> None:
        item = self.current
        body = item_detail(item) if item else Text("Nothing to triage. f fetches new mail; escape goes back.", style="dim")
        self.query_one("#triage-detail", Static).update(body)

    @on(OptionList.OptionHighlighted, "#triage-list")
    def _highlighted(self) -> None:
        self._show_current()

    @on(OptionList.OptionSelected, "#triage-list")
    def _selected(self) -> None:
        self.action_log()

    def _decided(self, message: str) -> None:
        self.app.notify(message, markup=False)
        self.load()
        self.app.check_for_changes(force=True)

    def _need_item(self) -> TriageItem | None:
        item = self.current
        if item is None:
            self.app.notify("Nothing to triage.", severity="warning", markup=False)
        return item

    # ---- actions ---------------------------------------------------------------------------

    def action_log(self) -> None:
        """The new-request form filled in from the message; saving logs the item as a case."""
        from dpo_tui.tui.modals.new_request import TriageLogScreen

        item = self._need_item()
        if item is None:
            return

        def done(ref: str | None) -> None:
            if ref:
                self._decided(f"Logged {ref} from the message of {item.received.isoformat()}")

        self.app.push_screen(TriageLogScreen(item), done)

    def action_attach(self) -> None:
        item = self._need_item()
        if item is not None:
            self.run_flow(self._attach_flow(item))

    async def _attach_flow(self, item: TriageItem) -> None:
        from dpo_tui.services.intake import Intake
        from dpo_tui.tui.modals.prompts import AskScreen, ConfirmScreen

        ref = await self.app.push_screen_wait(
            AskScreen("Attach this message to case", placeholder="DSAR-2026-0001", value=item.match_ref or "",
                      hint="Tab or → accepts the completion, enter attaches, escape cancels",
                      suggester=RefSuggester(self))  # fmt: skip
        )
        if not ref or not ref.strip():
            return
        detail = await self.in_thread(lambda w: w.get(ref.strip(), with_events=False))
        question = Text(f"Attach the message of {item.received.isoformat()} from ")
        question.append_text(literal(item.from_email))
        question.append(f" to {detail.ref} (")
        question.append_text(literal(detail.requester.get("name")))
        question.append(f", {status_words(detail.status)})?")
        if not await self.app.push_screen_wait(ConfirmScreen(question, "y or enter: attach · n or escape: cancel")):
            return
        version = detail.version
        done = await self.in_thread(lambda w: Intake(w).attach_pending(item.id, detail.ref, version=item.version, case_version=version))
        self._decided(f"Attached to {done}")

    def action_dismiss_item(self) -> None:
        from dpo_tui.services.intake import Intake
        from dpo_tui.tui.modals.prompts import AskScreen

        item = self._need_item()
        if item is None:
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                return
            self.call_in_thread(
                lambda w: Intake(w).dismiss_pending(item.id, version=item.version, reason=reason),
                lambda _: self._decided("Dismissed: kept as received, not a request"),
                group="triage-write",
            )

        self.app.push_screen(
            AskScreen("Not a rights request: why?", placeholder="e.g. a delivery question, spam",
                      hint="The message stays stored with the reason; enter dismisses, escape cancels"),
            answered,
        )  # fmt: skip

    # ---- logging every confident item -------------------------------------------------------

    def action_log_confident(self) -> None:
        confident = sum(1 for i in self.items if i.confident)
        if not confident:
            self._result("No confident item to log: each needs the DPO's decision (enter, a or x).")
            return
        self.run_flow(self._log_confident_flow(confident, len(self.items) - confident))

    async def _log_confident_flow(self, confident: int, doubtful: int) -> None:
        from dpo_tui.services.intake import Intake
        from dpo_tui.tui.modals.prompts import ConfirmScreen

        question = Text(
            f"Log all {confident} confident item{'s' * (confident != 1)} as new cases? "
            f"{doubtful} item{'s' * (doubtful != 1)} not confident will stay \"needs triage\"."
        )
        question.append("\nEach is logged as `dpo-tui import --log-confident` would: an item whose sender now has an "
                        "open case stays in triage.", style="dim")  # fmt: skip
        if not await self.app.push_screen_wait(ConfirmScreen(question, "y or enter: log them · n or escape: cancel")):
            return
        self._result(f"Logging {confident} confident item{'s' * (confident != 1)}…")
        self.call_in_thread(lambda w: Intake(w).log_confident(), self._logged_confident, group="triage-write")

    def _logged_confident(self, done: ConfidentResult) -> None:
        self._result(confident_line(done))
        self.load()
        self.app.check_for_changes(force=True)

    # ---- fetching --------------------------------------------------------------------------

    def action_fetch(self) -> None:
        if self.fetching:
            self.app.notify("Already fetching.", markup=False)
            return
        imap = self.app.settings.intake.imap
        if not imap.host:
            self._result("IMAP is not set up: add host and user under [intake.imap] in the settings file (see README)")
            return
        self.fetching = True
        self.query_one("#triage-fetch").remove_class("hidden")
        self.query_one("#triage-fetch-label", Static).update(literal(f"Fetching from {imap.host}:{imap.port} {imap.folder} "))
        bar = self.query_one("#triage-bar", ProgressBar)
        bar.update(total=None, progress=0)
        self._result("")
        self._fetch()

    def _fetch(self) -> Worker[None]:
        from dpo_tui.services.intake import Intake

        cfg = self.app.settings.intake
        app = self.app

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._progress, done, total)

        return self.call_in_thread(lambda w: Intake(w).fetch(cfg, on_progress=progress), self._fetched, group="triage-fetch")

    def _progress(self, done: int, total: int) -> None:
        if self.is_attached:
            self.query_one("#triage-bar", ProgressBar).update(total=max(total, 1), progress=done)

    def _fetched(self, summary: ImportSummary) -> None:
        self._fetch_done()
        self._result(summary_line(summary))
        self.load()
        self.app.check_for_changes(force=True)

    def _fetch_done(self) -> None:
        self.fetching = False
        if self.is_attached:
            self.query_one("#triage-fetch").add_class("hidden")

    def _result(self, line: str) -> None:
        self.last_result = line
        if self.is_attached:
            self.query_one("#triage-result", Static).update(literal(line))

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "triage-fetch":
            from dpo_tui.intake.model import IntakeError
            from dpo_tui.tui.base import error_text

            self._fetch_done()
            # An IMAP problem is already one line naming the server; anything else also names its type.
            self._result(f"Fetch failed: {error if isinstance(error, IntakeError) else error_text(error)}")
            return
        super().worker_failed(worker, error)
        if worker.group in ("triage-write", "flow"):
            self.load()  # show the items as they now are (someone else may have decided one)
