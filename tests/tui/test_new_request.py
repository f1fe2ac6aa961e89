"""The new-request form: a valid save, errors as you type, the duplicate warning, the due-date preview."""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from tests.conftest import TODAY, new_request
from tests.tui.harness import make_app, push, run_app, settle
from dpo_tui.domain.rights import Right
from dpo_tui.tui.modals.new_request import NewRequestScreen, due_line, duplicate_warning


def shown(app: App, selector: str) -> str:
    """The text of a line under a field, or "" when that line is hidden."""
    box = app.screen.query_one(selector, Static)
    if "under" in box.classes and not box.has_class("-shown"):
        return ""
    return str(box.content)


async def fill(app: App, pilot, *, name="Grace Hopper", email="grace@example.org", rights=(Right.ACCESS,),  # type: ignore[no-untyped-def]
               received=None, text="Please send me my data.") -> None:  # fmt: skip
    screen = app.screen
    screen.query_one("#name", Input).value = name
    screen.query_one("#email", Input).value = email
    sl = screen.query_one("#rights", SelectionList)
    for r in rights:
        sl.select(r)
    if received is not None:
        screen.query_one("#received", Input).value = received
    screen.query_one("#description", TextArea).text = text
    await settle(app, pilot)


async def test_a_valid_request_is_saved_and_its_reference_returned(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        await pilot.press(*"Grace Hopper")  # typed: the name field has focus
        await fill(app, pilot, name="Grace Hopper", rights=(Right.ACCESS, Right.ERASURE), received="2026-11-02")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert results and results[0] is not None
        ref = results[0]
        detail = sqlite_work.get(ref)
        assert detail.requester["name"] == "Grace Hopper"
        assert detail.requester["email"] == "grace@example.org"
        assert detail.rights == ("access", "erasure")
        assert detail.received == date(2026, 11, 2)
        assert detail.description == "Please send me my data."
        assert detail.regime == "uk-gdpr"


async def test_save_button_and_another_regime(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_app(sqlite_work, size=(120, 40)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        await fill(app, pilot, received="2026-11-02")
        app.screen.query_one("#regime", Select).value = "ccpa"
        app.screen.query_one("#channel", Select).value = "web"
        await settle(app, pilot)
        await pilot.click("#save")
        await settle(app, pilot)
        detail = sqlite_work.get(results[0])
        assert (detail.regime, detail.channel) == ("ccpa", "web")


async def test_invalid_fields_show_errors_and_nothing_is_saved(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        await fill(app, pilot, email="not-an-email", rights=(), received="2026-12-25")
        # as you type: the touched fields already say what is wrong
        assert "'not-an-email' is not an email address" in shown(app, "#email-error")
        assert "2026-12-25 is in the future" in shown(app, "#received-error")
        assert shown(app, "#rights-error") == ""  # not touched yet
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        assert "at least one right" in shown(app, "#rights-error")
        assert "3 fields to fix" in str(app.screen.query_one("#form-status", Static).content)
        assert results == []
        assert sqlite_work.list_cases() == []
        # fixing them clears the errors
        app.screen.query_one("#email", Input).value = "grace@example.org"
        app.screen.query_one("#received", Input).value = "2026-11-20"
        app.screen.query_one("#rights", SelectionList).select(Right.OBJECTION)
        await settle(app, pilot)
        assert shown(app, "#email-error") == shown(app, "#received-error") == shown(app, "#rights-error") == ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert results and sqlite_work.get(results[0]).rights == ("objection",)


async def test_an_empty_name_and_a_malformed_date_are_explained(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        await fill(app, pilot, name="  ", received="2/11/2026")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "name is required" in shown(app, "#name-error")
        assert "write it as YYYY-MM-DD" in shown(app, "#received-error")
        assert "needs a valid received date" in str(app.screen.query_one("#preview", Static).content)
        assert sqlite_work.list_cases() == []


async def test_duplicate_email_warns_with_the_existing_reference(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    existing = sqlite_work.log_request(new_request(email="ada@example.org"))
    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        assert shown(app, "#email-duplicate") == ""
        app.screen.query_one("#email", Input).value = "ADA@example.org "
        await settle(app, pilot)
        warning = shown(app, "#email-duplicate")
        assert f"ADA@example.org already has {existing.ref} (new)" in warning
        app.screen.query_one("#email", Input).value = "someone.else@example.org"
        await settle(app, pilot)
        assert shown(app, "#email-duplicate") == ""
        # the warning does not block saving
        await fill(app, pilot, email="ada@example.org")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert results and results[0] != existing.ref
        assert len(sqlite_work.find_by_email("ada@example.org")) == 2


async def test_due_date_is_previewed_before_saving(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        await fill(app, pilot, received="2026-11-02")
        preview = str(app.screen.query_one("#preview", Static).content)
        assert "Due Wed 2 Dec 2026 (in 7 days)" in preview
        assert "received Mon 2 Nov 2026 → one month → Wed 2 Dec 2026" in preview
        app.screen.query_one("#regime", Select).value = "ccpa"
        await settle(app, pilot)
        preview = str(app.screen.query_one("#preview", Static).content)
        assert "Due Wed 2 Dec 2026" not in preview and preview.startswith("Due ")
        assert sqlite_work.list_cases() == []


async def test_received_defaults_to_today_and_escape_cancels(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        await settle(app, pilot)
        assert app.screen.query_one("#received", Input).value == TODAY.isoformat()
        assert app.screen.query_one("#regime", Select).value == "uk-gdpr"
        await pilot.press("escape")
        await settle(app, pilot)
        assert results == [None]
        assert sqlite_work.list_cases() == []


def test_duplicate_warning_is_literal() -> None:
    text = duplicate_warning("[bold]x[/]@example.org", [("DSAR-2026-0003", "in_progress", date(2026, 11, 1))])
    assert str(text).startswith("⚠ [bold]x[/]@example.org already has DSAR-2026-0003 (in progress)")
    assert not [s for s in text.spans if "bold" in str(s.style)]


def test_due_line_picks_the_step_that_gave_the_date() -> None:
    lines = ("rule", "holiday calendar: x", "received Mon 2 Nov 2026 → one month → Wed 2 Dec 2026",
             "if extended: received Mon 2 Nov 2026 → three months → Wed 2 Dec 2026")  # fmt: skip
    assert due_line(lines, date(2026, 12, 2)) == lines[2]
    assert due_line(("a", "b"), date(2026, 12, 2)) == "b"


async def test_from_the_app_a_saved_request_opens_its_case(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.screens.case import CaseScreen

    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.new_request()
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        await fill(app, pilot, received="2026-11-02")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.detail is not None
        assert app.screen.detail.requester["email"] == "grace@example.org"
