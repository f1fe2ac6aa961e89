"""Issue 16, "Focus and forms": a day of casework at the keyboard loses no keystroke and makes no choice blind.

Each test drives the real app (tests/tui/harness.py) the way the issue's DPO did, key by key."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from tests.conftest import TODAY, make_work, new_request
from tests.tui.harness import make_app, run_app, screen_lines, settle
from tests.tui.test_queue import queue, seeded, fixed_clock  # noqa: F401 - fixtures


async def test_cancelled_new_request_on_empty_queue_leaves_keys_to_the_queue(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.new_request import NewRequestScreen

    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        home = queue(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is home
        assert not isinstance(app.focused, Input), app.focused
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen), "n must open the form again, not type into search"
        assert all(box.value == "" for box in home.query("#search").results(Input))  # nothing typed into a search


async def test_switching_to_an_empty_view_and_back_keeps_the_table_focused(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")  # Unassigned: every case but one is unassigned, so use a view that is empty
        await settle(app, pilot)
        await pilot.press("3")  # Due soon: empty in the seed? fall back to a search that matches nothing
        await settle(app, pilot)
        screen = queue(app)
        await pilot.press("slash", *"zzzz", "enter")
        await settle(app, pilot)
        assert screen.table.count == 0
        await pilot.press("escape")  # clears the search: the rows come back
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.table.count > 2
        await pilot.press("j", "down")
        assert screen.table.cursor == 2
        await pilot.press("space")
        assert len(screen.table.marked) == 1


async def test_empty_view_and_back_with_view_keys(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    work = make_work(sqlite_url, settings)
    for name in ("Ada One", "Bea Two", "Cy Three"):
        work.log_request(new_request(name=name))
    work.db.dispose()
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = queue(app)
        await pilot.press("7")  # Closed: none
        await settle(app, pilot)
        assert screen.table.count == 0
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.table.count == 3
        await pilot.press("j", "down")
        assert screen.table.cursor == 2
        await pilot.press("space")
        assert len(screen.table.marked) == 1


@pytest.mark.parametrize("size", [(140, 45), (200, 60)])
async def test_assess_shows_the_decision_options(sqlite_work, size) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.domain.decisions import DECISION_KINDS, DECISION_LABELS
    from dpo_tui.tui.modals.decisions.assess import AssessScreen
    from tests.tui.test_decision_screens import start

    work = sqlite_work
    work.log_request(new_request(received=date(2026, 6, 1)))
    case = work.log_request(new_request())
    async with run_app(work, size=size) as (app, pilot):
        await start(pilot, work, case.ref, "assess")
        assert isinstance(app.screen, AssessScreen)
        await pilot.press(*["tab"] * 20)  # through the grounds to the decision, as a user would
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#decision")
        shown = "\n".join(screen_lines(app))
        for kind in DECISION_KINDS:
            assert DECISION_LABELS[kind] in shown, kind
        assert "Note (how you weighed it)" in shown


async def test_checklist_tab_arrows_and_jk_move_and_t_ticks_the_highlighted_item(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import OptionList

    from dpo_tui.tui.modals.checklist import TickScreen
    from tests.tui.harness import run_case

    detail = sqlite_work.log_request(new_request())
    keys = [i.key for i in detail.checklist]
    async with run_case(sqlite_work, detail.ref, size=(120, 40)) as (app, pilot):
        case = app.screen
        await pilot.press("4")
        await settle(app, pilot)
        assert case.selected_item_key == keys[0]
        await pilot.press("down", "down")
        assert case.selected_item_key == keys[2]
        await pilot.press("j")
        assert case.selected_item_key == keys[3]
        await pilot.press("k", "up")
        assert case.selected_item_key == keys[1]
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TickScreen)
        assert app.screen.item.key == keys[1]
        assert isinstance(case.query_one("#checklist-list"), OptionList)


async def test_tick_dialog_for_a_plain_item_asks_only_for_a_note(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.checklist import TickScreen
    from tests.tui.harness import run_case
    from tests.tui.test_checklist_view import GATHER, SEARCH, item, open_checklist

    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await open_checklist(app, pilot, GATHER)
        await pilot.press("t")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, TickScreen)
        shown = "\n".join(screen_lines(app))
        assert "Search terms used" not in shown and "Found data" not in shown and "Nothing found" not in shown
        await pilot.press(*"Exported as PDF", "enter")
        await settle(app, pilot)
        got = item(sqlite_work, ref, GATHER)
        assert (got.state, got.note, got.search_terms, got.found) == ("done", "Exported as PDF", None, None)
        await open_checklist(app, pilot, SEARCH)
        await pilot.press("t")
        await settle(app, pilot)
        shown = "\n".join(screen_lines(app))
        assert "Search terms used (required)" in shown and "Nothing found" in shown


@pytest.mark.parametrize(
    "which, first", [("refuse", "scope"), ("fee", "mode"), ("fee_paid", "amount"), ("extend", "reason")]
)
async def test_decision_dialogs_open_with_focus_on_their_first_field(sqlite_work, which, first) -> None:  # type: ignore[no-untyped-def]
    from tests.tui.test_decision_screens import start

    case = sqlite_work.log_request(new_request())
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await start(pilot, sqlite_work, case.ref, which)
        assert app.focused is not None and app.focused.id == first, app.focused
        if which == "extend":  # the first key acts on the field instead of being lost
            await pilot.press("down", "enter")
            await settle(app, pilot)
            assert app.screen.radio("#reason") == "several_requests"


async def test_escape_on_the_new_request_form_asks_before_discarding(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.tui.modals.new_request import NewRequestScreen
    from dpo_tui.tui.modals.prompts import ConfirmScreen
    from tests.tui.harness import push

    async with run_app(sqlite_work, size=(80, 24)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        form = app.screen
        await pilot.press(*"Grace Hopper", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen), "typed input is not thrown away on one key"
        await pilot.press("escape")  # no: back to the form, with what was typed
        await settle(app, pilot)
        assert app.screen is form and form.query_one("#name", Input).value == "Grace Hopper"
        assert results == []
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("enter")  # yes: discard
        await settle(app, pilot)
        assert results == [None] and sqlite_work.list_cases() == []


async def test_a_postal_request_without_email_from_the_form(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Select, SelectionList

    from dpo_tui.domain.rights import Right
    from dpo_tui.tui.modals.new_request import NewRequestScreen
    from tests.tui.harness import push

    async with run_app(sqlite_work, size=(120, 40)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        form = app.screen
        await pilot.press(*"Pat Post", "ctrl+s")
        await settle(app, pilot)
        assert "at least one way to reach the person" in str(form.query_one("#email-error").content)
        form.query_one("#address", Input).focus()
        await pilot.press(*"14 Mill Lane, Leeds LS6 2AB")
        form.query_one("#rights", SelectionList).select(Right.ACCESS)
        form.query_one("#channel", Select).value = "post"
        await settle(app, pilot)
        assert not str(form.query_one("#email-error").content)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert results and results[0]
        d = sqlite_work.get(results[0])
        assert d.requester["email"] == "" and d.requester["address"] == "14 Mill Lane, Leeds LS6 2AB"
        assert d.channel == "post"


async def test_an_agent_request_records_agent_contact_and_whose_data(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Select, SelectionList, Static

    from dpo_tui.domain.rights import Right
    from dpo_tui.exports.case_summary import to_markdown, summary_model
    from dpo_tui.tui.modals.new_request import NewRequestScreen
    from tests.tui.harness import push

    async with run_app(sqlite_work, size=(120, 40)) as (app, pilot):
        results = await push(app, pilot, NewRequestScreen())
        form = app.screen
        assert not form.query_one("#agent_name").parent.display  # hidden until someone else made the request
        await pilot.press(*"Sam Subject")
        form.query_one("#phone", Input).focus()
        await pilot.press(*"+44 20 7946 0000")
        form.query_one("#rights", SelectionList).select(Right.ACCESS)
        form.query_one("#agent_kind", Select).value = "solicitor"
        await settle(app, pilot)
        form.query_one("#agent_contact", Input).focus()
        await pilot.press(*"bell@law.example", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is form, "an agent request names the agent"
        assert "name the agent" in str(form.query_one("#agent_name-error").content)
        form.query_one("#agent_name", Input).focus()
        await pilot.press(*"Bell & Co Solicitors", "ctrl+s")
        await settle(app, pilot)
        ref = results[0]
        d = sqlite_work.get(ref)
        assert d.requester["name"] == "Sam Subject" and d.requester["phone"] == "+44 20 7946 0000"
        assert d.agent == {"name": "Bell & Co Solicitors", "kind": "solicitor", "contact": "bell@law.example"}
        app.open_case(ref)
        await settle(app, pilot)
        overview = str(app.screen.query_one("#overview-body", Static).content)
        assert "Whose data" in overview and "Sam Subject" in overview
        assert "Bell & Co Solicitors" in overview and "bell@law.example" in overview and "solicitor" in overview
        header = str(app.screen.query_one("#case-requester", Static).content)
        assert "+44 20 7946 0000" in header and "via Bell & Co Solicitors" in header
        md = to_markdown(summary_model(d, verified=None, today=TODAY, generated_by="test"))
        assert "Agent contact" in md and "bell@law.example" in md


async def test_queue_filters_typed_in_the_search_box(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Static

    from tests.store.test_queue_filters import _seed
    from tests.tui.test_queue import refs_shown

    refs = _seed(sqlite_url, settings)
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"right:erasure assignee:jordan", "enter")
        await settle(app, pilot)
        assert refs_shown(app) == [refs["ada"]]
        position = str(app.screen.query_one("#position", Static).content)
        assert "matching right:erasure assignee:jordan" in position
        await pilot.press("escape", "slash", *"channel:fax")
        await settle(app, pilot)
        position = str(app.screen.query_one("#position", Static).content)
        assert "Filter not applied" in position and "'channel:fax' is not a channel" in position
        assert "fax" not in queue(app).query_.search, "a bad filter is not run"
        await pilot.press("backspace", "backspace", "backspace", *"post", "enter")
        await settle(app, pilot)
        assert refs_shown(app) == [refs["bo"]]
        assert "Filter not applied" not in str(app.screen.query_one("#position", Static).content)


async def test_regime_column_and_sort_by_newest_starts_at_the_top(sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    from tests.store.test_queue_filters import _seed
    from tests.tui.test_queue import lines_shown, refs_shown

    refs = _seed(sqlite_url, settings)
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        header = queue(app).table.render_line(0).text
        assert "Regime" in header
        line = next(l for l in lines_shown(app) if refs["cy"] in l)
        assert " EU " in line
        screen = queue(app)
        await pilot.press("end")
        assert screen.table.cursor == 3
        await pilot.press("s")  # received, newest first
        await settle(app, pilot)
        assert screen.table.cursor == 0 and refs_shown(app)[0] == refs["cy"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_shows_binding_ids_and_its_last_line_whole(sqlite_work, size) -> None:  # type: ignore[no-untyped-def]
    from tests.tui.harness import run_case

    ref = sqlite_work.log_request(new_request()).ref
    async with run_case(sqlite_work, ref, size=size) as (app, pilot):
        await pilot.press("question_mark")
        await settle(app, pilot)
        ids = {b.id for _, b in app.screen.rows}
        assert {"case.tick", "case.back", "app.quit", "app.help"} <= ids
        await pilot.press("end")  # the help scrolls to its end on a small terminal
        await settle(app, pilot)
        shown = " ".join(line.strip(" │") for line in screen_lines(app))
        assert "by its binding id" in shown and '"queue.search" = "ctrl+f".' in shown
        assert "case.tick" in shown or size == (80, 24)
        assert "app.quit" in shown


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_reopen_and_complete_dialogs_show_their_whole_text(sqlite_work, size) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services import checklist_work as cw
    from dpo_tui.tui.modals.checklist import CompleteScreen
    from dpo_tui.tui.modals.prompts import ConfirmScreen
    from tests.tui.harness import run_case
    from tests.tui.test_checklist_view import GATHER, open_checklist

    ref = sqlite_work.log_request(new_request()).ref
    cw.tick(sqlite_work, ref, GATHER, version=sqlite_work.version_of(ref))

    def shown() -> str:
        """The dialog's own text as painted (its frame's region only), lines joined."""
        r = app.screen.query_one(".modal-frame").region
        lines = screen_lines(app)[r.y : r.bottom]
        return " ".join(" ".join(line[r.x + 1 : r.right - 1].split()) for line in lines)

    async with run_case(sqlite_work, ref, size=size) as (app, pilot):
        await open_checklist(app, pilot, GATHER)
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "(the audit trail keeps it). enter reopens, escape keeps it." in shown()
        await pilot.press("escape", "C")
        await settle(app, pilot)
        assert isinstance(app.screen, CompleteScreen)
        assert "say why the case is complete anyway (recorded in the audit trail)." in shown()
        assert "enter completes with the override, escape cancels" in shown()


async def test_typing_ahead_through_the_new_request_form_loses_no_key(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    """Keys arrive from a terminal in a burst; a Tab among them must move the focus before the next keys are
    delivered (found working a case in tmux: the email went into the name field)."""
    from textual import events

    from dpo_tui.tui.modals.new_request import NewRequestScreen
    from tests.tui.harness import push

    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await push(app, pilot, NewRequestScreen())
        form = app.screen
        burst = [*"Carla Clarify", "tab", *"carla@example.org", "tab", "tab", *"+44 20 7946 0000"]
        for key in burst:
            char = key if len(key) == 1 else ("\t" if key == "tab" else None)
            app.post_message(events.Key("space" if key == " " else key, char))
        await settle(app, pilot)
        assert form.query_one("#name", Input).value == "Carla Clarify"
        assert form.query_one("#email", Input).value == "carla@example.org"
        assert form.query_one("#phone", Input).value == "+44 20 7946 0000"


async def test_a_bad_phone_is_said_under_the_phone_only(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Static

    from dpo_tui.tui.modals.new_request import NewRequestScreen
    from tests.tui.harness import push

    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await push(app, pilot, NewRequestScreen())
        form = app.screen
        form.query_one("#phone", Input).focus()
        await pilot.press("Z")
        await settle(app, pilot)
        assert "is not a telephone number" in str(form.query_one("#phone-error", Static).content)
        assert "telephone" not in str(form.query_one("#email-error", Static).content)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_queue_cells_cut_names_at_a_word_and_never_a_date(sqlite_url, settings, size) -> None:  # type: ignore[no-untyped-def]
    import re

    from tests.tui.test_queue import lines_shown

    work = make_work(sqlite_url, settings)
    old = work.log_request(new_request(name="Maximilian Bartholomew-Fairweather", received=date(2025, 11, 10))).ref
    work.assign("Jordan Elis", versions={old: work.version_of(old)})
    work.log_request(new_request(name="Ada Lovelace", received=date(2026, 11, 10)))
    work.db.dispose()
    app = make_app(sqlite_url, settings)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        lines = lines_shown(app)
        text = "\n".join(lines)
        assert "Ada Lovelace" in text
        assert not re.search(r"\d…|'…|\b20…", text), text  # no date cut mid-way ("10 Nov 20…")
        assert "Maximilian…" in text  # at a word, with an ellipsis
        if size == (120, 40):
            assert "Jordan…" in text and "Jordan E…" not in text
            assert "Nov 2025" in text or "10 Nov '25" in text
