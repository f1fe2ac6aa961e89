"""The decision menu (`a`) and the flow between the steps: each step read in a thread, pushed and awaited, then the next step or the letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import (
    Label,
    OptionList,
)
from textual.widgets.option_list import Option

from dpo_tui.domain.lifecycle import Status
from dpo_tui.domain.states import Outcome
from dpo_tui.tui.base import DpoModal
from dpo_tui.tui.modals.decisions.assess import AssessScreen
from dpo_tui.tui.modals.decisions.clarify import ClarifyScreen
from dpo_tui.tui.modals.decisions.extend import ExtendScreen
from dpo_tui.tui.modals.decisions.fees import FeePaidScreen, FeeScreen
from dpo_tui.tui.modals.decisions.refusal import RefusalScreen
from dpo_tui.tui.modals.decisions.walk import (
    Walk,
)
from dpo_tui.tui.text import literal

if TYPE_CHECKING:
    from dpo_tui.tui.app import DpoApp
    from dpo_tui.tui.screens.case import CaseScreen



# ---------------------------------------------------------------------------------------------------------------
# The `a` menu and the flow between screens
# ---------------------------------------------------------------------------------------------------------------

MENU = (
    ("assess", "Assess: manifestly unfounded or excessive? (then fee or refusal)"),
    ("fee", "Fee calculator: ask for a fee, or a further-copy fee"),
    ("fee_paid", "Record the fee paid"),
    ("refuse", "Refuse the whole request"),
    ("refuse_partial", "Refuse in part"),
    ("no_response", "Close: fee unpaid or question unanswered (no response)"),
)


class DecisionMenu(DpoModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="decision_menu.cancel")]

    def __init__(self, ref: str, status: str) -> None:
        super().__init__()
        self.ref = ref
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame"):
            yield Label(literal(f"Decision on {self.ref}"), classes="title")
            yield OptionList(*[Option(label, id=key) for key, label in MENU], id="decision-menu")
            yield Label("enter chooses · escape cancels", classes="hint")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        ol.highlighted = 2 if self.status == Status.AWAITING_FEE else 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def screen_for(which: str, ref: str) -> Walk:
    factories: dict[str, Callable[[], Walk]] = {
        "assess": lambda: AssessScreen(ref),
        "fee": lambda: FeeScreen(ref, "fee"),
        "further": lambda: FeeScreen(ref, "further"),
        "fee_paid": lambda: FeePaidScreen(ref),
        "refuse": lambda: RefusalScreen(ref, "whole"),
        "refuse_partial": lambda: RefusalScreen(ref, "partial"),
        "extend": lambda: ExtendScreen(ref),
        "clarify": lambda: ClarifyScreen(ref),
    }
    return factories[which]()


def open_walkthrough(host: CaseScreen, which: str, *, done: Callable[[Any], None] | None = None) -> None:
    """Start walkthrough `which` ("menu", "assess", "fee", "fee_paid", "refuse", "refuse_partial", "extend",
    "clarify") for `host.ref` as a flow on the case screen. After each saved step `done(detail)` is called (default:
    `host.show_detail`), the assessment chains into the fee or refusal step it decided, and the letter the step
    needs is offered. A failure anywhere ends the flow in the case screen's error path (tui/base.py)."""
    host.run_flow(_walkthrough(host, which, done or host.show_detail))


async def _walkthrough(host: CaseScreen, which: str, show: Callable[[Any], None]) -> None:
    from dpo_tui.services import decisions as dec

    app, ref = host.app, host.ref
    step: str | None = which
    while step:
        if step == "menu":
            shown = await host.in_thread(lambda w: w.get(ref, with_events=False))  # closing applies to this state
            step = await app.push_screen_wait(DecisionMenu(ref, shown.status))
            if step == "no_response":
                detail = await host.in_thread(lambda w: dec.close_no_response(w, ref, version=shown.version))
                show(detail)
                app.notify(f"{ref} closed: {Outcome(detail.outcome).label}.", markup=False)
                return
            continue
        screen = screen_for(step, ref)
        await host.in_thread(screen.read)
        outcome = await app.push_screen_wait(screen)
        if outcome is None:
            return
        show(outcome.detail)
        step = outcome.next_step
        if step is None:
            if outcome.letter:
                offer_letter(app, ref, outcome.letter, host.load, version=outcome.detail.version)
            else:
                app.notify(f"{ref}: saved.", markup=False)


def offer_letter(
    app: DpoApp, ref: str, kind: str, on_saved: Callable[[], object] | None = None, *, version: int | None = None
) -> None:
    """End of a walkthrough: open the letters screen on `kind` (preview, edit, save to the case)."""
    from dpo_tui.tui.modals.letter import LetterScreen

    app.notify(f"Saved. Here is the {kind.replace('_', ' ')} letter to send.", markup=False)
    app.push_screen(LetterScreen(ref, kind, version=version), lambda saved: on_saved() if saved and on_saved else None)
