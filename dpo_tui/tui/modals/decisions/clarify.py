"""Clarification step (`c`): ask what the person wants; the clock stops only where the law stops it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import (
    Label,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from dpo_tui.domain.dates import fmt, fmt_iso
from dpo_tui.domain.lifecycle import Status
from dpo_tui.tui.formatting import status_words
from dpo_tui.tui.modals.decisions.walk import (
    LETTER_FOR,
    Outcome,
    Walk,
    message_date,
    parse_day,
)
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework
    from dpo_tui.services.mail_answers import StepOffer


class ClarifyScreen(Walk):
    TITLE_TEXT = "Clarification on {ref}"
    LAW = (
        "UK access requests: the clock stops from the day a question needed to identify the information is sent "
        "until the answer arrives (both days count). A question about format only does not stop it."
    )

    def __init__(self, ref: str, *, message: StepOffer | None = None) -> None:
        super().__init__(ref)
        # A reply that may answer the question (services/mail_answers.py): its text prefills the answer, the date
        # is its day of receipt and the audit event names it.
        self.message = message

    def read(self, casework: Casework) -> None:
        from dpo_tui.services.decisions import open_question

        super().read(casework)
        self.question = open_question(self.detail.decision)
        self.stops = casework.regime(self.detail.regime).stops_clock_for(self.detail.rights)

    def body(self) -> ComposeResult:
        if self.question:
            yield Label(f"Question sent {fmt_iso(self.question.asked_on)}", classes="category")
            yield Static(literal(self.question.question), id="question-sent")
            yield Label("Answer received", classes="category")
            if self.message is None:
                yield TextArea(id="answer")
                yield from self.date_input("on", "Answer arrived on")
                return
            from dpo_tui.services.mail_answers import default_answer

            # The sender's text, as a starting point the DPO may shorten to a summary.
            yield TextArea(self.message.text or default_answer(self.message), id="answer")
            yield from message_date(self.message, "Answer arrived on")
            return
        effect = (
            "This case's clock stops while the question is unanswered."
            if self.stops
            else "This case's clock keeps running (no stop-the-clock for this regime or right)."
        )
        yield Static(Text(effect, style="bold"), id="clock-effect")
        yield Label("Question sent", classes="category")
        yield TextArea(id="question")
        yield Label("Purpose of the question", classes="category")
        with RadioSet(id="purpose"):
            yield RadioButton("To identify the information or processing the request is about", True, id="p-identify")
            yield RadioButton("About the format of the reply only", id="p-format")
        yield from self.date_input("on", "Sent on")

    def problem(self) -> str | None:
        on_ = parse_day(self.value("#on"), "date")
        if on_ > self.today():
            return f"{fmt(on_)} is in the future"
        if self.question:
            asked = self.question.asked_on
            if asked is not None and on_ < asked:
                return f"the answer cannot arrive before the question was sent ({fmt(asked)})"
            if not self.value("#answer").strip():
                return "write (or summarise) the answer received"
            return None
        if self.radio("#purpose") == "format":
            return (
                "a question only about the format of the reply does not stop the clock: ask it by letter or note and "
                "carry on working the case"
            )
        if self.detail.status not in (Status.NEW, Status.IN_PROGRESS):
            return f"{self.ref} is {status_words(self.detail.status)}: a question can be recorded only on a case in work"
        if not self.value("#question").strip():
            return "write the question you sent"
        return None

    def ready_text(self) -> str:
        if self.question:
            return "Ready: the case goes back into work" + ("; the paused days are added to the due date." if self.stops else ".")
        return "Ready: the case waits for the answer" + ("; the clock stops." if self.stops else "; the clock keeps running.")

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, on_, version = self.ref, parse_day(self.value("#on"), "date"), self.detail.version
        if self.question:
            answer = self.value("#answer")
            if self.message is not None:
                from dpo_tui.services.mail_answers import record_from_message

                file_id = self.message.file_id
                return lambda w: Outcome(record_from_message(w, ref, file_id, answer=answer, version=version))
            return lambda w: Outcome(dec.record_clarification_answer(w, ref, answer, on_, version=version))
        question, purpose = self.value("#question"), self.radio("#purpose") or "identify"
        return lambda w: Outcome(
            dec.ask_clarification(w, ref, question, purpose, on_, version=version), LETTER_FOR["clarify"]
        )
