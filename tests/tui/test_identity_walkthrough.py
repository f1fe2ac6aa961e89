"""Pilot tests walking each identity path from the case screen (`v`): not needed, person verified, agent with
authority, child, could not verify, no response; bad input shown in the form with nothing saved; closed case."""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.widgets import Input, Select, Static, TextArea

from dpo_tui.services import identity as idv
from dpo_tui.tui.screens.case import CaseScreen
from dpo_tui.tui.modals.identity import IdentityWalkthrough
from tests.tui.harness import run_case, settle
from tests.conftest import new_request





async def open_walkthrough(app: App, pilot) -> IdentityWalkthrough:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, IdentityWalkthrough)
    return app.screen


def text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def type_in(app: App, pilot, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    widget = app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    if len(value) <= 12:
        await pilot.press(*value)  # typed key by key
    else:
        widget.value = value  # long free text: key-by-key typing is proven above and costs seconds a field
    await pilot.pause()


async def choose(app: App, pilot, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option with the keyboard: enter opens the list, arrows move, enter picks."""
    sel = app.screen.query_one(selector, Select)
    values = [v for _, v in sel._options]  # noqa: SLF001 - the option order, to count arrow presses
    sel.focus()
    await pilot.pause()
    step = values.index(value) - values.index(sel.value)
    await pilot.press("enter", *(["down"] * step if step > 0 else ["up"] * -step), "enter")
    await pilot.pause()
    assert sel.value == value


async def press(app: App, pilot, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Focus a button or checkbox and press enter (what tab + enter does)."""
    app.screen.query_one(selector).focus()
    await pilot.press("enter")
    await settle(app, pilot)  # a step saves in a thread worker


def step_of(app: App) -> int:
    screen = app.screen
    assert isinstance(screen, IdentityWalkthrough)
    return screen.step


async def test_not_needed_keyboard_only(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        assert step_of(app) == 1
        assert "reasonable doubt" in text(app, "#id-law")
        await pilot.press("enter", "down", "enter")  # recognised contact: same email as on record
        assert "Suggestion: not needed" in text(app, "#need-suggestion")
        assert app.screen.query_one("#need-decision", Select).value == "not_needed"
        await pilot.press("tab", "tab", "tab", "tab")
        assert app.screen.query_one("#need-reason", Input).has_focus
        await pilot.press("enter")
        assert "not needed" in text(app, "#done-summary")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        detail = sqlite_work.get(ref)
        assert detail.status == "in_progress"
        assert detail.identity["status"] == "not_needed"
        assert "same email as on record" in detail.identity["reason"]
        assert "status: not_needed" in str(app.screen.query_one("#identity-body", Static).content)


async def test_person_verified_with_bad_input_in_the_form(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(address="1 High St, London")).ref
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        await press(app, pilot, "#need-next")  # not a recognised contact: needed
        assert step_of(app) == 2
        await press(app, pilot, "#who-next")  # the person themselves
        assert step_of(app) == 3
        assert "confirm details we already hold" in text(app, "#what-suggestion")
        assert "document" not in app.screen.query_one("#what-text", TextArea).text
        await type_in(app, pilot, "#what-on", "2026-11-01")  # before receipt
        await pilot.press("enter")
        assert "before the request was received" in text(app, "#id-error")
        assert step_of(app) == 3 and sqlite_work.get(ref).status == "new"
        await type_in(app, pilot, "#what-on", "2026-11-03")
        await pilot.press("enter")
        assert "awaiting ID since Tue 3 Nov 2026" in text(app, "#done-summary")
        assert "clock not started" in text(app, "#done-summary")
        letter = app.screen.query_one("#letter-text", TextArea).text
        assert "Ada Lovelace" in letter and "postal address" in letter
        await press(app, pilot, "#letter-open")  # the letters screen's preview, same kind
        await settle(app, pilot)
        from dpo_tui.tui.modals.letter import LetterScreen

        assert isinstance(app.screen, LetterScreen) and app.screen.kind == "identity_request"
        await pilot.press("escape")
        await pilot.pause()
        assert step_of(app) == 4
        await press(app, pilot, "#done-close")
        await settle(app, pilot)
        assert "clock not started" in str(app.screen.query_one("#case-badge", Static).content)

        await open_walkthrough(app, pilot)
        assert step_of(app) == 5
        await type_in(app, pilot, "#got-on", "2026-12-01")  # in the future
        await type_in(app, pilot, "#got-seen", "passport sighted")
        await type_in(app, pilot, "#got-matched", "name and address")
        await press(app, pilot, "#got-copy")
        await press(app, pilot, "#got-save")
        assert "in the future" in text(app, "#id-error")
        await type_in(app, pilot, "#got-on", "2026-11-10")
        await press(app, pilot, "#got-save")
        assert "copy_deleted" in text(app, "#id-error")
        assert sqlite_work.get(ref).status == "awaiting_id"  # nothing saved
        await press(app, pilot, "#got-deleted")
        await press(app, pilot, "#got-save")
        assert step_of(app) == 6
        assert "Due Thu 10 Dec 2026" in text(app, "#out-deadline")
        assert "clock start Tue 10 Nov 2026" in text(app, "#out-deadline")
        await type_in(app, pilot, "#out-on", "2026-11-11")
        await pilot.press("enter")
        assert "verified" in text(app, "#done-summary").lower()
        await pilot.press("escape")
        await settle(app, pilot)
        detail = sqlite_work.get(ref)
        assert detail.status == "in_progress" and detail.identity["outcome"] == "verified"
        assert detail.identity["copy_deleted"] is True and detail.identity["by"]
        assert detail.deadline.due == date(2026, 12, 10)
        assert "Thu 10 Dec 2026" in str(app.screen.query_one("#case-badge", Static).content)
        kinds = [e.kind for e in detail.events]
        assert kinds.count("identity.requested") == kinds.count("identity.received") == kinds.count("identity.outcome") == 1


async def test_agent_with_authority(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(agent_name="Rights Portal Ltd", agent_kind="agent")).ref
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        await press(app, pilot, "#need-next")
        assert app.screen.query_one("#who-kind", Select).value == "agent"
        assert app.screen.query_one("#who-authority").value is True
        await press(app, pilot, "#who-id")  # the person is known: only the authority is in doubt
        await press(app, pilot, "#who-next")
        assert app.screen.query_one("#what-method", Select).value == "authority_only"
        await type_in(app, pilot, "#what-on", "2026-11-04")
        await pilot.press("enter")
        await press(app, pilot, "#done-close")
        await settle(app, pilot)
        detail = sqlite_work.get(ref)
        assert [e.kind for e in detail.clock_events] == ["received", "authority_requested"]

        await open_walkthrough(app, pilot)
        assert app.screen.query_one("#got-authority-box").display
        await type_in(app, pilot, "#got-on", "2026-11-09")
        await press(app, pilot, "#got-save")
        assert "authority_evidence" in text(app, "#id-error")
        await type_in(app, pilot, "#got-authority", "signed authority from Ada Lovelace dated 6 Nov")
        await press(app, pilot, "#got-save")
        assert step_of(app) == 6, text(app, "#id-error")
        await choose(app, pilot, "#out-kind", "verified")
        await press(app, pilot, "#out-save")
        detail = sqlite_work.get(ref)
        assert detail.identity["authority"]["evidence"] == "signed authority from Ada Lovelace dated 6 Nov"
        assert detail.deadline.clock_start == date(2026, 11, 9)
        assert detail.identity["requester_kind"] == "agent" and detail.identity["outcome"] == "verified"


async def test_child_elsewhere_then_scotland(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(agent_name="Grace Lovelace", agent_kind="parent")).ref
    async with run_case(sqlite_work, ref, size=(120, 60)) as (app, pilot):
        await open_walkthrough(app, pilot)
        await press(app, pilot, "#need-next")
        assert app.screen.query_one("#who-child").display
        await type_in(app, pilot, "#child-age", "9")
        assert "case by case" in text(app, "#child-hint")
        await choose(app, pilot, "#child-competent", "no")
        await press(app, pilot, "#who-next")
        assert "child_reason" in text(app, "#id-error") and step_of(app) == 2
        await type_in(app, pilot, "#child-reason", "aged 9; does not yet understand what the request means")
        await press(app, pilot, "#who-next")
        assert "child_best_interests" in text(app, "#id-error")
        await press(app, pilot, "#child-best")
        await press(app, pilot, "#who-next")
        assert step_of(app) == 3
        await pilot.press("escape")  # back to step 2: nothing saved yet
        assert step_of(app) == 2
        await type_in(app, pilot, "#child-age", "13")
        await press(app, pilot, "#child-scotland")
        assert "presumed competent" in text(app, "#child-hint")
        await choose(app, pilot, "#child-competent", "unknown")
        await type_in(app, pilot, "#child-reason", "")
        await press(app, pilot, "#who-next")
        assert "child_authorised" in text(app, "#id-error")
        await press(app, pilot, "#child-authorised")
        await press(app, pilot, "#who-next")
        await type_in(app, pilot, "#what-on", "2026-11-03")
        await pilot.press("enter")
        assert sqlite_work.get(ref).status == "awaiting_id"
    child = sqlite_work.get(ref).identity["child"]
    assert child["age"] == 13 and child["in_scotland"] and child["presumed"] and child["competent"]


async def test_could_not_verify_shows_letter(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    idv.request_identity(sqlite_work, ref, requester_kind="self", what="postal address on record", on=date(2026, 11, 3), version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        assert step_of(app) == 5
        await press(app, pilot, "#got-outcome")
        assert step_of(app) == 6
        await choose(app, pilot, "#out-kind", "could_not_verify")
        await press(app, pilot, "#out-save")
        assert "reason" in text(app, "#id-error")
        assert sqlite_work.get(ref).status == "awaiting_id"
        await type_in(app, pilot, "#out-reason", "The address given does not match any record we hold.")
        await press(app, pilot, "#out-save")
        letter = app.screen.query_one("#letter-text", TextArea).text
        assert "does not match any record" in letter
        await press(app, pilot, "#letter-save")
        await press(app, pilot, "#done-close")
        await settle(app, pilot)
    detail = sqlite_work.get(ref)
    assert detail.status == "refused" and detail.outcome == "could_not_verify"
    assert [l.kind for l in detail.letters] == ["could_not_verify"]


async def test_no_response(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(received=date(2026, 10, 1))).ref
    idv.request_identity(sqlite_work, ref, requester_kind="self", what="postal address on record", on=date(2026, 10, 5), version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        assert "Awaiting ID since Mon 5 Oct 2026 (51 days)" in text(app, "#got-waiting")
        assert app.screen.query_one("#got-noresponse").display
        await press(app, pilot, "#got-noresponse")
        assert "no response" in text(app, "#done-summary")
        await pilot.press("escape")
        await settle(app, pilot)
    detail = sqlite_work.get(ref)
    assert detail.status == "withdrawn" and detail.outcome == "no_response"
    assert detail.events[-1].kind == "identity.no_response"


async def test_recent_awaiting_has_no_close_button(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    idv.request_identity(sqlite_work, ref, requester_kind="self", what="postal address on record", on=date(2026, 11, 20), version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        assert not app.screen.query_one("#got-noresponse").display


async def test_closed_case_refused_in_the_form(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    sqlite_work.change_status(ref, "withdrawn", reason="duplicate", version=sqlite_work.version_of(ref))
    events = len(sqlite_work.get(ref).events)
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        assert "closed" in text(app, "#id-error")
        await pilot.press("enter")  # the close button has focus
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
    assert len(sqlite_work.get(ref).events) == events


async def test_requester_text_is_literal(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(name="[bold red]x[/] Mallory")).ref
    async with run_case(sqlite_work, ref, size=(120, 50)) as (app, pilot):
        await open_walkthrough(app, pilot)
        assert "[bold red]x[/] Mallory" in text(app, "#id-requester")


def test_queue_flags_awaiting_id_past_the_policy() -> None:
    from datetime import datetime, timezone

    from dpo_tui.store.queue import QueueRow
    from dpo_tui.settings import Policy
    from dpo_tui.tui.widgets.queue_table import flag_days, status_text

    def row(since: date, status: str = "awaiting_id") -> QueueRow:
        return QueueRow(
            id=1, ref="DSAR-2026-0001", name="Ada", email="ada@example.org", rights=("access",),
            received=date(2026, 10, 1), due=None, clock_state="not_started", status=status,
            status_since=datetime.combine(since, datetime.min.time(), tzinfo=timezone.utc), assignee=None,
            checklist_done=0, checklist_total=0, extended=False, is_open=True, version=1, key=("9999-12-31", 1),
        )  # fmt: skip

    today = date(2026, 11, 25)
    flags = flag_days(Policy(id_no_response_days=28, fee_unpaid_days=10, clarification_no_response_days=14))
    assert status_text(row(date(2026, 10, 28)), today, flags) == "awaiting ID since Wed 28 Oct"  # 28 days: not yet
    assert status_text(row(date(2026, 10, 27)), today, flags) == "⚑ awaiting ID since 27 Oct"
    # The same flag for the other waits on the requester, each with its own policy (issue 6).
    assert status_text(row(date(2026, 11, 14), "awaiting_fee"), today, flags) == "⚑ awaiting fee since 14 Nov"
    assert status_text(row(date(2026, 11, 15), "awaiting_fee"), today, flags) == "awaiting fee since Sun 15 Nov"
    clarifying = row(date(2026, 11, 10), "awaiting_clarification")
    assert status_text(clarifying, today, flags) == "⚑ awaiting clarification since 10 Nov"
    assert status_text(row(date(2026, 10, 27)), today) == "awaiting ID since Tue 27 Oct"  # no policy known
