"""Issue 16, "rules the UI lets a user get round": every path to a status goes through the same domain rule.

The queue's `S` -> completed, the case screen's `C` and the services obey one rule (open checklist items refuse
completion unless an override reason is recorded, and the override is audited)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from dpo_tui.domain.checklist import OpenItems
from dpo_tui.store.models import AuditEvent
from dpo_tui.store.queue import QueueQuery, View
from dpo_tui.tui.modals.prompts import AskScreen, ChooseScreen
from tests.conftest import make_work, new_request
from tests.tui.harness import errors, notes, run_app, settle


def _events(work, ref: str, kind: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with Session(work.db.engine) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.case_ref == ref, AuditEvent.kind == kind)).all()
        return [json.loads(r.payload) if isinstance(r.payload, str) else r.payload for r in rows]


def test_every_service_path_to_completed_refuses_open_items(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    with pytest.raises(OpenItems):
        work.change_status(ref, "completed", version=work.version_of(ref))
    with pytest.raises(OpenItems):
        work.bulk_status("completed", versions={ref: work.version_of(ref)})
    assert work.get(ref).status == "new"
    assert _events(work, ref, "checklist.override") == []
    done = work.bulk_status("completed", versions={ref: work.version_of(ref)}, reason="Requester withdrew part by phone")
    assert done == 1 and work.get(ref).status == "completed"
    (override,) = _events(work, ref, "checklist.override")
    assert override["reason"] == "Requester withdrew part by phone" and override["open_items"]


async def _choose(app, pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, ChooseScreen)
    choices = app.screen.query_one("#choices")
    choices.highlighted = [o.id for o in choices.options].index(value)  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(app, pilot)


async def test_queue_bulk_complete_asks_for_override_reason(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request()).ref
    async with run_app(work, size=(140, 45)) as (app, pilot):
        await pilot.press("S")
        await pilot.pause()
        await _choose(app, pilot, "completed")
        # Not closed with reason None: the same rule as the case screen's C asks for an override reason.
        assert isinstance(app.screen, AskScreen), app.screen
        assert "open checklist item" in app.screen.title_text
        await pilot.press("escape")
        await settle(app, pilot)
        assert work.get(ref).status == "new"
        await pilot.press("S")
        await pilot.pause()
        await _choose(app, pilot, "completed")
        await pilot.press("enter")  # an empty reason is no reason
        await settle(app, pilot)
        assert work.get(ref).status == "new"
        assert any("needs a reason" in n for n in notes(app))
        await pilot.press("S")
        await pilot.pause()
        await _choose(app, pilot, "completed")
        for ch in "Answered by phone":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not errors(app)
        rows = {r.ref: r for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert rows[ref].status == "completed"
    (override,) = _events(work, ref, "checklist.override")
    assert override["reason"] == "Answered by phone"
    (status,) = _events(work, ref, "case.status")
    assert status["reason"] == "Answered by phone"


# ---- one definition of days left for a stopped clock ---------------------------------------------------------------


def _stopped_case(work):  # type: ignore[no-untyped-def]
    """A UK access request received 5 Nov whose clarification question (13 Nov) is unanswered: the clock is stopped."""
    from datetime import date

    from dpo_tui.services import decisions as dec

    ref = work.log_request(new_request(received=date(2026, 11, 5), name="Cleo Clarify", email="cleo@example.org")).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    dec.ask_clarification(work, ref, "Which account do you mean?", "identify", date(2026, 11, 13), version=work.version_of(ref))
    detail = work.get(ref)
    assert detail.deadline.state.value == "stopped"
    return ref, detail


async def test_stopped_clock_days_left_agree_everywhere(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.dates import relative_days
    from dpo_tui.tui.screens.queue import QueueScreen
    from tests.tui.harness import case_screen

    work = make_work(sqlite_url, settings)
    ref, detail = _stopped_case(work)
    frozen = detail.days_left
    today = work.today()
    assert frozen is not None and frozen != (detail.deadline.effective_due - today).days  # the countdown would lie
    async with run_app(work, size=(140, 45)) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.table
        lines = [table.render_line(1 + y).text for y in range(min(table.count, table.rows_height))]
        (line,) = [ln for ln in lines if ref in ln]
        assert f"{frozen} days, stopped" in line, line
        summary = app.reader.summary(today)
        assert (summary.overdue, summary.due_this_week) == (0, 0)  # a stopped clock is not counting down
        await pilot.press("3")  # Due soon
        await settle(app, pilot)
        assert screen.table.count == 0
        app.open_case(ref)
        await settle(app, pilot)
        header = str(case_screen(app).query_one("#case-badge").render())
        assert relative_days(frozen) in header and "stopped" in header, header


def test_cli_cases_shows_the_frozen_days_left(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from dpo_tui.cli import cli

    work = make_work(sqlite_url, settings)
    ref, detail = _stopped_case(work)
    work.db.dispose()
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "cases", "--json"], catch_exceptions=False)
    (row,) = json.loads(out.output)
    assert row["ref"] == ref and row["days_left"] == detail.days_left and row["clock_state"] == "stopped"
    text = CliRunner().invoke(cli, ["--db", sqlite_url, "cases"], catch_exceptions=False).output
    assert f"in {detail.days_left} days, clock stopped" in text
    due_soon = CliRunner().invoke(cli, ["--db", sqlite_url, "cases", "--due-within", "7"], catch_exceptions=False).output
    assert ref not in due_soon


# ---- a letter's "sent on" is the date of its step --------------------------------------------------------------------


async def test_letter_sent_on_defaults_to_the_date_of_its_step(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from textual.widgets import Input

    from dpo_tui.services import decisions as dec
    from dpo_tui.tui.modals.letter import LetterScreen
    from tests.tui.harness import push

    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request(received=date(2026, 11, 5))).ref
    work.change_status(ref, "in_progress", version=work.version_of(ref))
    dec.ask_clarification(work, ref, "Which account do you mean?", "identify", date(2026, 11, 13), version=work.version_of(ref))
    async with run_app(work, size=(140, 45)) as (app, pilot):
        await push(app, pilot, LetterScreen(ref, "clarification_request"))
        await settle(app, pilot)
        assert app.screen.draft.kind == "clarification_request"
        assert app.screen.query_one("#letter-date", Input).value == "2026-11-13"  # the day it was asked, not today
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    (letter,) = work.get(ref).letters
    assert letter.sent_on == date(2026, 11, 13)


# ---- reopen from the case screen -------------------------------------------------------------------------------------


async def test_reopen_a_closed_case_from_the_case_screen_with_a_reason(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.checklist import TextPrompt
    from tests.tui.harness import case_screen, run_case

    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request()).ref
    work.change_status(ref, "completed", reason="answered by phone", version=work.version_of(ref))
    async with run_case(work, ref, size=(140, 45)) as (app, pilot):
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await settle(app, pilot)
        assert isinstance(app.screen, TextPrompt) and work.get(ref).status == "completed"
        for ch in "complaint":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert case_screen(app) is app.screen
        assert case_screen(app).detail.status == "in_progress"  # type: ignore[union-attr]
        assert any("reopened" in n for n in notes(app))
        await pilot.press("R")  # open now: nothing to reopen
        await settle(app, pilot)
        assert case_screen(app) is app.screen
    detail = work.get(ref)
    assert detail.status == "in_progress" and detail.outcome is None and detail.final_response_on is None
    (event,) = _events(work, ref, "case.reopened")
    assert event["reason"] == "complaint" and event["from"] == "completed" and event["outcome"] == "completed"


# ---- the team directory: completion in the assign dialog, Mine by login -------------------------------------------


async def test_team_directory_completes_assignees_and_makes_mine_by_login(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from dpo_tui.settings import TeamMember, default_user
    from dpo_tui.tui.modals.prompts import ConfirmScreen
    from tests.tui.harness import make_app

    work = make_work(sqlite_url, settings)
    mine = work.log_request(new_request(received=date(2026, 11, 2), name="Mo Mine", email="mo@example.org")).ref
    other = work.log_request(new_request(received=date(2026, 11, 3), name="Ola Other", email="ola@example.org")).ref
    work.assign("Jordan Ellis", versions={mine: work.version_of(mine)})
    work.db.dispose()
    team = (
        TeamMember("Jordan Ellis", login=default_user(), email="jordan@example.org"),
        TeamMember("Priya Shah", login="pshah", email="priya@example.org"),
    )
    app = make_app(sqlite_url, settings._replace(team=team))
    assert app.settings.user_name != "Jordan Ellis"  # the login is not a listed name: the directory maps it
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")  # Mine
        await settle(app, pilot)
        screen = app.screen
        assert [screen.table.row_at(i).ref for i in range(screen.table.count)] == [mine]
        await pilot.press("8")  # All
        await settle(app, pilot)
        refs = [screen.table.row_at(i).ref for i in range(screen.table.count)]
        screen.table.move_to(refs.index(other))
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"pri", "enter")  # completes to the directory's name
        await settle(app, pilot)
        assignees = {r.ref: r.assignee for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert assignees[other] == "Priya Shah"
        screen.table.move_to(refs.index(other))
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#answer").value = ""
        await pilot.press(*"Jordan", "space", *"Elix", "enter")  # a typo: not in the directory
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen), app.screen
        await pilot.press("escape")
        await settle(app, pilot)
        assignees = {r.ref: r.assignee for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert assignees[other] == "Priya Shah"
        screen.table.move_to(refs.index(mine))
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#answer").value = ""
        await pilot.press(*"pshah", "enter")  # a login name assigns its person
        await settle(app, pilot)
        assignees = {r.ref: r.assignee for r in app.reader.page_at(QueueQuery(view=View.ALL), 0, 50)}
        assert assignees[mine] == "Priya Shah" and not errors(app)


# ---- demo settings are shown as such -------------------------------------------------------------------------------


async def test_queue_and_letters_say_when_demo_settings_are_in_use(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]

    from textual.widgets import Static

    from dpo_tui.tui.modals.letter import LetterScreen
    from tests.tui.harness import make_app, push

    work = make_work(sqlite_url, settings)
    ref = work.log_request(new_request()).ref
    work.db.dispose()
    assert settings.is_demo  # the tests run with no settings file
    async with run_app(work, size=(140, 45)) as (app, pilot):
        summary = str(app.screen.query_one("#summary").render())
        assert summary.startswith(" DEMO SETTINGS ") and "config init" in summary
        await push(app, pilot, LetterScreen(ref, "acknowledgement"))
        await settle(app, pilot)
        demo = str(app.screen.query_one("#letter-demo", Static).content)
        assert "DEMO SETTINGS" in demo and settings.organisation.dpo_name in demo
    own = settings._replace(exists=True, demo_organisation=False)
    app = make_app(sqlite_url, own)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert "DEMO" not in str(app.screen.query_one("#summary").render())
        await push(app, pilot, LetterScreen(ref, "acknowledgement"))
        await settle(app, pilot)
        assert not app.screen.query("#letter-demo")
