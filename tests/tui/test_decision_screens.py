"""Pilot tests of the decision walkthroughs, including the refusals to act (late extension, refusal notice missing
content, fee on a first free copy, format-only clarification). Driven from the keyboard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Static

from dpo_tui.domain.decisions import breakdown_from_settings
from dpo_tui.services import decisions as dec
from dpo_tui.tui.modals.decisions.assess import AssessScreen
from dpo_tui.tui.modals.decisions.clarify import ClarifyScreen
from dpo_tui.tui.modals.decisions.extend import ExtendScreen
from dpo_tui.tui.modals.decisions.fees import FeePaidScreen, FeeScreen
from dpo_tui.tui.modals.decisions.flow import DecisionMenu, open_walkthrough
from dpo_tui.tui.modals.decisions.refusal import RefusalScreen
from dpo_tui.tui.screens.case import CaseScreen
from tests.conftest import new_request
from tests.tui.harness import case_screen, notes, run_app, settle

REPEAT = {"repetition": "Same request as three weeks ago; nothing has changed."}


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text (Rich tables rendered wide enough to keep rows on one line)."""
    from io import StringIO

    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    if hasattr(content, "plain"):
        return content.plain
    out = StringIO()
    Console(file=out, width=300, color_system=None).print(content)
    return out.getvalue()


def shown(app: App[None], selector: str) -> str:
    return text_of(app.screen.query_one(selector, Static))


def status_text(app: App[None]) -> str:
    return shown(app, "#status")


async def type_into(pilot: Any, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*text)


async def start(pilot: Any, work: Any, ref: str, which: str) -> CaseScreen:
    """Open case `ref` in the real app, then walkthrough `which` from its case screen."""
    app = pilot.app
    app.open_case(ref)
    await settle(app, pilot)
    host = case_screen(app)
    open_walkthrough(host, which)
    await settle(app, pilot)
    return host


# ---- assessment → fee → payment ---------------------------------------------------------------------------------


async def test_assess_then_fee_calculator_then_payment(sqlite_work):
    work = sqlite_work
    earlier = work.log_request(new_request(received=date(2026, 6, 1)))
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        host = await start(pilot, work, case.ref, "assess")
        screen = app.screen
        assert isinstance(screen, AssessScreen)
        facts = shown(app, "#facts-summary")
        assert "1 earlier request" in facts and "1 other open request" in facts
        assert earlier.ref in shown(app, "#facts")
        assert "volume alone" in text_of(app.screen.query_one(".reminder", Static)).lower()

        # Decide 'fee' with no ground: refused, with the reason.
        screen.query_one("#decision").focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert "manifestly unfounded or excessive" in status_text(app)
        # Tick a ground without evidence: refused, naming the ground.
        screen.query_one("#g-repetition").focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert "has no evidence" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen and work.get(case.ref).decision == {}
        await type_into(pilot, "#e-repetition", f"Same as {earlier.ref}")
        await settle(app, pilot)
        assert status_text(app).startswith("Ready: manifestly excessive")
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        # Chained into the fee calculator.
        fee = app.screen
        assert isinstance(fee, FeeScreen)
        assert "zero" in status_text(app)
        await type_into(pilot, "#q-hours", "2")
        await type_into(pilot, "#q-postal_items", "1")
        fee.query_one("#on").value = "2026-11-03"
        await settle(app, pilot)
        assert "£52.50" in status_text(app) and "does not start until it is paid" in status_text(app)
        assert "£52.50" in shown(app, "#breakdown")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FeeScreen)
        d = work.get(case.ref)
        assert d.status == "awaiting_fee" and d.deadline.due is None
        assert d.decision["fee"]["total"] == "52.50"
        assert host.detail.status == "awaiting_fee"
        assert any("fee request" in n for n in notes(app))

        # The menu opens on "Record the fee paid" for a case awaiting a fee.
        open_walkthrough(host, "menu")
        await settle(app, pilot)
        assert isinstance(app.screen, DecisionMenu)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FeePaidScreen)
        paid = app.screen.query_one("#on")
        paid.value = ""
        await type_into(pilot, "#on", "2026-11-20")
        await settle(app, pilot)
        assert status_text(app).startswith("Ready: the case goes back into work; the clock starts")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, FeePaidScreen), status_text(app)
        d = work.get(case.ref)
        assert d.status == "in_progress" and d.deadline.clock_start == date(2026, 11, 20)


