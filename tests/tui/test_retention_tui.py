"""Issue 20 in the TUI: `u` undoes the last action after a confirmation that says what will be undone (or says why
not), `H` places and releases a legal hold shown in the case header, and the retention view (`R` or the palette)
lists what is due and what the holds block."""

from __future__ import annotations

from datetime import date

from textual.widgets import Checkbox, Input, OptionList, Static

from dpo_tui.services import retention
from dpo_tui.tui.modals.hold import HoldScreen
from dpo_tui.tui.modals.prompts import AskScreen, ChooseScreen, ConfirmScreen
from dpo_tui.tui.screens.retention import RetentionScreen
from tests.conftest import new_request
from tests.tui.harness import case_screen, notes, run_app, run_case, settle


def _text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).content)


async def test_u_confirms_then_undoes_and_refuses_with_the_reason(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    sqlite_work.add_note(ref, "on the wrong case", version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Static).content)
        assert "note.added" in question and "note of 17 characters withdrawn" in question
        await pilot.press("n")  # keep it
        await settle(app, pilot)
        assert len(case_screen(app).detail.notes) == 1
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        detail = case_screen(app).detail
        assert detail.notes == () and detail.events[-1].kind == "case.undo"
        assert any("undo of #2: note of 17 characters withdrawn" in n for n in notes(app))
        await pilot.press("u")  # the last action is now the undo itself
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("an undo cannot itself be undone" in n for n in notes(app))


async def test_h_places_a_hold_shown_in_the_header_and_releases_it(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(name="[bold]Eve[/]", email="eve@example.org")).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        assert not app.screen.query_one("#case-hold").has_class("-held")
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, HoldScreen)
        await pilot.press(*"claim")
        app.screen.query_one("#hold-review", Input).value = "2026-01-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, HoldScreen)  # refused, input kept
        assert "not after today" in str(app.screen.query_one("#error", Static).content)
        app.screen.query_one("#hold-review", Input).value = "2027-06-01"
        app.screen.query_one("#hold-requester", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        header = _text(app, "#case-hold")
        assert app.screen.query_one("#case-hold").has_class("-held")
        assert "On legal hold: hold #1 on requester eve@example.org: claim; review 1 Jun 2027" in header
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, ChooseScreen)
        await pilot.press("enter")  # the first option: release hold #1
        await settle(app, pilot)
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"settled", "enter")
        await settle(app, pilot)
        assert not app.screen.query_one("#case-hold").has_class("-held")
    assert retention.list_holds(sqlite_work) == []
    assert [h.release_reason for h in retention.list_holds(sqlite_work, include_released=True)] == ["settled"]


async def test_retention_view_from_the_queue_lists_due_and_held_cases(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]

    from tests.conftest import make_work

    work = make_work(sqlite_url, settings._replace(policy=settings.policy._replace(retention_years=0)))
    due = work.log_request(new_request()).ref
    work.change_status(due, "withdrawn", version=work.version_of(due))
    held = work.log_request(new_request(email="h@example.org")).ref
    work.change_status(held, "withdrawn", version=work.version_of(held))
    retention.place_hold(work, ref=held, reason="litigation", review_on=date(2027, 1, 1), version=work.version_of(held))
    async with run_app(work, size=(120, 40)) as (app, pilot):
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, RetentionScreen)
        assert "1 due for anonymise" in _text(app, "#retention-title")
        options = app.screen.query_one("#retention-cases", OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[0].startswith(due) and "0 years (policy)" in lines[0]
        assert lines[1].startswith(held) and "held by #1" in lines[1]
        assert f"blocks {held}" in _text(app, "#retention-holds")
        await pilot.press("down", "enter")  # opens the held case
        await settle(app, pilot)
        assert case_screen(app).ref == held and "litigation" in _text(app, "#case-hold")
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"Retention")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RetentionScreen)
    work.db.dispose()


async def test_a_purged_case_says_so_in_the_header(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]

    from tests.conftest import make_work

    work = make_work(sqlite_url, settings._replace(policy=settings.policy._replace(retention_years=0)))
    ref = work.log_request(new_request()).ref
    work.change_status(ref, "withdrawn", version=work.version_of(ref))
    assert retention.purge_case(work, ref).skipped is None
    async with run_case(work, ref, size=(120, 40)) as (app, pilot):
        assert _text(app, "#case-requester") == "Personal data removed for retention on Wed 25 Nov 2026 (anonymise)"
        await pilot.press("u")
        await settle(app, pilot)
        assert any("a retention purge cannot be undone" in n for n in notes(app))
    work.db.dispose()
