"""Step 2: who is asking? The requester's kind decides whether to confirm identity, authority to act, or both; a
parent acting for a child also records the child's age and competence (Scotland: presumed competent from 12)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from dpo_tui.domain import identity as rules
from dpo_tui.domain.errors import DomainError, InvalidInput
from dpo_tui.domain.identity import RequesterKind
from dpo_tui.tui.modals.identity.step import Step

KIND_OPTIONS = [(k.label, k.value) for k in RequesterKind]
COMPETENT_OPTIONS = [("not assessed yet", "unknown"), ("competent", "yes"), ("not competent", "no")]


class WhoStep(Step):
    NUMBER = 2
    TITLE = "Who is asking?"
    DOM_ID = "step-2"
    FIRST = "#who-kind"
    PRIMARY = "#who-next"
    FIELDS = {
        "child_age": "#child-age",
        "child_reason": "#child-reason",
        "child_competent": "#child-competent",
        "child_authorised": "#child-authorised",
        "child_best_interests": "#child-best",
        "what": "#who-id",
    }

    def compose(self) -> ComposeResult:
        d = self.walk.detail
        agent_kind = str(d.agent.get("kind") or "")
        kind = agent_kind if agent_kind in {k.value for k in RequesterKind} else RequesterKind.SELF.value
        yield Label("Who is asking?")
        yield Select(KIND_OPTIONS, allow_blank=False, value=kind, id="who-kind")
        yield Checkbox("Confirm the person's own identity", value=True, id="who-id")
        yield Checkbox("Ask for evidence of authority to act", value=kind != "self", id="who-authority")
        with Vertical(id="who-child", classes="step"):
            yield Label("Child's age")
            yield Input(id="child-age", restrict=r"\d*", max_length=2)
            yield Checkbox("The child lives in Scotland", value=d.subdivision == "SCT", id="child-scotland")
            yield Label("Competence (understands their rights)")
            yield Select(COMPETENT_OPTIONS, allow_blank=False, value="unknown", id="child-competent")
            yield Label("Reason for the competence assessment")
            yield Input(id="child-reason")
            yield Checkbox("The child has authorised the parent to act", id="child-authorised")
            yield Checkbox("Not competent: acting is in the child's best interests", id="child-best")
            yield Static("", id="child-hint", classes="hint")
        with Horizontal(classes="buttons"):
            yield Button("Next", id="who-next", variant="primary")

    # What steps 3 and the save read.

    def kind(self) -> RequesterKind:
        return RequesterKind(self.val("#who-kind"))

    def asks_id(self) -> bool:
        return bool(self.val("#who-id"))

    def asks_authority(self) -> bool:
        return bool(self.val("#who-authority"))

    def child_args(self) -> dict[str, Any]:
        """The child's details as the service takes them (none unless a parent asks)."""
        if self.kind() is not RequesterKind.PARENT:
            return {}
        age_text = self.val("#child-age")
        competent = {"yes": True, "no": False}.get(self.val("#child-competent"))
        return {
            "child_age": int(age_text) if age_text else None,
            "child_in_scotland": bool(self.val("#child-scotland")),
            "child_competent": competent,
            "child_reason": self.val("#child-reason"),
            "child_authorised": bool(self.val("#child-authorised")),
            "child_best_interests": bool(self.val("#child-best")),
        }

    # Follow the kind and the child's details as they change.

    def update_kind(self) -> None:
        kind = self.kind()
        self.query_one("#who-child").display = kind is RequesterKind.PARENT
        auth = self.query_one("#who-authority", Checkbox)
        auth.disabled = not kind.third_party
        if not kind.third_party:
            auth.value = False
        self._update_child_hint()

    @on(Select.Changed, "#who-kind")
    def _kind_changed(self) -> None:
        self.query_one("#who-authority", Checkbox).value = self.kind().third_party
        self.update_kind()

    @on(Input.Changed, "#child-age")
    @on(Checkbox.Changed, "#child-scotland")
    def _update_child_hint(self) -> None:
        hint = self.query_one("#child-hint", Static)
        text = self.val("#child-age")
        if not text:
            hint.update("Scotland: a child aged 12 or over is presumed competent; elsewhere assess case by case.")
            return
        age = int(text)
        if self.val("#child-scotland") and age >= rules.SCOTLAND_COMPETENCE_AGE:
            hint.update(f"Aged {age} in Scotland: presumed competent — the parent needs the child's authorisation.")
        else:
            hint.update(f"Aged {age}: assess competence case by case and record the reason.")

    @on(Button.Pressed, "#who-next")
    def _next(self) -> None:
        try:
            args = self.child_args()
            if args:
                assessed = rules.assess_child(
                    age=args["child_age"], in_scotland=args["child_in_scotland"], competent=args["child_competent"],
                    reason=args["child_reason"], child_authorised=args["child_authorised"],
                    best_interests=args["child_best_interests"],
                )  # fmt: skip
                problem = rules.parent_problem(assessed)
                if problem:
                    raise problem
            if not self.asks_id() and not self.asks_authority():
                raise InvalidInput("what", "nothing to ask for: tick identity, authority or both (or go back: not needed)")
        except DomainError as exc:
            self.walk.show_error(exc)
            return
        self.walk.show_step(3)
