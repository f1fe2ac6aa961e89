"""One back and one reload: every full screen uses DpoScreen's (tui/base.py); a screen with data says what reload
reads by overriding `load`, and binds escape / r to them."""

from __future__ import annotations

import pytest

from dpo_tui.tui.base import DpoScreen
from dpo_tui.tui.screens.case import CaseScreen
from dpo_tui.tui.screens.dashboard import DashboardScreen
from dpo_tui.tui.screens.retention import RetentionScreen
from dpo_tui.tui.screens.triage import TriageScreen


@pytest.mark.parametrize("screen", [CaseScreen, DashboardScreen, RetentionScreen, TriageScreen])
def test_back_and_reload_are_the_base_screens(screen: type[DpoScreen[None]]) -> None:
    assert "action_back" not in vars(screen) and "action_reload" not in vars(screen)
    assert "load" in vars(screen)  # what its reload reads
    actions = {b.action for b in screen.BINDINGS if not isinstance(b, tuple)}  # type: ignore[union-attr]
    assert {"back", "reload"} <= actions


def test_reload_calls_the_screens_load() -> None:
    calls: list[str] = []

    class Probe(DpoScreen[None]):
        def load(self) -> None:
            calls.append("load")

    Probe.action_reload(Probe())
    assert calls == ["load"]
