"""`IdentityWalkthrough`, the modal that holds the six steps and coordinates them: which step shows (and escape
back through the steps taken), the title and the law line, the one save path (`record`, a thread worker), the one
error path (the message on `#id-error`, the field it names focused in the step showing), and enter in a field.

The steps themselves (their fields, suggestions, checks and saves) are in need.py, who.py, ask.py, arrival.py,
outcome.py and done.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from dpo_tui.domain import identity as rules
from dpo_tui.domain.identity import IdStatus
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.formatting import requester_line, status_words
from dpo_tui.tui.modals.identity.arrival import ArrivalStep
from dpo_tui.tui.modals.identity.ask import AskStep
from dpo_tui.tui.modals.identity.done import DoneStep
from dpo_tui.tui.modals.identity.need import NeedStep
from dpo_tui.tui.modals.identity.outcome import OutcomeStep
from dpo_tui.tui.modals.identity.step import Step
from dpo_tui.tui.modals.identity.who import WhoStep
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.mail_answers import StepOffer
    from dpo_tui.services.views import CaseDetail


def start_step(detail: CaseDetail) -> int:
    """The step the case has reached: awaiting ID → 5, information arrived → 6, verified or not needed → 2 (more
    information requested), otherwise 1."""
    state = rules.current(detail.identity)
    if state is IdStatus.AWAITING:
        return 5
    if state is IdStatus.RECEIVED:
        return 6
    if state in (IdStatus.VERIFIED, IdStatus.NOT_NEEDED):
        return 2
    return 1


class IdentityWalkthrough(DpoModal["CaseDetail | None"]):
    BINDINGS = [Binding("escape", "back", "Back / close", id="identity.back")]

    def __init__(self, detail: CaseDetail, *, message: StepOffer | None = None) -> None:
        super().__init__()
        self.detail = detail  # the case as last saved
        # A message that may be the identity evidence (services/mail_answers.py): step 5 records from it, dated by
        # its day of receipt, and the audit event names it.
        self.message = message
        self.step = 1  # the number of the step showing
        self.history: list[int] = []  # the steps escape goes back through (cleared by a save)
        self._changed = False  # something was saved: the case screen reloads
        self.need = NeedStep(self)
        self.who = WhoStep(self)
        self.ask = AskStep(self)
        self.arrival = ArrivalStep(self)
        self.outcome = OutcomeStep(self)
        self.done = DoneStep(self)
        self.steps: dict[int, Step] = {s.NUMBER: s for s in (self.need, self.who, self.ask, self.done, self.arrival, self.outcome)}

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="modal-frame"):
            yield Static("", id="id-title")
            yield Static("", id="id-law")
            who = Text("Requester: ")
            who.append_text(requester_line(d.requester, d.agent))
            yield Static(who, id="id-requester")
            yield Static("", id="id-error")
            with VerticalScroll(can_focus=False):  # no tab stop where enter does nothing (as in walk.py)
                yield from (self.need, self.who, self.ask, self.arrival, self.outcome, self.done)
            yield Label("tab moves · enter continues · escape goes back or closes", classes="hint")

    def on_mount(self) -> None:
        for button in self.query(Button):
            # Enter on a button is ignored for 0.2 s after a press (the "active" effect): a DPO who fixes the field
            # an error named and presses enter again at once must not have the key silently dropped.
            button.active_effect_duration = 0
        d = self.detail
        if not d.is_open:
            self._hide_all()
            self.done.display = True
            self._title(f"Verify identity — {d.ref}")
            self._error(
                f"{d.ref} is closed ({status_words(d.status)}): identity cannot be verified on a closed case. "
                "Reopen it first if the person has come back."
            )
            self.done.show_closed()
            return
        self.need.update_suggestion()
        self.who.update_kind()
        self.show_step(start_step(d), remember=False)

    def today(self) -> date:
        return self.app.today()

    # ---- navigation ------------------------------------------------------------------------

    def _hide_all(self) -> None:
        for step in self.steps.values():
            step.display = False

    def _title(self, text: str) -> None:
        self.query_one("#id-title", Static).update(Text(text))

    def _law(self, text: str) -> None:
        self.query_one("#id-law", Static).update(Text(text))

    def show_step(self, number: int, *, remember: bool = True) -> None:
        """Show step `number` (remembered for escape unless `remember` is False), filled from the case."""
        if remember:
            self.history.append(self.step)
        self.step = number
        self._hide_all()
        self._error("")
        step = self.steps[number]
        step.display = True
        self._title(f"Verify identity — {self.detail.ref} · step {number} of 6: {step.TITLE}")
        self._law(rules.LAW[number])
        step.prepare()
        first = step.query_one(step.FIRST)
        if first.disabled:  # a date fixed by the message it came in: the first field that can be typed in
            first = next((w for w in step.query("*") if w.focusable), first)
        first.focus()

    def finish(self, summary: str, letter: str | None) -> None:
        """The end of a path: step 4 with what was recorded and the letter `letter` (None: no letter)."""
        self.show_step(4, remember=False)
        self._title(f"Verify identity — {self.detail.ref} · done")
        self._law({"identity_request": rules.LAW[4], "could_not_verify": rules.LAW[6]}.get(letter or "", ""))
        self.done.show(summary, letter)

    def leave(self) -> None:
        """Close, handing the case screen the case to reload if anything was saved."""
        self.dismiss(self.detail if self._changed else None)

    # ---- the one save path and the one error path ------------------------------------------

    def record(self, fn: Callable[[Casework], CaseDetail], then: Callable[[CaseDetail], None]) -> None:
        """Run a service verb in a thread worker; `then(detail)` after it is saved (errors: show_error)."""

        def saved(detail: CaseDetail) -> None:
            self.detail = detail
            self.history.clear()  # a saved step cannot be taken back with escape
            self._changed = True
            then(detail)

        self._error("")
        self.call_in_thread(fn, saved, group="identity-save", exclusive=True)

    def _error(self, message: str) -> None:
        self.query_one("#id-error", Static).update(literal(message) if message else "")

    def show_problem(self, message: str) -> None:
        self._error(message)

    def field_selector(self, field: str) -> str | None:
        return self.steps[self.step].FIELDS.get(field)

    # ---- keyboard --------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        primary = self.steps[self.step].PRIMARY
        if primary and self.query_one(primary).display:
            self.query_one(primary, Button).press()

    def action_back(self) -> None:
        if self.history and self.step != 4:
            self.step_back()
            return
        self.leave()

    def step_back(self) -> None:
        previous = self.history.pop()
        self.show_step(previous, remember=False)
