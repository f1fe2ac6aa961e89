"""What the case-screen tests share: a minimal app shell around one CaseScreen, and waiting without sleeping."""

from __future__ import annotations

from datetime import date

from textual.app import App

from dpo_tui.tui.case_screen import CaseScreen


class CaseApp(App[None]):
    """The parts of the app shell the case screen relies on: .work, .settings, .today(), notify_error."""

    def __init__(self, work, ref: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.work = work
        self.settings = work.settings
        self.ref = ref
        self.errors: list[Exception] = []

    def today(self) -> date:
        return self.work.today()

    def notify_error(self, exc: Exception) -> None:
        self.errors.append(exc)
        self.notify(str(exc), severity="error", markup=False)

    def on_mount(self) -> None:
        self.push_screen(CaseScreen(self.ref))


async def settle(app: App, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the screen's workers have finished and their results are painted."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
