"""Step 3: what to ask for. Suggests a method and the items to ask for from steps 1 and 2 (the DPO may change
them), asks why when the request would go out after the due date (issue 15), and sends the request: the case then
awaits ID and the walkthrough ends on step 4 ("request sent") with the letter."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from dpo_tui.domain import identity as rules
from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.dates import fmt, parse_date
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.identity import Method
from dpo_tui.tui.modals.identity.step import Step

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail

METHOD_OPTIONS = [(m.label, m.value) for m in Method]


class AskStep(Step):
    NUMBER = 3
    TITLE = "What to ask for"
    DOM_ID = "step-3"
    FIRST = "#what-method"
    PRIMARY = "#what-send"
    FIELDS = {"what": "#what-text", "late_reason": "#what-late", "on": "#what-on"}

    def compose(self) -> ComposeResult:
        yield Static("", id="what-suggestion", classes="suggestion")
        yield Label("Method")
        yield Select(METHOD_OPTIONS, allow_blank=False, value=Method.CONFIRM_DETAILS.value, id="what-method")
        yield Label("What the person is asked for (one item a line)")
        yield TextArea(id="what-text")
        yield Label("Date the request is sent (YYYY-MM-DD)")
        yield Input(self.walk.today().isoformat(), id="what-on")
        # Issue 15 (rights-requests.md 2.1 rule 9): asked only when the due date has already passed.
        with Vertical(id="what-late-box", classes="step"):
            yield Static("", id="what-late-why", classes="hint")
            yield Label("Why ask for ID now (reasonable doubt, Art 12(6)); the lapse stays on the record")
            yield Input(id="what-late")
        with Horizontal(classes="buttons"):
            yield Button("Send request", id="what-send", variant="primary")

    def prepare(self) -> None:
        self._fill_suggestion()
        self._update_late()

    def _fill_suggestion(self) -> None:
        d, need, who = self.walk.detail, self.walk.need, self.walk.who
        facts = need.facts()
        holds = bool(d.requester.get("address") or d.requester.get("phone") or d.requester.get("account"))
        s = rules.suggest_request(
            kind=who.kind(), id_needed=who.asks_id(), sensitive=facts["sensitive"],
            mismatch=facts["mismatch"], holds_details=holds, has_account=bool(d.requester.get("account")),
        )  # fmt: skip
        if not who.asks_authority() and s.authority_needed:
            s = rules.Suggestion(s.method, s.asked_for.split("; and ")[0], s.why, s.id_needed, False)
        self.query_one("#what-suggestion", Static).update(Text(f"Suggested: {s.method.label} — {s.why}"))
        self.query_one("#what-method", Select).value = s.method.value
        self.query_one("#what-text", TextArea).text = "\n".join(part for part in s.asked_for.split("; and "))

    def _lapsed_due(self) -> date | None:
        """The due date in force, when the clock is running (an ID request after it is late)."""
        dl = self.walk.detail.deadline
        return dl.effective_due if dl.clock_start is not None else None

    @on(Input.Changed, "#what-on")
    def _update_late(self) -> None:
        """Show the late-ID reason only when the request date is after the due date in force."""
        due = self._lapsed_due()
        try:
            on_ = date.fromisoformat(str(self.val("#what-on")).strip())
        except ValueError:
            on_ = None
        late = due is not None and on_ is not None and on_ > due
        self.query_one("#what-late-box").display = late
        if late:
            self.query_one("#what-late-why", Static).update(Text(
                f"The due date {fmt(due)} passed before {fmt(on_)}: asking for ID now still restarts the clock, but "
                "only where there is reasonable doubt, and the ICO expects ID to be asked for promptly. Say why.",
                style="bold"))  # fmt: skip

    @on(Button.Pressed, "#what-send")
    def _send(self) -> None:
        from dpo_tui.services import identity as idv

        walk, need, who = self.walk, self.walk.need, self.walk.who
        try:
            on_ = parse_date(self.val("#what-on"), "on")
        except DomainError as exc:
            walk.show_error(exc)
            return
        due = self._lapsed_due()
        if due is not None and on_ > due and not str(self.val("#what-late")).strip():
            # Asked here, not inferred from the step 1 reason: why verification is needed is not why it is late.
            self._update_late()
            walk.show_error(InvalidInput("late_reason", f"the due date {fmt(due)} passed before {fmt(on_)}: record why "
                                         "ID is asked for so late (reasonable doubt, Art 12(6)); the lapse stays on the record"))  # fmt: skip
            return
        what = "\n".join(
            " ".join(line.split()) for line in self.query_one("#what-text", TextArea).text.splitlines() if line.strip()
        )
        ref = walk.detail.ref
        args = dict(
            requester_kind=who.kind().value, what=what, on=on_, method=self.val("#what-method"),
            id_needed=who.asks_id(), authority_needed=who.asks_authority(),
            reason=need.reason() or None, version=walk.detail.version, **need.facts(), **who.child_args(),
            late_reason=self.val("#what-late") or None,
        )  # fmt: skip
        walk.record(lambda w: idv.request_identity(w, ref, **args), lambda d: self._sent(d, on_))

    def _sent(self, detail: CaseDetail, on_: date) -> None:
        dl = detail.deadline
        clock = (
            "clock not started until the information arrives"
            if dl.state is ClockState.NOT_STARTED
            else f"clock running: due {fmt(dl.effective_due)}" if dl.effective_due else f"clock {dl.state.value}"
        )
        self.walk.finish(
            f"Request sent {fmt(on_)}: the case is awaiting ID since {fmt(on_)}; {clock}. "
            "When the answer arrives press v again to record it.",
            "identity_request",
        )
