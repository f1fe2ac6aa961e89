"""SVG snapshots of the case screen at 80x24 and 120x40 (fixed today, fixed data, fixed stored times).

Update after an intended layout change with: pytest tests/tui/test_case_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot

from dpo_tui.tui.widgets.key_bar import KeyBar

from dpo_tui.domain.rights import Right
from tests.conftest import make_work, new_request
from tests.tui.harness import app_for, settle

FIXED = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def case_app(tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    work = make_work(f"sqlite:///{tmp_path / 'snap.db'}", settings)
    detail = work.log_request(
        new_request(
            name="Ada Lovelace",
            email="ada@example.org",
            rights=(Right.ACCESS, Right.ERASURE),
            received=date(2026, 11, 2),
            description="Please send me a copy of everything you hold about me, then delete my account. [urgent]",
            address="12 St James's Square, London",
            agent_name="Byron & Co Solicitors",
            agent_kind="solicitor",
        )
    )
    with work.db.write() as s:  # stored times are "now": pin them so the pictures never drift
        from sqlalchemy import text

        s.exec(text("UPDATE cases SET status_since = :t, created_at = :t, updated_at = :t"), params={"t": FIXED})  # type: ignore[call-overload]
    app = app_for(work)
    app.ref = detail.ref  # type: ignore[attr-defined]  # the case run_before opens
    yield app
    work.db.dispose()


async def _loaded(pilot: Pilot) -> None:
    """The real app on the queue, then the case opened as `enter` opens it."""
    await settle(pilot.app, pilot)
    pilot.app.open_case(pilot.app.ref)
    await settle(pilot.app, pilot)
    # The footer lists every key other engineers add to the case screen; hiding it keeps these pictures about
    # the case layout, so a new binding does not turn them red. (test_case_screen covers the bindings.)
    pilot.app.screen.query_one(KeyBar).display = False
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_case_overview(snap_compare, case_app, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(case_app, terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_case_checklist(snap_compare, case_app, size) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(case_app, terminal_size=size, run_before=run_before)


def test_deadline_explanation(snap_compare, case_app) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(case_app, terminal_size=(80, 24), run_before=run_before)
