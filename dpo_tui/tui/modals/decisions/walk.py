"""The frame every decision step shares (Walk): title, the law in one line, body, status line, keys; the Outcome a step dismisses with; the date field parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    RadioSet,
    Static,
    TextArea,
)

from dpo_tui.domain.dates import fmt, parse_date
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.formatting import status_words
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.views import CaseDetail


LETTER_FOR = {
    "fee": "fee_request",
    "refuse": "refusal_notice",
    "extend": "extension_notice",
    "clarify": "clarification_request",
}


@dataclass(frozen=True)
class Outcome:
    """What a walkthrough did: the case after it, and the letter the step needs (None: no letter)."""

    detail: CaseDetail
    letter: str | None = None
    next_step: str | None = None  # the assessment chains into "fee" or "refuse"/"refuse_partial"


def message_date(message: Any, label: str) -> ComposeResult:
    """The date field of a step recorded from a message (services/mail_answers.StepOffer): its day of receipt, shown
    and not editable (another day would be a manual entry), with which message it is."""
    with Horizontal(classes="row"):
        yield Label(label, classes="field")
        yield Input(value=message.received.isoformat(), id="on", disabled=True)
    yield Static(Text(f"From the message of {fmt(message.received)} (#{message.file_id}): its day of receipt.", style="dim"),
                 id="from-message")  # fmt: skip


def parse_day(text: str, what: str) -> date:
    """The domain's one date parser, with the walkthroughs' wording for an empty date."""
    return parse_date(text, what, missing="the date is required (YYYY-MM-DD)")


class Walk(DpoModal[Outcome | None]):
    """Shared frame: title, the law in one line, a body, a status line (problems or 'ready'), the keys."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="walk.save"),
        Binding("escape", "cancel", "Cancel", id="walk.cancel"),
    ]
    TITLE_TEXT = ""
    LAW = ""
    # The field an InvalidInput names -> the widget to focus (the services' and parse_day's field names).
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {
        "date": "#on", "asked for on": "#on", "received on": "#on", "refused on": "#on", "on": "#on",
        "paid on": "#paid-on", "told on": "#told", "note": "#note", "question": "#question", "answer": "#answer",
        "answered on": "#on", "amount": "#amount", "fee": "#q-hours", "reason": "#reason", "scope": "#scope",
        "purpose": "#purpose", "decision": "#decision",
    }  # fmt: skip

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.detail: CaseDetail = None  # type: ignore[assignment]  # set by read() before the step is pushed

    def read(self, casework: Casework) -> None:
        """Read what the step shows. Runs in a thread worker (open_walkthrough) before the step is pushed."""
        self.detail = casework.get(self.ref)

    def today(self) -> date:
        return self.app.today()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame"):
            yield Label(literal(self.TITLE_TEXT.format(ref=self.ref)), classes="title")
            yield Static(Text(self.LAW), classes="law")
            # Not a tab stop itself: it scrolls to whichever field has the focus.
            with VerticalScroll(can_focus=False):
                yield from self.body()
            yield Static("", id="status")
            yield Label("ctrl+s saves · escape cancels · tab moves · space ticks · arrows choose", classes="hint")

    def body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def on_mount(self) -> None:
        self.check()
        # The first field has the focus, so the first keys land in it (the scroll area took them: issue 16).
        first = next((w for w in self.query_one(VerticalScroll).query("*") if w.focusable), None)
        if first is not None:
            first.focus(scroll_visible=False)

    # ---- validation as you go --------------------------------------------------------------

    def problem(self) -> str | None:
        """The reason this cannot be saved as it stands (None: ready)."""
        return None

    def ready_text(self) -> str:
        return "Ready: ctrl+s saves."

    def check(self) -> str | None:
        try:
            why = self.problem()
        except DomainError as exc:
            why = str(exc)
        self.show_status(why)
        return why

    def show_status(self, why: str | None) -> None:
        status = self.query_one("#status", Static)
        status.set_class(why is not None, "refused")
        status.set_class(why is None, "ready")
        status.update(literal(("Not allowed: " + why) if why else self.ready_text()))

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.check()

    # ---- saving ----------------------------------------------------------------------------

    def save(self) -> Callable[[Casework], Outcome]:  # pragma: no cover - overridden
        """What saving does: read the form here (UI thread), return the service call to run in a thread."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.check() is not None:
            self.app.bell()
            return
        try:
            job = self.save()
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.call_in_thread(job, self.dismiss, group="walk-save", exclusive=True)

    def show_problem(self, message: str) -> None:
        self.show_status(message or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # ---- small helpers ---------------------------------------------------------------------

    def value(self, selector: str) -> str:
        w = self.query_one(selector)
        return w.text if isinstance(w, TextArea) else w.value  # type: ignore[union-attr]

    def radio(self, selector: str) -> str | None:
        pressed = self.query_one(selector, RadioSet).pressed_button
        return pressed.id.split("-", 1)[1] if pressed and pressed.id else None

    def date_input(self, id_: str, label: str, default: date | None = None) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(label, classes="field")
            yield Input(value=(default or self.today()).isoformat(), placeholder="YYYY-MM-DD", id=id_)


# ---------------------------------------------------------------------------------------------------------------
# Assessment
# ---------------------------------------------------------------------------------------------------------------


def facts_table(facts: Any) -> Table:
    t = Table(box=None, pad_edge=False, expand=True, title_justify="left")
    t.add_column("Reference", no_wrap=True, style="bold")
    t.add_column("Received", no_wrap=True)
    t.add_column("Rights")
    t.add_column("Status", no_wrap=True)
    t.add_column("Same", no_wrap=True)
    t.add_column("Open, shared rights")
    seen = set()
    for c in (*facts.earlier, *facts.open_overlap):
        if c.ref in seen:
            continue
        seen.add(c.ref)
        overlap = ", ".join(c.shared_rights) if c.is_open and c.shared_rights else ("open" if c.is_open else "")
        t.add_row(
            literal(c.ref), fmt(c.received), literal(", ".join(c.rights)), literal(status_words(c.status)),
            " + ".join(c.matched_by), literal(overlap),
        )  # fmt: skip
    return t
