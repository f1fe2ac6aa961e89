"""The case screen: header and deadline badge, tabs, the deadline explanation, notes, timeline, hostile text."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from textual.app import App
from textual.widgets import OptionList, Static, TabbedContent, TextArea

from tests.tui.harness import errors, run_case, settle
from tests.conftest import TODAY, new_request
from dpo_tui.tui.formatting import event_summary
from dpo_tui.tui.modals.explain import ExplainScreen
from dpo_tui.tui.modals.note import NoteScreen
from dpo_tui.tui.screens.case import CaseScreen
from dpo_tui.tui.widgets.badge import deadline_badge, deadline_badge_text

HOSTILE_NAME = "[bold red]x[/] Mallory"
HOSTILE_TEXT = "Send \x1b[31mred everything [link=http://evil]now[/link]"



def text_of(app: App, selector: str) -> str:
    """The plain text of a Static, whether it holds Text or a Rich table."""
    from rich.console import Console
    from rich.text import Text

    content = app.screen.query_one(selector, Static).content
    if isinstance(content, (str, Text)):
        return str(content)
    console = Console(width=300, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(content)
    return console.export_text()




async def test_header_and_deadline_badge(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        assert screen.detail is not None and screen.detail.ref == ref
        assert ref in text_of(app, "#case-title")
        assert "new" in text_of(app, "#case-title")
        assert "unassigned" in text_of(app, "#case-title")
        assert "Ada Lovelace <ada@example.org>" in text_of(app, "#case-requester")
        assert text_of(app, "#case-rights") == "Access"
        badge = text_of(app, "#case-badge")
        assert "Due Wed 2 Dec 2026" in badge
        assert "in 7 days" in badge
        assert "clock running" in badge
        assert screen.query_one("#case-badge").has_class("badge-soon")
        overview = text_of(app, "#overview-body")
        assert "Please send me a copy of my personal data." in overview
        assert "Mon 2 Nov 2026" in overview and "email" in overview
        assert "UK GDPR" in overview


async def test_overdue_badge_is_red(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request(received=date(2026, 9, 1))).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        assert "overdue" in text_of(app, "#case-badge")
        assert app.screen.query_one("#case-badge").has_class("badge-overdue")


async def test_tabs_switch_with_number_keys_and_arrows(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "overview"
        for key, tab in zip("2345671", ("identity", "decision", "checklist", "letters", "timeline", "attachments", "overview")):
            await pilot.press(key)
            assert tabs.active == tab
        await pilot.press("left")
        assert tabs.active == "attachments"
        await pilot.press("right")
        assert tabs.active == "overview"
        await pilot.press("2")
        assert "No identity check recorded yet." in text_of(app, "#identity-body")
        await pilot.press("3")
        assert "No decision recorded yet." in text_of(app, "#decision-body")
        await pilot.press("5")
        assert "No letters" in text_of(app, "#letters-body")


async def test_checklist_tab_lists_items_and_exposes_the_selected_key(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    detail = sqlite_work.log_request(new_request())
    async with run_case(sqlite_work, detail.ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        ol = screen.query_one("#checklist-list", OptionList)
        assert ol.option_count == len(detail.checklist) > 0
        assert f"0 of {len(detail.checklist)} settled" in text_of(app, "#checklist-progress")
        assert "☐" in str(ol.get_option_at_index(0).prompt)
        assert screen.selected_item_key == detail.checklist[0].key
        ol.focus()
        await pilot.press("down")
        assert screen.selected_item_key == detail.checklist[1].key


async def test_explanation_modal_shows_every_step_and_the_dates(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    detail = sqlite_work.log_request(new_request())
    async with run_case(sqlite_work, detail.ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        steps = text_of(app, "#explain-steps")
        for line in detail.deadline.explanation:
            assert line.split(":")[0] in steps
        assert "received Mon 2 Nov 2026 → one month → Wed 2 Dec 2026" in steps
        dates = text_of(app, "#explain-dates")
        for label in ("Received", "Clock start", "Due", "Extension notice by", "Extended due", "Internal target"):
            assert label in dates
        assert "Tue 2 Feb 2027" in dates
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)


async def test_add_a_note(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one(TextArea).insert("Phoned the requester [b]ok[/b]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert [n.body for n in sqlite_work.get(ref).notes] == ["Phoned the requester [b]ok[/b]"]
        assert "Phoned the requester [b]ok[/b]" in text_of(app, "#overview-body")
        assert "Notes (1)" in text_of(app, "#overview-body")


async def test_an_empty_note_is_refused(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("   \n  ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        assert "empty note is not saved" in text_of(app, "#note-error")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert sqlite_work.get(ref).notes == ()


async def test_service_errors_are_reported_not_raised(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        screen.call_service(lambda w: w.add_note(ref, "  ", version=w.version_of(ref)))
        await settle(app, pilot)
        assert errors(app) and "write something first" in str(errors(app)[0])


async def test_timeline_lists_the_audit_trail(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    sqlite_work.add_note(ref, "first note", version=sqlite_work.version_of(ref))
    sqlite_work.change_status(ref, "in_progress", reason="ID already on file", version=sqlite_work.version_of(ref))
    async with run_case(sqlite_work, ref, size=(160, 40)) as (app, pilot):
        await settle(app, pilot)
        await pilot.press("6")
        timeline = text_of(app, "#timeline-body")
        assert "case.logged" in timeline and "note.added" in timeline and "case.status" in timeline
        assert "due Wed 2 Dec 2026" in timeline
        assert "status → in progress (ID already on file)" in timeline
        assert sqlite_work.actor in timeline


async def test_reload_shows_changes_made_elsewhere(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        sqlite_work.change_status(ref, "in_progress", version=sqlite_work.version_of(ref))
        await pilot.press("r")
        await settle(app, pilot)
        assert "in progress" in text_of(app, "#case-title")


async def test_hostile_requester_text_shows_literally(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(
        new_request(name=HOSTILE_NAME, email="m[b]x[/b]@example.org", description=HOSTILE_TEXT)
    ).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await settle(app, pilot)
        header = text_of(app, "#case-requester")
        assert "[bold red]x[/] Mallory" in header
        assert "m[b]x[/b]@example.org" in header
        overview = text_of(app, "#overview-body")
        assert "[bold red]x[/] Mallory" in overview
        assert "\x1b" not in overview
        assert "Send \\x1b[31mred everything [link=http://evil]now[/link]" in overview
        # and nothing was styled by the requester's brackets
        rendered = app.screen.query_one("#case-requester", Static).content
        assert all("red" not in str(span.style) for span in rendered.spans)


async def test_unknown_case_is_reported(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    async with run_case(sqlite_work, "DSAR-2026-9999", size=(80, 24)) as (app, pilot):
        await settle(app, pilot)
        assert "could not open" in text_of(app, "#case-title")
        assert errors(app)


async def test_escape_goes_back(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(80, 24)) as (app, pilot):
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CaseScreen)


def test_bindings_have_ids() -> None:
    ids = [b.id for b in CaseScreen.BINDINGS]
    assert all(i and i.startswith("case.") for i in ids)
    assert len(set(ids)) == len(ids)
    assert {"case.back", "case.explain", "case.note", "case.reload"} <= set(ids)


# ---- the badge on its own (pure) -----------------------------------------------------------


def _detail_like(events, status="new", rights=("access",)):  # type: ignore[no-untyped-def]
    from dpo_tui.domain.clock import ClockEvent, ClockEventKind, compute_deadline
    from dpo_tui.loaders import get_regime
    from dpo_tui.domain.workdays import WorkCalendar

    evs = [ClockEvent(ClockEventKind(k), d, r) for k, d, r in events]
    dl = compute_deadline(get_regime("uk-gdpr"), WorkCalendar("GB", "ENG"), evs, rights=rights)
    clock_events = tuple(SimpleNamespace(kind=k, on=d, reason=r) for k, d, r in events)
    return SimpleNamespace(status=status, deadline=dl, clock_events=clock_events, is_open=True)


def test_badge_awaiting_id_says_since_when() -> None:
    d = _detail_like([("received", date(2026, 11, 2), None), ("id_requested", date(2026, 11, 2), None)], "awaiting_id")
    b = deadline_badge(d, TODAY)
    assert b.clock == "clock not started — awaiting ID since Mon 2 Nov 2026"
    assert b.level == "paused"
    assert b.due == "no due date yet" and b.days == ""


def test_badge_stopped_for_clarification() -> None:
    d = _detail_like(
        [("received", date(2026, 11, 2), None), ("clarification_asked", date(2026, 11, 10), None)],
        "awaiting_clarification",
    )
    b = deadline_badge(d, TODAY)
    assert b.clock.startswith("clock stopped — awaiting clarification")
    assert b.level == "paused"


def test_badge_extended() -> None:
    d = _detail_like([("received", date(2026, 11, 2), None), ("extended", date(2026, 11, 20), "complex")], "in_progress")
    b = deadline_badge(d, TODAY)
    assert b.clock == "clock running, extended"
    assert b.due == "Tue 2 Feb 2027"
    assert str(deadline_badge_text(d, TODAY)).startswith("Due Tue 2 Feb 2027 · in 69 days")


@pytest.mark.parametrize(
    ("due", "level", "days"),
    [(date(2026, 11, 20), "overdue", "5 days overdue"), (date(2026, 11, 25), "soon", "due today"),
     (date(2026, 12, 31), "ok", "in 36 days")],
)  # fmt: skip
def test_badge_from_a_queue_row(due: date, level: str, days: str) -> None:
    row = SimpleNamespace(due=due, clock_state="running", extended=False, is_open=True, status="in_progress")
    b = deadline_badge(row, TODAY)
    assert (b.level, b.days) == (level, days)


def test_event_summaries_read_as_sentences() -> None:
    assert event_summary("case.assigned", {"from": None, "to": "sam"}) == "assigned to sam"
    assert event_summary("note.added", {"length": 12}) == "note added (12 characters)"
    assert event_summary("something.new", {"a_b": 1, "when": "2026-11-02"}) == "a b: 1, when: Mon 2 Nov 2026"


async def test_text_typed_in_one_burst_then_ctrl_s_is_all_saved(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    """A terminal delivers a paste or fast typing and ctrl+s in one read: every character must reach the field
    before the save reads it (a priority binding on ctrl+s ran ahead of the field's queue and saved nothing)."""
    from textual import events

    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await pilot.press("m")
        await settle(app, pilot)
        for ch in "burst note":  # posted back to back, as the driver does for one read, with no pause between
            app.post_message(events.Key(ch, ch if ch != " " else " "))
        app.post_message(events.Key("ctrl+s", None))
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert [n.body for n in sqlite_work.get(ref).notes] == ["burst note"]


async def test_a_reload_read_before_a_save_never_replaces_the_saved_state(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    """The change poll reloads the case in a thread; when its read was taken before a save and arrives after the
    save's own result was shown, the screen keeps the saved state (seen in CI: a fee decision shown as 'new')."""
    import threading

    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        host = app.screen
        assert isinstance(host, CaseScreen)
        read, release = threading.Event(), threading.Event()
        casework = app.casework
        real_get = casework.get

        def slow_get(r: str, **kw):  # type: ignore[no-untyped-def]
            detail = real_get(r, **kw)  # the snapshot is taken here, before the save below
            read.set()
            release.wait(timeout=30)
            return detail

        casework.get = slow_get  # type: ignore[method-assign]
        try:
            host.load()  # what the change poll does
            await pilot.pause()
            assert read.wait(timeout=30)
            casework.get = real_get  # type: ignore[method-assign]
            saved = sqlite_work.change_status(ref, "in_progress", version=host.detail.version)
            host.show_detail(saved)  # what a walkthrough does with the CaseDetail its save returned
        finally:
            release.set()
        await settle(app, pilot)
        assert host.detail is not None
        assert host.detail.status == "in_progress" and host.detail.version == saved.version