async def test_fee_on_a_first_free_copy_is_refused_on_screen(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "fee")
        assert isinstance(app.screen, FeeScreen)
        await type_into(pilot, "#q-hours", "3")
        await settle(app, pilot)
        assert status_text(app).startswith("Not allowed: The first response is free")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FeeScreen)
        assert work.get(case.ref).status == "new" and "fee" not in work.get(case.ref).decision

        # A further-copy fee is allowed and never touches the clock.
        app.screen.query_one("#mode").focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert "further-copy fee of £75.00" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.status == "new" and [e.kind for e in d.clock_events] == ["received"]
        assert d.decision["further_copies"][0]["total"] == "75.00"


# ---- refusals ---------------------------------------------------------------------------------------------------


async def test_assess_refuse_whole_with_complete_notice(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "assess")
        await type_into(pilot, "#e-offers_withdrawal", "Email 3 Nov: would drop it for a voucher")
        app.screen.query_one("#decision").focus()
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert "manifestly unfounded → refuse the whole request" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, RefusalScreen)
        assert "Wed 2 Dec 2026" in shown(app, "#refusal-deadline")
        assert "Information Commissioner" in shown(app, "#notice")
        assert "reasons for the refusal are missing" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen and work.get(case.ref).status == "new"
        await type_into(pilot, "#reasons", "You offered to withdraw it for a voucher.")
        await settle(app, pilot)
        assert status_text(app).startswith("Ready")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.status == "refused"
        assert d.decision["refusal"]["complain_to_controller"]
        assert any("refusal notice" in n for n in notes(app))
        # The walkthrough ends on the letter the step needs.
        from dpo_tui.tui.modals.letter import LetterScreen

        assert isinstance(app.screen, LetterScreen) and app.screen.kind == "refusal_notice"


async def test_refusal_notice_missing_authority_contacts_is_refused(sqlite_url, settings):
    from dpo_tui.domain.organisation import Authority
    from tests.conftest import make_work

    org = settings.organisation._replace(supervisory_authority=Authority("Information Commissioner's Office", "", "", ""))
    work = make_work(sqlite_url, settings._replace(organisation=org))
    case = work.log_request(new_request())
    dec.assess(work, case.ref, REPEAT, "refuse", version=work.version_of(case.ref))
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "refuse")
        await type_into(pilot, "#reasons", "Repeated request.")
        await settle(app, pilot)
        assert "no contact details" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RefusalScreen)
        assert work.get(case.ref).status == "new"
    work.db.dispose()


async def test_partial_refusal_per_item(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "refuse_partial")
        await type_into(pilot, "#reasons", "Some of the data is exempt.")
        await settle(app, pilot)
        assert "partial refusal lists each item" in status_text(app)
        await type_into(pilot, "#item-0", "Emails naming colleagues")
        await settle(app, pilot)
        assert "has no ground" in status_text(app) or "give the ground" in status_text(app)
        await type_into(pilot, "#ground-0", "third-party personal data")
        app.screen.query_one("#item-0").focus()
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.screen.focused.id == "item-3"
        await pilot.press(*"Legal advice")
        await type_into(pilot, "#ground-3", "legal professional privilege")
        await settle(app, pilot)
        assert status_text(app).startswith("Ready")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.status == "in_progress"
        assert [i["item"] for i in d.decision["refusal"]["items"]] == ["Emails naming colleagues", "Legal advice"]


# ---- extension --------------------------------------------------------------------------------------------------


