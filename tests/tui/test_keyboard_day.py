"""Issue 16, "Focus and forms": a day of casework at the keyboard loses no keystroke and makes no choice blind.

Each test drives the real app (tests/tui/harness.py) the way the issue's DPO did, key by key."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from tests.conftest import make_work, new_request
from tests.tui.harness import make_app, run_app, screen_lines, settle
from tests.tui.test_queue import queue, seeded, fixed_clock  # noqa: F401 - fixtures


async def test_cancelled_new_request_on_empty_queue_leaves_keys_to_the_queue(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.new_request import NewRequestScreen

    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        home = queue(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is home
        assert not isinstance(app.focused, Input), app.focused
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen), "n must open the form again, not type into search"
        assert home.query_one("#search", Input).value == ""


async def test_switching_to_an_empty_view_and_back_keeps_the_table_focused(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")  # Unassigned: every case but one is unassigned, so use a view that is empty
        await settle(app, pilot)
        await pilot.press("3")  # Due soon: empty in the seed? fall back to a search that matches nothing
        await settle(app, pilot)
        screen = queue(app)
        await pilot.press("slash", *"zzzz", "enter")
        await settle(app, pilot)
        assert screen.table.count == 0
        await pilot.press("escape")  # clears the search: the rows come back
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.table.count > 2
        await pilot.press("j", "down")
        assert screen.table.cursor == 2
        await pilot.press("space")
        assert len(screen.table.marked) == 1


async def test_empty_view_and_back_with_view_keys(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    for name in ("Ada One", "Bea Two", "Cy Three"):
        work.log_request(new_request(name=name))
    work.db.dispose()
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = queue(app)
        await pilot.press("7")  # Closed: none
        await settle(app, pilot)
        assert screen.table.count == 0
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.table.count == 3
        await pilot.press("j", "down")
        assert screen.table.cursor == 2
        await pilot.press("space")
        assert len(screen.table.marked) == 1


@pytest.mark.parametrize("size", [(140, 45), (200, 60)])
async def test_assess_shows_the_decision_options(sqlite_work, size) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.decisions import DECISION_KINDS, DECISION_LABELS
    from dpo_tui.tui.modals.decisions.assess import AssessScreen
    from tests.tui.test_decision_screens import start

    work = sqlite_work
    work.log_request(new_request(received=date(2026, 6, 1)))
    case = work.log_request(new_request())
    async with run_app(work, size=size) as (app, pilot):
        await start(pilot, work, case.ref, "assess")
        assert isinstance(app.screen, AssessScreen)
        await pilot.press(*["tab"] * 21)  # through the grounds to the decision, as a user would
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#decision")
        shown = "\n".join(screen_lines(app))
        for kind in DECISION_KINDS:
            assert DECISION_LABELS[kind] in shown, kind
        assert "Note (how you weighed it)" in shown
