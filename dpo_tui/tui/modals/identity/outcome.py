"""Step 6: the outcome. Verified (the case carries on), could not verify (the case is refused, with the letter
that says so) or withdrawn, each with its date and, where the law asks for one, the reason the letter quotes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from dpo_tui.domain.dates import fmt, parse_date, relative_days
from dpo_tui.domain.errors import DomainError
from dpo_tui.domain.identity import Outcome
from dpo_tui.tui.modals.identity.step import Step
from dpo_tui.tui.text import literal

OUTCOME_OPTIONS = [(o.value.replace("_", " "), o.value) for o in Outcome]


class OutcomeStep(Step):
    NUMBER = 6
    TITLE = "Outcome"
    DOM_ID = "step-6"
    FIRST = "#out-kind"
    PRIMARY = "#out-save"
    FIELDS = {"reason": "#out-reason", "on": "#out-on", "outcome": "#out-kind"}

    def compose(self) -> ComposeResult:
        yield Static("", id="out-deadline", classes="suggestion")
        yield Label("Outcome")
        yield Select(OUTCOME_OPTIONS, allow_blank=False, value=Outcome.VERIFIED.value, id="out-kind")
        yield Label("Reason (required for could not verify and withdrawn; the letter quotes it)")
        yield Input(id="out-reason")
        yield Label("Date (YYYY-MM-DD)")
        yield Input(self.walk.today().isoformat(), id="out-on")
        with Horizontal(classes="buttons"):
            yield Button("Record outcome", id="out-save", variant="primary")

    def prepare(self) -> None:
        """The deadline as it stands: due date, days left, clock start and the first step of its explanation."""
        d = self.walk.detail
        dl = d.deadline
        if dl.effective_due:
            left = d.days_left
            t = f"Due {fmt(dl.effective_due)}" + (f" ({relative_days(left)})" if left is not None else "")
            if dl.clock_start:
                t += f"; clock start {fmt(dl.clock_start)}"
            steps = [line for line in dl.explanation if "→" in line]
            if steps:
                t += "\n" + steps[0]
        else:
            t = "No due date yet: the clock has not started."
        self.query_one("#out-deadline", Static).update(literal(t))

    def choose(self, kind: str) -> None:
        """Preselect an outcome (step 5's "withdrawn / cannot verify" button)."""
        self.query_one("#out-kind", Select).value = kind

    @on(Button.Pressed, "#out-save")
    def _save(self) -> None:
        from dpo_tui.services import identity as idv

        walk = self.walk
        kind = self.val("#out-kind")
        try:
            on_ = parse_date(self.val("#out-on"), "on")
        except DomainError as exc:
            walk.show_error(exc)
            return
        ref, version, reason = walk.detail.ref, walk.detail.version, self.val("#out-reason") or None
        walk.record(
            lambda w: idv.record_outcome(w, ref, kind, on=on_, reason=reason, version=version),
            lambda d: self._recorded(kind),
        )

    def _recorded(self, kind: str) -> None:
        if kind == Outcome.VERIFIED:
            self.walk.finish("Identity verified. The case carries on; the record is in the Identity tab and the timeline.", None)
        elif kind == Outcome.COULD_NOT_VERIFY:
            self.walk.finish("Could not verify: the case is refused (outcome: could not verify). Send the letter below.",
                             "could_not_verify")  # fmt: skip
        else:
            self.walk.finish("Recorded: the request was withdrawn.", None)
