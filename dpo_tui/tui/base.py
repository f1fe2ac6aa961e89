"""The app contract every screen relies on, written down once.

`DpoScreen` and `DpoModal` are the base classes of every screen and dialog: their `app` property is typed as the
concrete `DpoApp`, so `self.app.casework`, `self.app.settings`, `self.app.today()` and `self.app.notify_error()` are
checked names instead of `getattr(self.app, ...)` guesses (the pattern of dooit's `BaseScreen`, dooit/ui/tui/screens/
base.py, whose `app` property returns the `Dooit` app class).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from dpo_tui.tui.app import DpoApp

ResultT = TypeVar("ResultT")


class DpoScreen(Screen[ResultT]):
    """A full screen of dpo-tui."""

    @property
    def app(self) -> DpoApp:  # type: ignore[override]
        return cast("DpoApp", super().app)


class DpoModal(ModalScreen[ResultT]):
    """A dialog or walkthrough step of dpo-tui."""

    @property
    def app(self) -> DpoApp:  # type: ignore[override]
        return cast("DpoApp", super().app)
