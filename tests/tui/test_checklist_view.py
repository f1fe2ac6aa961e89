"""The checklist on the case screen, driven by keys: ticking (with and without a search record), not applicable
with and without a reason, notes, ad-hoc items, and completing the case with and without an override."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App
from textual.widgets import Input, OptionList, RadioButton, Static, TabbedContent

from dpo_tui.services import checklist_work as cw
from dpo_tui.tui.screens.case import CaseScreen
from dpo_tui.tui.modals.checklist import CompleteScreen, TextPrompt, TickScreen
from dpo_tui.tui.modals.prompts import ConfirmScreen
from tests.tui.harness import errors, push, run_app, run_case, settle
from tests.conftest import new_request



def text_of(app: App, selector: str) -> str:
    content = app.screen.query_one(selector, Static).content
    assert isinstance(content, (str, Text)), type(content)
    return str(content)



SEARCH = "access.search.hubspot"
GATHER = "access.gather"


async def open_checklist(app, pilot, key: str | None = None) -> CaseScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("4")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CaseScreen)
    assert screen.query_one(TabbedContent).active == "checklist"
    if key is not None:
        ol = screen.query_one("#checklist-list", OptionList)
        ol.highlighted = [i.key for i in screen.detail.checklist].index(key)
        await pilot.pause()
        assert screen.selected_item_key == key
    return screen


def item(work, ref, key):  # type: ignore[no-untyped-def]
    return next(i for i in work.get(ref).checklist if i.key == key)


async def test_tick_a_plain_item_and_reopen_it(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    detail = sqlite_work.log_request(new_request())
    ref, total = detail.ref, len(detail.checklist)
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        screen = await open_checklist(app, pilot, GATHER)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TickScreen)
        assert not app.screen.query("#tick-terms"), "a plain item asks only for a note (issue 16)"
        await pilot.press(*"Exported as PDF", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        got = item(sqlite_work, ref, GATHER)
        assert (got.state, got.note, got.done_by) == ("done", "Exported as PDF", sqlite_work.actor)
        assert f"1 of {total}" in text_of(app, "#checklist-progress")
        assert "✓" in str(screen.query_one("#checklist-list", OptionList).get_option(GATHER).prompt)

        await pilot.press("t")  # on a done item: offers to reopen
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and item(sqlite_work, ref, GATHER).state == "done"
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert item(sqlite_work, ref, GATHER).state == "open"
        assert not errors(app)


async def test_tick_a_search_item_needs_the_search_record(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        screen = await open_checklist(app, pilot, SEARCH)
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TickScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "needs the search terms used" in text_of(app, "#tick-error")
        assert dialog.query_one("#tick-terms").has_focus  # the field the service named
        await pilot.press(*"ada@example.org")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "needs the result of the search" in text_of(app, "#tick-error")
        dialog.query_one("#found-nothing_found", RadioButton).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        got = item(sqlite_work, ref, SEARCH)
        assert (got.state, got.search_terms, got.found) == ("done", "ada@example.org", "nothing_found")
        detail = text_of(app, "#checklist-detail")
        assert "ada@example.org" in detail and "nothing" in detail
        assert not errors(app)


async def test_escape_cancels_tick(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        screen = await open_checklist(app, pilot, SEARCH)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        assert item(sqlite_work, ref, SEARCH).state == "open"


async def test_not_applicable_without_and_with_reason(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        screen = await open_checklist(app, pilot, "access.exemptions")
        await pilot.press("N")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextPrompt)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog, "no reason: the dialog stays"
        assert "say why this item does not apply" in text_of(app, "#prompt-error")
        assert item(sqlite_work, ref, "access.exemptions").state == "open"
        await pilot.press(*"No exemption applies", "enter")
        await settle(app, pilot)
        assert app.screen is screen
        got = item(sqlite_work, ref, "access.exemptions")
        assert (got.state, got.reason, got.done_by) == ("na", "No exemption applies", sqlite_work.actor)
        assert "N/A" in str(screen.query_one("#checklist-list", OptionList).get_option("access.exemptions").prompt)
        assert "No exemption applies" in text_of(app, "#checklist-detail")
        assert not errors(app)


async def test_note_and_adhoc_item_shown_literally(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        screen = await open_checklist(app, pilot, GATHER)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"[b]ask[/b] IT", "enter")
        await settle(app, pilot)
        assert item(sqlite_work, ref, GATHER).note == "[b]ask[/b] IT"
        assert "[b]ask[/b] IT" in text_of(app, "#checklist-detail")

        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Check [red]paper[/] files", "enter")
        await settle(app, pilot)
        added = screen.detail.checklist[-1]
        assert (added.key, added.label, added.adhoc) == ("adhoc.1", "Check [red]paper[/] files", True)
        prompt = screen.query_one("#checklist-list", OptionList).get_option("adhoc.1").prompt
        assert "Check [red]paper[/] files" in str(prompt)
        assert not errors(app)


async def test_complete_with_open_items_needs_an_override_reason(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        screen = await open_checklist(app, pilot)
        await pilot.press("C")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CompleteScreen)
        listed = text_of(app, "#complete-open-items")
        assert "Gather the copy of the personal data" in listed and "Search HubSpot" in listed
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "complete with an override reason" in text_of(app, "#complete-error")
        await pilot.press(*"Requester narrowed the request to HubSpot", "enter")
        await settle(app, pilot)
        assert app.screen is screen
        detail = sqlite_work.get(ref)
        assert (detail.status, detail.outcome) == ("completed", "completed")
        override = next(e for e in detail.events if e.kind == "checklist.override")
        assert override.payload["reason"] == "Requester narrowed the request to HubSpot"
        assert screen.detail.status == "completed"
        assert not errors(app)


@pytest.mark.parametrize(("open_items", "said"), [(1, "1 of 13 checklist items is still open:"), (2, "2 of 13 checklist items are still open:")])
async def test_complete_counts_the_open_items_in_plain_english(sqlite_work, open_items: int, said: str) -> None:  # type: ignore[no-untyped-def]
    items = [(f"item.{i}", f"Item {i}") for i in range(open_items)]
    async with run_app(sqlite_work, size=(120, 40)) as (app, pilot):
        await push(app, pilot, CompleteScreen("DSAR-2026-0001", items, 13, lambda casework, reason: None))
        assert text_of(app, "#complete-count") == said


async def test_complete_cancelled_leaves_case_open(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await open_checklist(app, pilot)
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert sqlite_work.get(ref).status == "new"


async def test_complete_when_everything_is_done(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    detail = sqlite_work.log_request(new_request())
    ref = detail.ref
    sqlite_work.change_status(ref, "in_progress", version=sqlite_work.version_of(ref))
    for i in detail.checklist:
        if i.requires_search_record:
            cw.tick(sqlite_work, ref, i.key, search_terms="ada", found="found", version=sqlite_work.version_of(ref))
        else:
            cw.mark_not_applicable(sqlite_work, ref, i.key, "done elsewhere", version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await open_checklist(app, pilot)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CompleteScreen)
        assert not app.screen.query("#complete-open-items")
        await pilot.press("enter")
        await settle(app, pilot)
        done = sqlite_work.get(ref)
        assert done.status == "completed"
        assert "checklist.override" not in [e.kind for e in done.events]
        assert not errors(app)


async def test_keys_elsewhere_bring_up_the_checklist(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "overview"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.query_one(TabbedContent).active == "checklist"
        assert app.focused is app.screen.query_one("#checklist-list", OptionList)
        await pilot.press("down", "t")  # now on the second search item
        await pilot.pause()
        assert isinstance(app.screen, TickScreen)
        assert "Search HubSpot" in str(app.screen.query_one(".title", Static).content)


async def test_marketing_objection_cannot_be_skipped_from_the_screen(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.rights import Right

    ref = sqlite_work.log_request(new_request(rights=(Right.OBJECTION,))).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await open_checklist(app, pilot, "shared.suppress")
        await pilot.press("N")
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"we never market", "enter")
        await settle(app, pilot)
        assert item(sqlite_work, ref, "shared.suppress").state == "open"
        # Refused by the service: shown in the dialog, which stays open with the reason typed.
        assert app.screen is dialog and "direct marketing" in text_of(app, "#prompt-error")
        assert dialog.query_one("#prompt-answer", Input).value == "we never market"