async def test_late_extension_is_refused_on_screen(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request(received=date(2026, 10, 1)))
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "extend")
        assert isinstance(app.screen, ExtendScreen)
        await type_into(pilot, "#note", "Twelve systems")
        await settle(app, pilot)
        assert "Too late: the person had to be told by Mon 2 Nov 2026" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExtendScreen)
        assert not work.get(case.ref).deadline.extended


async def test_extension_in_time(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "extend")
        assert "Tell the person by: Wed 2 Dec 2026" in shown(app, "#extend-dates")
        assert "write the reasons" in status_text(app)
        await type_into(pilot, "#note", "Twelve systems")
        app.screen.query_one("#reason").focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert "moves from Wed 2 Dec 2026 to Tue 2 Feb 2027" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.deadline.extended and d.decision["extension"]["reason"] == "several_requests"
        assert any("extension notice" in n for n in notes(app))
        # A second attempt is refused with the reason.
        await start(pilot, work, case.ref, "extend")
        await type_into(pilot, "#note", "Again")
        await settle(app, pilot)
        assert "already extended" in status_text(app)


# ---- clarification ----------------------------------------------------------------------------------------------


async def test_clarification_ask_refuses_format_then_answer(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "clarify")
        screen = app.screen
        assert isinstance(screen, ClarifyScreen)
        assert "clock stops" in shown(app, "#clock-effect")
        await type_into(pilot, "#question", "[bold]PDF[/] or paper?")
        screen.query_one("#purpose").focus()
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert "format of the reply does not stop the clock" in status_text(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen and work.get(case.ref).status == "new"
        await pilot.press("up", "enter")
        await settle(app, pilot)
        assert "the clock stops" in status_text(app)
        date_input = screen.query_one("#on")
        date_input.value = "2026-11-05"
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.status == "awaiting_clarification" and d.deadline.state.value == "stopped"
        assert any("clarification request" in n for n in notes(app))

        await start(pilot, work, case.ref, "clarify")
        screen = app.screen
        assert shown(app, "#question-sent") == "[bold]PDF[/] or paper?"
        assert "write (or summarise)" in status_text(app)
        await type_into(pilot, "#answer", "Any account")
        screen.query_one("#on").value = "2026-11-09"
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.status == "in_progress" and d.deadline.paused_days == 5 and d.deadline.due == date(2026, 12, 7)


async def test_clarification_on_eu_case_says_the_clock_keeps_running(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request(regime="eu-gdpr"))
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, "clarify")
        assert "keeps running" in shown(app, "#clock-effect")


async def test_menu_and_no_response_closure(sqlite_work):
    work = sqlite_work
    case = work.log_request(new_request(received=date(2026, 10, 1)))
    dec.assess(work, case.ref, REPEAT, "fee", version=work.version_of(case.ref))
    dec.request_fee(work, case.ref, breakdown_from_settings(work.settings.fees, hours=1), date(2026, 10, 2), version=work.version_of(case.ref))
    async with run_app(work, size=(140, 60)) as (app, pilot):
        host = await start(pilot, work, case.ref, "menu")
        assert isinstance(app.screen, DecisionMenu)
        await pilot.press("down", "down", "down", "enter")  # from "Record the fee paid" to "Close: no response"
        await settle(app, pilot)
        d = work.get(case.ref)
        assert d.status == "withdrawn" and d.outcome == "fee_unpaid"
        assert host.detail.status == "withdrawn"


@pytest.mark.parametrize("which", ["assess", "fee", "fee_paid", "refuse", "extend", "clarify"])
async def test_escape_cancels_without_change(sqlite_work, which):
    work = sqlite_work
    case = work.log_request(new_request())
    async with run_app(work, size=(140, 60)) as (app, pilot):
        await start(pilot, work, case.ref, which)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen) and len(app.screen_stack) == 2  # queue, case: the dialog is gone
    d = work.get(case.ref)
    assert d.decision == {} and d.status == "new" and [e.kind for e in d.events] == ["case.logged"]
