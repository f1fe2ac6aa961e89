"""Assessment step (`a` -> Assess): manifestly unfounded or excessive, with the facts the app found and the ICO grounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from dpo_tui.domain.decisions import (
    CATEGORY_LABELS,
    DECISION_KINDS,
    DECISION_LABELS,
    EXCESSIVE,
    FINDING_LABELS,
    GROUNDS,
    MALICIOUS,
    REMINDER,
    UNFOUNDED,
    ChosenGround,
    validate_assessment,
)
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.domain.states import DecisionKind
from dpo_tui.tui.modals.decisions.walk import (
    Outcome,
    Walk,
    facts_table,
)

if TYPE_CHECKING:
    from dpo_tui.services.casework import Casework


class AssessScreen(Walk):
    TITLE_TEXT = "Assess {ref}: manifestly unfounded or excessive?"
    LAW = (
        "The first response is free. A fee or a refusal needs the request to be manifestly unfounded or excessive, "
        "shown by evidence for each ground; decide this request on its own facts."
    )

    def read(self, casework: Casework) -> None:
        from dpo_tui.services.decisions import related_cases

        super().read(casework)
        self.facts = related_cases(casework, self.ref)

    def body(self) -> ComposeResult:
        yield Label("What the record shows", classes="category")
        yield Static(Text(self.facts.summary()), id="facts-summary")
        if self.facts.earlier or self.facts.open_overlap:
            yield Static(facts_table(self.facts), id="facts")
        assessment = DecisionRecord.from_json(self.detail.decision).assessment
        held = {g.key: g.evidence for g in assessment.grounds} if assessment else {}
        for cat in (UNFOUNDED, MALICIOUS, EXCESSIVE):
            yield Label(CATEGORY_LABELS[cat], classes="category")
            for g in GROUNDS:
                if g.category != cat:
                    continue
                with Horizontal(classes="row"):
                    yield Checkbox(g.label, g.key in held, id=f"g-{g.key}")
                    yield Input(held.get(g.key, ""), placeholder=f"evidence: {g.hint}", id=f"e-{g.key}")
        yield Static(Text("⚠ " + REMINDER), classes="reminder")
        yield Label("Decision", classes="category")
        current = DecisionRecord.from_json(self.detail.decision).kind or DecisionKind.COMPLY
        with RadioSet(id="decision"):
            for k in DECISION_KINDS:
                yield RadioButton(DECISION_LABELS[k], k == current, id=f"d-{k}")
        with Horizontal(classes="row"):
            yield Label("Note (how you weighed it)", classes="field")
            yield Input(placeholder="e.g. no harm to the person shown; same data sent 3 weeks ago", id="note")

    def chosen(self) -> list[ChosenGround]:
        return [
            ChosenGround(g.key, self.value(f"#e-{g.key}"))
            for g in GROUNDS
            if self.query_one(f"#g-{g.key}", Checkbox).value
        ]

    @on(Input.Changed)
    def _tick_on_evidence(self, event: Input.Changed) -> None:
        # Writing evidence for a ground ticks it: one less key to press.
        if event.input.id and event.input.id.startswith("e-") and event.value.strip():
            box = self.query_one(f"#g-{event.input.id[2:]}", Checkbox)
            if not box.value:
                box.value = True

    def problem(self) -> str | None:
        kind = self.radio("#decision") or "comply"
        a = validate_assessment(kind, self.chosen())
        self._assessment = a
        return None

    def ready_text(self) -> str:
        a = self._assessment
        words = f"Ready: {FINDING_LABELS[a.finding]} → {DECISION_LABELS[a.kind].lower()}."
        if a.warnings:
            words += " ⚠ " + " ".join(a.warnings)
        return words

    def save(self) -> Callable[[Casework], Outcome]:
        from dpo_tui.services import decisions as dec

        ref, kind, chosen, note, on_ = self.ref, self.radio("#decision") or "comply", self.chosen(), self.value("#note"), self.today()
        version = self.detail.version
        nxt = {"fee": "fee", "refuse": "refuse", "refuse_in_part": "refuse_partial"}.get(kind)
        return lambda w: Outcome(dec.assess(w, ref, chosen, kind, note=note, on=on_, version=version), None, nxt)


# ---------------------------------------------------------------------------------------------------------------
# Fees
# ---------------------------------------------------------------------------------------------------------------
