"""Layout snapshots of the queue (SVG, pytest-textual-snapshot) at 80x24 and 120x40, on a small fixed data set
with a fixed today and fixed status times. Regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from tests.tui.test_queue import fixed_clock, seed  # noqa: F401 - fixture re-exported
from tests.tui.harness import make_app, settle


@pytest.fixture
def snap_app(sqlite_url, settings, fixed_clock):  # type: ignore[no-untyped-def]  # noqa: F811
    seed(sqlite_url, settings)
    return make_app(sqlite_url, settings)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_queue_snapshot(snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snap_app, terminal_size=size, run_before=_settle)


def test_queue_marked_and_overdue_view_snapshot(snap_compare, snap_app) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        await pilot.press("2")  # the Overdue view (8 would be All, which is not what this picture is named after)
        await _settle(pilot)
        await pilot.press("space")  # mark its row
        await _settle(pilot)

    assert snap_compare(snap_app, terminal_size=(120, 40), run_before=before)


def test_help_snapshot(snap_compare, snap_app) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)

    assert snap_compare(snap_app, terminal_size=(120, 40), run_before=before)
