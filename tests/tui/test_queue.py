"""The queue: moving, opening a case and coming back, quick views, search, sort, marks and bulk actions,
the palette's go-to-case, hostile requester text, the empty database, the keymap, help and auto-refresh."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Static

from tests.conftest import TODAY, make_work, new_request
from dpo_tui.domain.rights import Right
from dpo_tui.store.queue import QueueQuery, Sort, View
from dpo_tui.tui.app import DpoApp
from tests.tui.harness import errors, make_app, notes, recorder, settle, type_at_once
from dpo_tui.tui.modals.prompts import AskScreen, ChooseScreen
from dpo_tui.tui.screens.queue import QueueScreen

FIXED_NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
HOSTILE_NAME = "[bold red]x[/] Mallory"
ESCAPE_NAME = "Eve \x1b[31mRed"


def seed(url: str, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A small queue with one case of each kind (today is TODAY = Wed 25 Nov 2026). Returns name → ref."""
    work = make_work(url, settings)
    refs: dict[str, str] = {}

    def log(key: str, received: date, **kw) -> str:  # type: ignore[no-untyped-def]
        ref = work.log_request(new_request(received=received, **kw)).ref
        refs[key] = ref
        return ref

    log("overdue", date(2026, 10, 1), name="Olive Overdue", email="olive@example.org")
    log("soon", date(2026, 10, 28), name="Sam Soon", email="sam@example.org", rights=(Right.ACCESS, Right.ERASURE))
    log("later", date(2026, 11, 20), name="Larry Later", email="larry@example.org", description="about my loyalty card")
    log("awaiting", date(2026, 11, 10), name="Ida Awaiting", email="ida@example.org")
    work.change_status(refs["awaiting"], "awaiting_id", version=work.version_of(refs["awaiting"]))
    log("mine", date(2026, 11, 12), name="Mina Mine", email="mina@example.org")
    work.assign(settings.user_name, versions={refs["mine"]: work.version_of(refs["mine"])})
    log("closed", date(2026, 9, 1), name="Clara Closed", email="clara@example.org")
    work.change_status(refs["closed"], "completed", reason="answered before the checklist was worked", version=work.version_of(refs["closed"]))
    log("hostile", date(2026, 11, 16), name=HOSTILE_NAME, email="mallory@example.org")
    log("escape", date(2026, 11, 17), name=ESCAPE_NAME, email="eve@example.org")
    log("ada", date(2026, 11, 2), name="Ada Lovelace", email="ada@example.org")
    work.db.dispose()
    return refs


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Status changes stamp a fixed time, so "awaiting ID since …" never drifts."""
    import dpo_tui.services.casework as casework

    monkeypatch.setattr(casework, "utcnow", lambda: FIXED_NOW)


@pytest.fixture
def seeded(sqlite_url: str, settings, fixed_clock) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return sqlite_url, seed(sqlite_url, settings)


def queue(app: DpoApp) -> QueueScreen:
    screen = app.screen
    assert isinstance(screen, QueueScreen), screen
    return screen


def refs_shown(app: DpoApp) -> list[str]:
    table = queue(app).table
    return [table.row_at(i).ref for i in range(table.count)]  # type: ignore[union-attr]


def lines_shown(app: DpoApp) -> list[str]:
    table = queue(app).table
    return [table.render_line(1 + y).text for y in range(min(table.count, table.rows_height))]  # line 0: the headings


async def test_first_paint_shows_open_cases_sorted_by_due(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = refs_shown(app)
        assert refs["closed"] not in shown
        assert shown[0] == refs["overdue"]
        assert len(shown) == 8
        summary = str(app.screen.query_one("#summary").render())
        assert "8 open" in summary and "1 overdue" in summary and "1 awaiting requester" in summary
        line = lines_shown(app)[0]
        assert refs["overdue"] in line and "Olive Overdue" in line and "overdue" in line


async def test_the_garbage_collector_held_off_for_start_up_is_back_on_once_the_queue_is_painted(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """`dpo-tui` starts with the collector off (launch.run_queue: ~13 ms of the first paint); a queue left open all
    day must collect again, or every cycle a DPO's work leaves behind would stay in memory."""
    import gc

    url, _ = seeded
    gc.disable()
    try:
        app = make_app(url, settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert refs_shown(app) and gc.isenabled()
    finally:
        gc.enable()


async def test_a_page_that_cannot_be_read_while_painting_shows_blank_rows_and_one_message_then_comes_back(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A page not read ahead is read while painting (after another window's change, or scrolling far). If the
    database cannot be read then (a PostgreSQL server restarting, a file on a lost mount), the queue must not crash
    on the UI thread: its rows stay blank, the DPO is told once, and the page is read again once it can be."""
    import sqlite3

    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40), message_hook=recorder(app)) as pilot:
        await settle(app, pilot)
        table = queue(app).table
        shown = refs_shown(app)
        reader = app.reader
        real = reader.page_at

        def down(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise sqlite3.OperationalError("unable to open database file")

        reader.page_at = down  # type: ignore[method-assign]
        table.invalidate()  # what an outside change does: the pages are read again as they are painted
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and not any(line.strip() for line in lines_shown(app))  # blank rows, no traceback
        told = notes(app)
        assert len([m for m in told if "could not read its cases" in m and "unable to open database file" in m]) == 1, told
        reader.page_at = real  # type: ignore[method-assign]
        assert table._retry_timer is not None
        await table._retry_timer._task  # the retry's one tick, awaited (not slept)
        await settle(app, pilot)
        assert refs_shown(app) == shown and len([m for m in notes(app) if "could not read" in m]) == 1


async def test_moving(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = queue(app).table
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("end")
        assert table.cursor == table.count - 1
        await pilot.press("home")
        assert table.cursor == 0
        await pilot.press("pagedown")
        assert table.cursor == table.count - 1  # fewer rows than a page
        await pilot.press("pageup")
        assert table.cursor == 0
        await pilot.press("k")
        assert table.cursor == 0


async def test_open_and_close_case(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.screens.case import CaseScreen

    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        expected = queue(app).table.current.ref  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.ref == expected
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        assert queue(app).table.cursor == 1


@pytest.mark.parametrize(
    ("key", "view", "expected"),
    [
        ("1", View.OPEN, {"overdue", "soon", "later", "awaiting", "mine", "hostile", "escape", "ada"}),
        ("2", View.OVERDUE, {"overdue"}),
        ("3", View.DUE_SOON, {"soon", "ada"}),
        ("4", View.AWAITING, {"awaiting"}),
        ("5", View.MINE, {"mine"}),
        ("6", View.UNASSIGNED, {"overdue", "soon", "later", "awaiting", "hostile", "escape", "ada"}),
        ("7", View.CLOSED, {"closed"}),
        ("8", View.ALL, {"overdue", "soon", "later", "awaiting", "mine", "closed", "hostile", "escape", "ada"}),
    ],
)
async def test_quick_views(seeded, settings, key: str, view: View, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        assert queue(app).query_.view is view
        assert set(refs_shown(app)) == {refs[k] for k in expected}
        assert view.label in str(app.screen.query_one("#position", Static).content)


async def test_letters_typed_right_after_the_first_slash_go_into_the_search_box(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """The search box is mounted by the first `/`: keys typed in the same burst must not reach the queue's own
    bindings (`s` sorts, `a` assigns) while it appears."""
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        sort = queue(app).query_.sort
        await pilot.press("slash", "s", "a")
        await settle(app, pilot)
        box = app.screen.query_one("#search", Input)
        assert box.value == "sa" and box.has_focus and queue(app).query_.sort == sort
        assert isinstance(app.screen, QueueScreen)  # no assign dialog


async def test_search_narrows_and_escape_clears(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        box = app.screen.query_one("#search", Input)
        assert box.has_focus
        await pilot.press("l", "o")
        await settle(app, pilot)
        assert set(refs_shown(app)) == {refs["later"], refs["ada"], refs["hostile"]}  # loyalty, Lovelace, Mallory
        await pilot.press("v", "e")
        await settle(app, pilot)
        assert refs_shown(app) == [refs["ada"]]  # "love"
        await pilot.press("escape")
        await settle(app, pilot)
        assert box.value == "" and not box.display
        assert len(refs_shown(app)) == 8
        assert queue(app).table.has_focus
        # request text and email are searched too
        await pilot.press("slash", *"loyalty")
        await settle(app, pilot)
        assert refs_shown(app) == [refs["later"]]
        await pilot.press("enter")  # keeps the filter, back to the list
        assert queue(app).table.has_focus and refs_shown(app) == [refs["later"]]


async def test_search_without_match_says_so(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"zzqx")
        await settle(app, pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display
        assert "No case matches zzqx" in str(empty.content)


async def test_sort_cycles(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert queue(app).query_.sort is Sort.RECEIVED
        assert refs_shown(app)[0] == refs["later"]  # newest first
        assert "received, newest first" in str(app.screen.query_one("#position", Static).content)
        await pilot.press("s")
        await settle(app, pilot)
        assert queue(app).query_.sort is Sort.REF
        shown = refs_shown(app)
        assert shown == sorted(shown)
        await pilot.press("s", "s")
        await settle(app, pilot)
        assert queue(app).query_.sort is Sort.DUE
        assert refs_shown(app)[0] == refs["overdue"]


async def test_mark_and_bulk_assign(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = queue(app).table
        first, second = refs_shown(app)[:2]
        await pilot.press("space", "space")
        assert set(table.marked) == {first, second}
        assert table.cursor == 2
        assert "2 marked" in str(app.screen.query_one("#position", Static).content)
        assert lines_shown(app)[0].startswith("●")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"grace", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        assert table.marked == {}
        rows = {r.ref: r for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert rows[first].assignee == rows[second].assignee == "grace"
        assert sum(1 for r in rows.values() if r.assignee == "grace") == 2
        await settle(app, pilot)
        assert any("grace" in line for line in lines_shown(app))


async def test_bulk_status_refuses_all_when_one_cannot_move(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    errors: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify_error = lambda exc: errors.append(str(exc))  # type: ignore[method-assign]
        await settle(app, pilot)
        await pilot.press("8")
        await settle(app, pilot)
        table = queue(app).table
        shown = refs_shown(app)
        for target in (refs["closed"], refs["later"]):
            table.move_to(shown.index(target))
            await pilot.press("space")
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        choices = app.screen.query_one("#choices")
        index = [o.id for o in choices.options].index("awaiting_id")  # type: ignore[attr-defined]
        choices.highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        assert errors and "no case was changed" in errors[0]
        statuses = {r.ref: r.status for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert statuses[refs["closed"]] == "completed" and statuses[refs["later"]] == "new"


async def test_bulk_status_moves_marked_cases(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("space", "space", "S")
        await pilot.pause()
        choices = app.screen.query_one("#choices")
        choices.highlighted = [o.id for o in choices.options].index("in_progress")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        statuses = {r.ref: r.status for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert statuses[refs["overdue"]] == statuses[refs["soon"]] == "in_progress"


async def test_palette_goes_to_case(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.screens.case import CaseScreen
    from dpo_tui.tui.palette import DpoCommands

    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        provider = DpoCommands(app.screen)
        hits = [h async for h in provider.search("Lovelace")]
        goto = [h for h in hits if h.text and h.text.startswith("Go to case")]
        assert [h.text for h in goto] == [f"Go to case {refs['ada']} — Ada Lovelace"]
        by_ref = [h async for h in provider.search(refs["soon"])]
        assert any(h.text == f"Go to case {refs['soon']} — Sam Soon" for h in by_ref)
        actions = [h.text async for h in provider.discover()]
        assert {"Search", "Assign", "New request", "Sort", "Open case", "Mark"} <= set(actions)
        # through the real palette
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"lovelace")
        for _ in range(200):  # the palette searches in the background; wait for the hit, never a fixed sleep
            await pilot.pause()
            palette = app.screen
            if palette.query("CommandList Option") or getattr(palette.query_one("CommandList"), "option_count", 0):
                break
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.ref == refs["ada"]


async def test_palette_runs_screen_action(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.palette import DpoCommands

    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        provider = DpoCommands(app.screen)
        hit = [h async for h in provider.search("sort") if h.text == "Sort"][0]
        await hit.command()  # type: ignore[misc]
        await settle(app, pilot)
        assert queue(app).query_.sort is Sort.RECEIVED


async def test_requester_text_appears_literally(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.palette import DpoCommands

    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        lines = lines_shown(app)
        assert any(HOSTILE_NAME in line for line in lines)
        assert any("Eve \\x1b[31mRed" in line for line in lines)
        assert not any("\x1b" in line for line in lines)
        hits = [h async for h in DpoCommands(app.screen).search("mallory")]
        assert any(h.text == f"Go to case {refs['hostile']} — {HOSTILE_NAME}" for h in hits)
        hit = next(h for h in hits if h.text and h.text.startswith("Go to"))
        assert HOSTILE_NAME in hit.prompt.plain  # type: ignore[union-attr]
        await pilot.press("slash", *"[bold")
        await settle(app, pilot)
        assert refs_shown(app) == [refs["hostile"]]
        assert "[bold" in str(app.screen.query_one("#position", Static).content)


async def test_empty_database_says_what_to_do(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    app = make_app(sqlite_url, settings)  # the file does not exist yet: created and migrated on open
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and not queue(app).table.display
        text = str(empty.content)
        assert "Press n to log a request" in text and "dpo-tui demo" in text


async def test_keymap_from_settings_changes_a_key(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    app = make_app(url, settings._replace(keymap={"queue.search": "f", "queue.view.overdue": "o"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        assert not app.screen.query("#search") and not isinstance(app.focused, Input)  # `/` is not the key any more
        await pilot.press("f")
        assert app.screen.query_one("#search", Input).has_focus
        await pilot.press("escape", "o")
        await settle(app, pilot)
        assert queue(app).query_.view is View.OVERDUE


async def test_help_lists_every_key_of_the_screen(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.help import HelpScreen

    url, _ = seeded
    app = make_app(url, settings._replace(keymap={"queue.assign": "ctrl+g"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {b.description: keys for keys, b in app.screen.rows}
        for description in ("Search", "New request", "Sort", "Set status", "Open case", "Mark", "Quit", "Keys", "Overdue", "All"):
            assert description in rows, description
        assert rows["Assign"] == "^g"
        assert "j" in rows["Down"] and "↓" in rows["Down"]
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_refreshes_when_the_database_changes(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A change made in another window after the queue read its rows shows at the next check (the 2-second
    timer's); opening the queue runs no check of its own (a thread before the first paint slowed it): the
    version its rows were read at is noted with them."""
    from textual.message import Message
    from textual.worker import Worker

    url, _ = seeded
    app = make_app(url, settings)
    polls: list[Worker] = []  # type: ignore[type-arg]

    def hook(message: Message) -> None:
        if isinstance(message, Worker.StateChanged) and message.worker.group == "poll":
            polls.append(message.worker)

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(app, pilot)
        assert polls == []
        other = make_work(url, settings)  # "another window"
        ref = other.log_request(new_request(name="Newcomer", email="new@example.org", received=date(2026, 11, 24))).ref
        other.db.dispose()
        app.check_for_changes()  # what the 2-second timer does
        await settle(app, pilot)
        assert ref in refs_shown(app)
        assert "9 open" in str(app.screen.query_one("#summary").render())


async def test_queue_stays_off_the_orm_until_a_case_is_opened(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """Browsing, searching and paging the queue never build the ORM-backed service (it is ~30 MB of the queue's
    memory); opening a case builds it, in the case screen's worker, and the case shows."""
    from dpo_tui.tui.screens.case import CaseScreen

    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        first = refs_shown(app)
        assert first
        app._after_first_paint()  # what the timer set after the first paint runs (auto-refresh)
        await pilot.press("pagedown", "pageup", "slash", "a", "escape")
        app.check_for_changes(force=True)
        await settle(app, pilot)
        assert app._casework is None
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.detail.ref in first
        assert app._casework is not None and app.casework.today() == TODAY
        assert app.url == url and app.settings is settings and app.today() == TODAY


async def test_open_case_follows_changes_made_elsewhere(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A teammate assigns the case the DPO is looking at: the case screen shows it without a manual reload."""
    from dpo_tui.tui.screens.case import CaseScreen

    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        ref = refs_shown(app)[0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.detail.assignee is None
        app.check_for_changes()
        await settle(app, pilot)
        other = make_work(url, settings)
        other.assign("Sam Patel", versions={ref: other.version_of(ref)})
        other.db.dispose()
        app.check_for_changes()
        await settle(app, pilot)
        assert app.screen.detail.assignee == "Sam Patel"


async def test_reference_column_fits_the_longest_reference(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    """Past 9,999 cases in a year references grow a digit (DSAR-2026-10000): the column widens, nothing is cut,
    and the headings stay above their columns."""
    from sqlmodel import select

    from dpo_tui.store.models import RefCounter

    work = make_work(sqlite_url, settings)
    first = work.log_request(new_request(name="Short Ref", received=date(2026, 11, 2))).ref
    with work.db.write() as s:
        counter = s.exec(select(RefCounter).where(RefCounter.year == 2026)).one()
        counter.last = 123455
        s.add(counter)
    long_ref = work.log_request(new_request(name="Long Ref", received=date(2026, 11, 3))).ref
    work.db.dispose()
    assert long_ref == "DSAR-2026-123456"
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lines = lines_shown(app)
        assert any(f"{long_ref} Long Ref" in line for line in lines)
        assert any(f"{first}   Short Ref" in line for line in lines)
        header = queue(app).table.render_line(0).text
        long_line = next(line for line in lines if long_ref in line)
        short_line = next(line for line in lines if first in line)
        assert header.index("Requester") == short_line.index("Short Ref") == long_line.index("Long Ref")
        assert long_line.index("Long Ref") == long_line.index(long_ref) + len(long_ref) + 1


def test_dates_of_other_years_fit_the_due_column() -> None:
    from dpo_tui.tui.widgets.queue_table import COLUMNS, short_date

    due_width = next(c.width for c in COLUMNS if c.key == "due")
    assert short_date(date(2025, 11, 27), TODAY) == "27 Nov '25"
    assert short_date(date(2026, 12, 22), TODAY) == "Tue 22 Dec"
    for d in (date(2025, 12, 31), date(2027, 9, 30), date(2026, 9, 30)):
        assert len(short_date(d, TODAY)) <= due_width


async def test_page_down_repaints_the_screen_once_per_key(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """The position line is updated in the same screen update as the rows, without a layout pass."""
    from textual.screen import Screen

    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 6)) as pilot:
        await settle(app, pilot)
        updates: list[set[str]] = []
        layouts: list[int] = []
        original_refresh = Screen._compositor_refresh
        original_layout = Screen._refresh_layout

        def counting_refresh(screen: Screen) -> None:  # type: ignore[type-arg]
            updates.append({str(w.id) for w in screen._dirty_widgets})
            original_refresh(screen)

        def counting_layout(screen: Screen, *a, **k) -> None:  # type: ignore[no-untyped-def,type-arg]
            layouts.append(1)
            original_layout(screen, *a, **k)

        Screen._compositor_refresh = counting_refresh  # type: ignore[method-assign]
        Screen._refresh_layout = counting_layout  # type: ignore[method-assign]
        try:
            for _ in range(3):
                await pilot.press("pagedown")
                await pilot.pause()
        finally:
            Screen._compositor_refresh = original_refresh  # type: ignore[method-assign]
            Screen._refresh_layout = original_layout  # type: ignore[method-assign]
        assert len(updates) == 3, updates
        assert all({"table", "position"} <= u for u in updates)
        assert not layouts


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_table_paints_exactly_what_textuals_line_styling_would(seeded, settings, monkeypatch, no_color) -> None:  # type: ignore[no-untyped-def]
    """The table paints its lines past Textual's per-line styling (a page-down's cost). The DPO sees the same
    screen: the same text and colours on every line (headings, cursor, marked, overdue), cropped the same, and with
    NO_COLOR set still no colour. Given padding or a tint, Textual styles the lines again."""
    from textual.geometry import Region
    from textual.widget import Widget

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 14)) as pilot:
        await settle(app, pilot)
        table = queue(app).table
        await pilot.press("down", "space")  # a marked row, and the cursor on the next
        await pilot.pause()

        def by_textual(crop: Region) -> list[list[object]]:
            table._styles_cache.clear()
            return [list(strip) for strip in Widget.render_lines(table, crop)]

        for crop in (table.size.region, Region(5, 2, 40, 3)):
            ours = [list(strip) for strip in table.render_lines(crop)]
            assert ours == by_textual(crop)
        painted = [seg.style for strip in table.render_lines(table.size.region) for seg in strip if seg.style]
        colours = {c.get_truecolor() for style in painted for c in (style.color, style.bgcolor) if c is not None}
        greys = {c for c in colours if c.red == c.green == c.blue}
        if no_color:
            assert colours == greys, colours
        else:
            assert len(colours - greys) >= 3, colours  # overdue, soon, the cursor: colours NO_COLOR must take away
        assert table._plain_box()
        table.styles.padding = (0, 1)
        assert not table._plain_box()
        table.styles.padding = 0
        table.styles.tint = "red 20%"
        assert not table._plain_box()


_CELL_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30) | st.text(
    alphabet="abc XYZ-…—●é漢\t", max_size=30
)


@given(_CELL_TEXT, st.integers(min_value=0, max_value=40))
def test_fitting_a_cell_by_slicing_equals_measuring_it(value: str, width: int) -> None:
    """Queue cells in printable ASCII are fitted by slicing (the paint's hot path); every cell must come out exactly
    as Rich's cell measuring makes it: same text, same width, same ellipsis, wide and control characters too."""
    from dpo_tui.tui.widgets.queue_table import _fit, _fit_cells

    assert _fit(value, width) == _fit_cells(value, width)


@given(st.lists(_CELL_TEXT, min_size=9, max_size=9), st.integers(min_value=20, max_value=200))
def test_a_queue_line_is_exactly_the_width_it_is_given(values: list[str], width: int) -> None:
    """However its cells are made, a line fills exactly `width` cells, as fitting the whole line would make it."""
    from rich.cells import cell_len

    from dpo_tui.tui.widgets.queue_table import COLUMNS, _fit_cells, layout, render_cells

    cols = layout(width)
    cells = dict(zip([c.key for c in COLUMNS], values))
    line = render_cells(cells, cols, width, "●")
    assert cell_len(line) == width
    assert line == _fit_cells(line, width)


async def test_paging_through_many_cases_reads_ahead_and_a_new_search_drops_what_was_read(sqlite_url, settings, fixed_clock) -> None:  # type: ignore[no-untyped-def]
    """Page-down finds the next pages already read (off the UI thread); pages read ahead for the old list never
    show up in a new search's result."""
    from dpo_tui.tui.widgets.queue_table import PAGE

    work = make_work(sqlite_url, settings)
    for i in range(3 * PAGE):
        name = "Zed Rare" if i == 5 else f"Person {i:03d}"
        work.log_request(new_request(received=date(2026, 11, 2 + i % 20), name=name, email=f"p{i}@example.org"))
    work.db.dispose()
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = queue(app).table
        await pilot.press("pagedown")
        await settle(app, pilot)
        next_window = range(table.top + table.rows_height, table.top + 2 * table.rows_height)
        assert {i // PAGE for i in next_window if i < table.count} <= set(table._pages)
        await pilot.press("pagedown", "slash", *"zed")
        await settle(app, pilot)
        assert [table.row_at(i).name for i in range(table.count)] == ["Zed Rare"]  # type: ignore[union-attr]


async def test_the_first_page_downs_find_their_rows_read_and_rendered_before_the_key(sqlite_url, settings, fixed_clock) -> None:  # type: ignore[no-untyped-def]
    """Once the queue has painted and counted, each page-down shows rows read ahead (no database read on the UI
    thread during the key) and already laid out as lines, the very first page-down included (it used to read the
    second page on the UI thread: the count arrived after the first read ahead, which saw one page only)."""
    import threading

    from dpo_tui.tui.widgets.queue_table import PAGE

    work = make_work(sqlite_url, settings)
    for i in range(3 * PAGE):
        work.log_request(new_request(received=date(2026, 11, 2 + i % 20), name=f"Person {i:03d}", email=f"p{i}@example.org"))
    work.db.dispose()
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = queue(app).table
        assert table.count == 3 * PAGE
        on_ui_thread: list[str] = []
        for name in ("page_at", "page_after", "page_before"):
            read = getattr(table.reader, name)

            def spy(*args, _read=read, _name=name):  # type: ignore[no-untyped-def]
                if threading.current_thread() is threading.main_thread():
                    on_ui_thread.append(_name)
                return _read(*args)

            setattr(table.reader, name, spy)
        for _ in range(3):
            step = table.rows_height - 1
            next_rows = [table._pages[i // PAGE][i % PAGE] for i in range(table.top + step, table.top + step + table.rows_height)]
            assert all((row, table.row_width, False) in table._lines for row in next_rows)
            await pilot.press("pagedown")
            await settle(app, pilot)
        assert on_ui_thread == []
        assert table.cursor == 3 * (table.rows_height - 1)


def test_a_collection_that_is_due_runs_between_keys_and_none_runs_before_it_is_due() -> None:
    """After each frame the queue runs the cycle collection that the next key's allocations would have started
    (a young one within three of its turn; the full one when its turn comes), so no key waits for it; a collection
    far from due is left alone (collecting after every key would cost more in all)."""
    import gc

    from dpo_tui.tui.widgets.queue_table import collect_between_keys

    ran: list[int] = []

    def watch(phase: str, info: dict) -> None:  # type: ignore[type-arg]
        if phase == "start":
            ran.append(info["generation"])

    def between_keys() -> list[int]:
        ran.clear()
        gc.callbacks.append(watch)
        try:
            collect_between_keys()
        finally:
            gc.callbacks.remove(watch)
        return list(ran)

    saved = gc.get_threshold()
    gc.set_threshold(1_000_000, 20, 10)  # no collection starts by itself while the counts are set up
    try:
        gc.collect()
        assert between_keys() == []
        for _ in range(16):
            gc.collect(0)
        assert between_keys() == []  # 16 young collections of 20: not yet
        gc.collect(0)
        assert between_keys() == [1]
        assert gc.get_count()[1] == 0
        for _ in range(8):
            gc.collect(1)
        for _ in range(17):
            gc.collect(0)
        assert between_keys() == [2]  # the ninth collection of generation 1 of ten: the full one is next
        assert gc.get_count()[1:] == (0, 0)
    finally:
        gc.set_threshold(*saved)


async def test_a_search_keystroke_paints_once_its_rows_are_in_and_never_holds_the_screen(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A new query holds the screen update until its rows arrive (one frame with the letter and its rows, not the
    letter now and the rows a tick later); partial rows keep the hold, the page's rows end it; a slow read never
    holds the screen longer than the hold's one tick (1/60 s)."""
    import threading

    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = queue(app)
        q = screen.query_._replace(search="lo")
        screen._hold_update()
        assert app._batch_count == 1  # Textual's batch_update: no repaint meanwhile
        screen.query_ = q
        screen._apply(q, 1, [], 0, None, False, partial=True)
        assert app._batch_count == 1
        screen._apply(q, 0, [], 0, None, True)
        assert app._batch_count == 0

        reader = app.reader
        real_first_page, arrive = reader.first_page, threading.Event()

        def slow_first_page(*args, **kwargs):  # type: ignore[no-untyped-def]
            arrive.wait(timeout=30)
            return real_first_page(*args, **kwargs)

        reader.first_page = slow_first_page  # type: ignore[method-assign]
        await pilot.press("slash", "l")
        if screen._hold_timer is not None:
            await screen._hold_timer._task  # its one tick, awaited (not slept)
        assert app._batch_count == 0 and screen.query_one("#search", Input).value == "l"  # echoed, rows pending
        arrive.set()
        await settle(app, pilot)
        assert set(refs_shown(app)) >= {refs["later"], refs["ada"], refs["hostile"]}  # the cases with an "l"


async def test_a_database_that_cannot_be_read_is_said_and_the_queue_stays_open(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A PostgreSQL server that went away (and is not back yet) while the DPO types: the failed read is one error
    line, the app keeps running, and the next keystroke reads again (found by running the queue on PostgreSQL and
    ending its connections: the app exited with a traceback)."""
    url, refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40), message_hook=recorder(app)) as pilot:
        await settle(app, pilot)
        reader = app.reader
        real_first_page = reader.first_page

        def server_gone(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

        reader.first_page = server_gone  # type: ignore[method-assign]
        await pilot.press("slash", "l", "o")
        await settle(app, pilot)
        assert app.is_running and any("Connection refused" in e for e in errors(app))
        reader.first_page = real_first_page  # type: ignore[method-assign]
        await pilot.press("v", "e")
        await settle(app, pilot)
        assert refs_shown(app) == [refs["ada"]]


async def test_the_queue_paints_its_first_rows_with_four_widgets(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """Each widget on the queue costs ~2 ms of every start (measured: a bare Textual app's whole start is ~170 ms):
    counts and views are one widget, the headings the table's first line; the search box and the empty-result
    message are mounted when first needed."""
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = queue(app)
        assert [w.id or type(w).__name__ for w in screen.children] == ["summary", "table", "position", "KeyBar"]
        assert screen.table.render_line(0).text.split()[:2] == ["Reference", "Requester"]
        await pilot.press("slash", *"zzqx")
        await settle(app, pilot)
        assert {"search", "empty"} <= {w.id for w in screen.children}


async def test_keys_typed_right_after_slash_in_one_burst_all_go_into_the_search(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A fast typist's `/quinn` reaches the app in one terminal read: every key is queued before the search box
    exists. All of them must land in the box (not on the table, where `q` quits the app), and a `/` typed in the
    box is text. Pilot.press waits between keys, so the keys are posted as the terminal driver posts them."""
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_at_once(app, "/qnzx/1")  # q quits and n opens New request, from the table
        await settle(app, pilot)
        assert app.is_running and app.return_code is None and isinstance(app.screen, QueueScreen)
        box = app.screen.query_one("#search", Input)
        assert box.has_focus and box.value == "qnzx/1"


async def test_a_name_typed_right_after_a_in_one_burst_goes_into_the_assign_dialog(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """`a` then a name at once (one terminal read): the letters reach the queue's table before the Assign dialog
    exists; they must land in its field, in order, a "q" among them too."""
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_at_once(app, "aJo q")
        await settle(app, pilot)
        assert isinstance(app.screen, AskScreen) and app.is_running
        answer = app.screen.query_one("#answer", Input)
        assert answer.has_focus and answer.value.endswith("Jo q")  # after the current assignee, or over it


async def test_a_name_typed_right_after_n_in_one_burst_goes_into_the_new_request(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """`n` then a name typed at once (one terminal read): the letters are handed out before the dialog's first
    field has the focus; they must all land in it, in order, spaces included."""
    from dpo_tui.tui.modals.new_request import NewRequestScreen

    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        type_at_once(app, "nJane Doe")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        name = app.screen.query_one("#name", Input)
        assert name.has_focus and name.value == "Jane Doe"


async def test_a_crash_prints_its_traceback_without_local_variables(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    """A DPO pastes a crash's traceback into a bug report: Textual's showed every frame's local variables, where
    requesters' names and addresses live. The exception and its frames are still shown."""
    from rich.console import Console

    url, _refs = seeded
    app = make_app(url, settings)
    app.error_console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115 - the console's

    def crash() -> None:
        requester = " ".join(["Zoe", "Quill", "<zoe.quill@example.org>"])  # never in the source as shown
        raise RuntimeError(f"a bug ({len(requester)})")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            app.call_later(crash)
            await pilot.pause()
    shown = app.error_console.export_text()  # what the terminal shows when the app has exited
    assert "RuntimeError: a bug (33)" in shown and "crash" in shown
    assert "Zoe Quill" not in shown  # the local variable's value
