"""Extension step (`x`): extend by up to two months with the reason, the day the person was told."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import (
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from dpo_tui.domain.clock import check_extension
from dpo_tui.domain.dates import fmt
from dpo_tui.tui.modals.decisions.walk import (
    LETTER_FOR,
    Outcome,
    Walk,
    parse_day,
)

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework


class ExtendScreen(Walk):
    TITLE_TEXT = "Extend the deadline of {ref}"
    LAW = (
        "One extension only, for a complex request or several requests; the person must be told, with reasons, "
        "before the first period ends."
    )

    def body(self) -> ComposeResult:
        dl = self.detail.deadline
        lines = [f"Due now: {fmt(dl.effective_due)}" if dl.effective_due else "No due date yet: the clock has not started"]
        if dl.extension_notice_by:
            lines.append(f"Tell the person by: {fmt(dl.extension_notice_by)}")
        if dl.extended_due and not dl.extended:
            lines.append(f"Due if extended: {fmt(dl.extended_due)}")
        yield Static(Text("\n".join(lines)), id="extend-dates")
        with RadioSet(id="reason"):
            yield RadioButton("Complex request", True, id="r-complex")
            yield RadioButton("Several requests (several rights at once count)", id="r-several_requests")
        yield from self.date_input("told", "Person told on")
        with Horizontal(classes="row"):
            yield Label("Reasons given", classes="field")
            yield Input(placeholder="e.g. the data sits in twelve systems, three archived", id="note")

    def problem(self) -> str | None:
        told = parse_day(self.value("#told"), "told on")
        check_extension(self.detail.deadline, told, self.radio("#reason") or "complex")
        if told > self.today():
            return f"told on: {fmt(told)} is in the future"
        if not self.value("#note").strip():
            return "write the reasons the person was given (they go in the extension letter)"
        return None

    def ready_text(self) -> str:
        dl = self.detail.deadline
        return f"Ready: the due date moves from {fmt(dl.effective_due)} to {fmt(dl.extended_due)}."

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, told, version = self.ref, parse_day(self.value("#told"), "told on"), self.detail.version
        reason, note = self.radio("#reason") or "complex", self.value("#note")
        return lambda w: Outcome(dec.extend(w, ref, reason, told, note, version=version), LETTER_FOR["extend"])


# ---------------------------------------------------------------------------------------------------------------
# Clarification
# ---------------------------------------------------------------------------------------------------------------
