"""Step 1: is verification needed at all? The facts (recognised contact, sensitive data, mismatch) suggest a
decision and its reason; the DPO may change both. "Not needed" is recorded here and ends the walkthrough."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from dpo_tui.domain import identity as rules
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.records import IdentityRecord
from dpo_tui.tui.modals.identity.step import Step

CONTACT_OPTIONS = [("not a recognised contact", "none"), *[(label, key) for key, label in rules.RECOGNISED_CONTACTS.items()]]


class NeedStep(Step):
    NUMBER = 1
    TITLE = "Is verification needed at all?"
    DOM_ID = "step-1"
    FIRST = "#need-contact"
    PRIMARY = "#need-next"
    FIELDS = {"reason": "#need-reason"}

    _touched = False  # the DPO typed a reason: the suggestion no longer overwrites it

    def compose(self) -> ComposeResult:
        yield Label("Recognised contact?")
        yield Select(CONTACT_OPTIONS, allow_blank=False, value="none", id="need-contact")
        yield Checkbox("The data likely to be disclosed is sensitive", id="need-sensitive")
        yield Checkbox("The contact details do not match our records", id="need-mismatch")
        yield Static("", id="need-suggestion", classes="suggestion")
        yield Label("Decision")
        yield Select([("verification needed", "needed"), ("not needed", "not_needed")], allow_blank=False,
                     value="needed", id="need-decision")  # fmt: skip
        yield Label("Reason (recorded)")
        yield Input(id="need-reason")
        with Horizontal(classes="buttons"):
            yield Button("Next", id="need-next", variant="primary")

    def facts(self) -> dict[str, Any]:
        """The facts as the service and the rules take them (steps 3 and the save read them too)."""
        contact = self.val("#need-contact")
        return {
            "recognised_contact": None if contact == "none" else contact,
            "sensitive": bool(self.val("#need-sensitive")),
            "mismatch": bool(self.val("#need-mismatch")),
        }

    def reason(self) -> str:
        return str(self.val("#need-reason"))

    def update_suggestion(self) -> None:
        need = rules.assess_need(**self.facts())
        words = "Suggestion: verification needed — " if need.needed else "Suggestion: not needed — "
        self.query_one("#need-suggestion", Static).update(Text(words + need.reason))
        if not self._touched:
            self.query_one("#need-decision", Select).value = "needed" if need.needed else "not_needed"
            self.query_one("#need-reason", Input).value = need.reason

    @on(Select.Changed, "#need-contact")
    @on(Checkbox.Changed, "#need-sensitive, #need-mismatch")
    def _facts_changed(self) -> None:
        self.update_suggestion()

    @on(Input.Changed, "#need-reason")
    def _reason_typed(self) -> None:
        if self.query_one("#need-reason", Input).has_focus:
            self._touched = True

    @on(Button.Pressed, "#need-next")
    def _next(self) -> None:
        from dpo_tui.services import identity as idv

        reason = self.reason()
        if self.val("#need-decision") == "not_needed":
            walk = self.walk
            ref, version, facts = walk.detail.ref, walk.detail.version, self.facts()
            walk.record(
                lambda w: idv.record_not_needed(w, ref, reason, version=version, **facts),
                lambda d: walk.finish(
                    "Recorded: identity verification not needed. " + (IdentityRecord.from_json(d.identity).reason or ""), None
                ),
            )
            return
        if not " ".join(reason.split()):
            self.walk.show_error(InvalidInput("reason", "say why verification is needed"))
            return
        self.walk.show_step(2)
