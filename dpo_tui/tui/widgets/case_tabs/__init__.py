"""The case screen's seven tabs, one widget a tab (one module a tab, named after it).

Each tab is a `TabPane` (so the screen's layout and its CSS in styles/case.tcss are those of any tab) that is given
the loaded case as a `LoadedCase` and renders it: `tab.show(case)`. The tabs do no database work and hold no keys;
`CaseScreen` (tui/screens/case.py) loads the case in a worker, hands it to every tab and keeps the key actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static, TabPane

if TYPE_CHECKING:
    from dpo_tui.services.views import CaseDetail


@dataclass(frozen=True)
class LoadedCase:
    """What the case screen shows: the case, and what its loading worker read beside it."""

    detail: CaseDetail
    regime_name: str | None  # the regime's display name (its key when the regime is no longer configured)
    holds: tuple[Any, ...]  # the active legal holds keeping the case (services.retention.HoldView)
    purged: tuple[datetime, str | None] | None  # (when, how) its personal data was removed for retention
    today: date


class CaseTab(TabPane):
    """One tab of the case screen: renders a `LoadedCase`."""

    def show(self, case: LoadedCase) -> None:
        raise NotImplementedError


class TextTab(CaseTab):
    """A tab that is one scrolling text, `#<tab id>-body`: the subclass says what it shows in `body(case)`."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id=f"{self.id}-body")

    def body(self, case: LoadedCase) -> RenderableType:
        raise NotImplementedError

    def show(self, case: LoadedCase) -> None:
        self.query_one(f"#{self.id}-body", Static).update(self.body(case))


__all__ = ["CaseTab", "LoadedCase", "TextTab"]
