"""Small shared dialogs: a yes/no confirmation, a one-line question, a choice from a list."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from dpo_tui.tui.base import DpoModal


class ConfirmScreen(DpoModal[bool]):
    """Yes or no: enter (or y) confirms, escape (or n) cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text, hint: str) -> None:
        super().__init__()
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-frame checklist-dialog"):
            yield Static(self.question, classes="title", id="confirm-question")
            yield Label(self.hint, classes="hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class AskScreen(DpoModal[str | None]):
    """One line of input (e.g. who to assign to). Enter answers, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(
        self, title: str, *, placeholder: str = "", value: str = "", hint: str = "", suggester: Suggester | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.suggester = suggester
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.hint = hint
        self.suggestions = list(suggestions or [])

    def compose(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        # Completion as you type (e.g. the team directory's names): the rest of the first match shows greyed, right
        # arrow takes it, enter answers with it.
        suggester = self.suggester or (SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None)
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="answer", suggester=suggester)
            if self.hint:
                yield Label(Text(self.hint), classes="dialog-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(completed(event.value, self.suggestions))

    def action_cancel(self) -> None:
        self.dismiss(None)


def completed(typed: str, suggestions: list[str]) -> str:
    """What enter answers: the suggestion shown (the first that starts with what was typed, as `SuggestFromList`
    shows it), else what was typed."""
    key = typed.strip().casefold()
    if key:
        for s in suggestions:
            if s.casefold().startswith(key):
                return s
    return typed


class ChooseScreen(DpoModal[str | None]):
    """Pick one of a few options (e.g. the status to move marked cases to)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield OptionList(*(Option(Text(label), id=key) for key, label in self.options), id="choices")
            if self.hint:
                yield Label(Text(self.hint), classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
