"""The one Pilot harness of the TUI tests: the real `DpoApp` on a temporary database, with a fixed "today".

Every TUI test drives the app a DPO runs (no stand-in app shells): `run_app` starts it on the queue, `run_case`
opens a case on top of the queue as `enter` would, `push` puts a dialog on top and records what it dismisses with.
`settle` waits for the screen's workers instead of sleeping (harlequin's habit: tests wait for workers, never time).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.screen import Screen

from dpo_tui.settings import Settings
from dpo_tui.tui.app import DpoApp
from dpo_tui.tui.base import FLOW
from dpo_tui.tui.screens.case import CaseScreen
from tests.conftest import TODAY


_SHOWN: weakref.WeakKeyDictionary[DpoApp, list[Notification]] = weakref.WeakKeyDictionary()


def make_app(url: str, settings: Settings) -> DpoApp:
    """The real app on `url` with today fixed at TODAY (Wed 25 Nov 2026)."""
    return DpoApp(url, settings, today=lambda: TODAY)


def app_for(work: Any) -> DpoApp:
    """The real app on the database (and settings) of a test's Casework."""
    return make_app(work.db.url, work.settings)


async def settle(app: DpoApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
    """Wait until the screens' workers have finished and their results are painted. A walkthrough's flow waits for
    its dialog (push_screen_wait) and is not waited for; what it started in the meantime is, for a few rounds (a
    flow reads in a thread, then pushes the step)."""
    for _ in range(3):
        await _workers_done(app, pilot)
    rounds = 0
    while _flow_between_dialogs(app):
        # A dialog was dismissed but its flow has not yet run on to the next dialog or its end (it resumes on a later
        # turn of the event loop, later still on a loaded machine): let it run rather than look at a half-done step.
        rounds += 1
        assert rounds < 10_000, "a flow neither ended nor opened a dialog"
        await _workers_done(app, pilot)
    await pilot.pause()


async def _workers_done(app: DpoApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
    await pilot.pause()
    waiting = [w.wait() for w in app.workers if w.group != FLOW]
    if waiting:  # failures and cancellations are the app's to report (tests look at what it showed)
        await asyncio.gather(*waiting, return_exceptions=True)


def _flow_between_dialogs(app: DpoApp) -> bool:
    """A flow is running and no dialog on the stack is waiting to hand it a result (push_screen_wait's future)."""
    if not any(w.group == FLOW and not w.is_finished for w in app.workers):
        return False
    return not any(
        callback.future is not None and not callback.future.done()
        for screen in app.screen_stack
        for callback in screen._result_callbacks  # Textual keeps push_screen_wait's future here
    )


@asynccontextmanager
async def run_app(work: Any, *, size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[DpoApp, Pilot]]:  # type: ignore[type-arg]
    """The app on the queue, first page painted."""
    app = app_for(work)
    async with app.run_test(size=size, message_hook=recorder(app)) as pilot:
        await settle(app, pilot)
        yield app, pilot


@asynccontextmanager
async def run_case(work: Any, ref: str, *, size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[DpoApp, Pilot]]:  # type: ignore[type-arg]
    """The app with case `ref` open (as `enter` on its queue row opens it), loaded."""
    async with run_app(work, size=size) as (app, pilot):
        app.open_case(ref)
        await settle(app, pilot)
        yield app, pilot


def case_screen(app: DpoApp) -> CaseScreen:
    """The case screen on the stack (under any dialog)."""
    return next(s for s in reversed(app.screen_stack) if isinstance(s, CaseScreen))


async def push(app: DpoApp, pilot: Pilot, screen: Screen[Any]) -> list[Any]:  # type: ignore[type-arg]
    """Push `screen` on the running app; the returned list receives what it dismisses with."""
    results: list[Any] = []
    app.push_screen(screen, results.append)
    await settle(app, pilot)
    return results


def recorder(app: DpoApp):  # type: ignore[no-untyped-def]
    """A `run_test(message_hook=...)` that keeps every notification the app shows (they expire on screen)."""
    shown = _SHOWN.setdefault(app, [])

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            shown.append(message.notification)

    return hook


def notes(app: DpoApp) -> list[str]:
    """Every notification shown so far (plain text), oldest first."""
    return [str(n.message) for n in _SHOWN.get(app, [])]


def errors(app: DpoApp) -> list[str]:
    """The error notifications shown so far."""
    return [str(n.message) for n in _SHOWN.get(app, []) if n.severity == "error"]


def type_at_once(app: DpoApp, text: str) -> None:
    """`text` as one terminal read delivers it: every key posted to the app before any is handled (Pilot.press
    waits for each key, which is how keys typed ahead of a screen opening went untested)."""
    from textual import events
    from textual.keys import _character_to_key

    for ch in text:
        app.post_message(events.Key(_character_to_key(ch), ch))


def screen_lines(app: DpoApp) -> list[str]:
    """What the terminal shows now, line by line (plain text): for asserting that nothing is cut off or blank."""
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]
