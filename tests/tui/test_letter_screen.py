"""Letter screen (pick, preview, edit, save, write), export screen and dashboard, driven from the keyboard."""

from __future__ import annotations

import stat
from datetime import date

from textual.widgets import Input, OptionList, Select, Sparkline, Static, TextArea

from dpo_tui.domain.rights import Right
from dpo_tui.tui.screens.dashboard import DashboardScreen, bar_rows
from dpo_tui.tui.modals.export import ExportScreen
from dpo_tui.tui.modals.letter import LetterScreen
from tests.conftest import TODAY, new_request
from tests.tui.harness import push, run_app, settle

HOSTILE = "[bold red]x[/] Mallory \x1b[31m <script>"


async def test_letter_screen_lists_only_applicable_kinds_and_previews(sqlite_work):
    ref = sqlite_work.log_request(new_request(name=HOSTILE)).ref
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        results = await push(app, pilot, LetterScreen(ref))
        await settle(app, pilot)
        options = app.screen.query_one("#letter-kinds", OptionList)
        kinds = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert kinds == ["acknowledgement", "identity_request"]
        body = app.screen.query_one("#letter-body", TextArea).text
        assert "Dear \\[bold red\\]x\\[/\\] Mallory \\\\x1b\\[31m \\<script\\>," in body
        assert "\x1b" not in body
        not_available = str(app.screen.query_one("#letter-not", Static).content)
        assert "Fee request: not available, no fee was requested" in not_available
        await pilot.press("down")
        await settle(app, pilot)
        assert app.screen.draft.kind == "identity_request"
        assert app.screen.query_one("#letter-subject", Input).value.endswith("please help us confirm your identity")


async def test_edit_save_and_write_from_the_keyboard(sqlite_work, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ref = sqlite_work.log_request(new_request()).ref
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        results = await push(app, pilot, LetterScreen(ref, "acknowledgement"))
        await settle(app, pilot)
        area = app.screen.query_one("#letter-body", TextArea)
        area.load_text(area.text + "\nP.S. edited by hand.\n")
        app.screen.query_one("#letter-channel", Select).value = "post"
        app.screen.query_one("#letter-date", Input).value = "2026-11-03"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert results == [True]
    (letter,) = sqlite_work.get(ref).letters
    assert letter.channel == "post" and letter.sent_on == date(2026, 11, 3) and "P.S. edited by hand." in letter.body
    assert sqlite_work.get(ref).events[-1].kind == "letter.saved"
    path = tmp_path / f"{ref}-acknowledgement.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and "P.S. edited by hand." in path.read_text()


async def test_bad_date_is_refused_in_the_form_and_nothing_saved(sqlite_work):
    ref = sqlite_work.log_request(new_request()).ref
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        results = await push(app, pilot, LetterScreen(ref, "acknowledgement"))
        await settle(app, pilot)
        app.screen.query_one("#letter-date", Input).value = "2026-10-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "before the request was received" in str(app.screen.query_one("#letter-error", Static).content)
        app.screen.query_one("#letter-date", Input).value = "soon"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "'soon' is not a date" in str(app.screen.query_one("#letter-error", Static).content)
    assert sqlite_work.get(ref).letters == ()


async def test_asking_for_a_letter_that_does_not_apply_says_why(sqlite_work):
    ref = sqlite_work.log_request(new_request()).ref
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        results = await push(app, pilot, LetterScreen(ref, "erasure_confirmation"))
        await settle(app, pilot)
        assert "does not invoke the erasure right" in str(app.screen.query_one("#letter-error", Static).content)


async def test_export_screen_writes_files_with_progress(sqlite_work, tmp_path):
    refs = [sqlite_work.log_request(new_request(email=f"p{i}@example.org")).ref for i in range(3)]
    async with run_app(sqlite_work, size=(120, 30)) as (app, pilot):
        results = await push(app, pilot, ExportScreen(refs, tmp_path / "out"))
        await pilot.pause()
        app.screen.query_one("#export-format", Select).value = "md"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "wrote 3 files" in str(app.screen.query_one("#export-status", Static).content)
        await pilot.press("escape")
        await pilot.pause()
    assert sorted(p.name for p in results[-1]) == sorted(f"{r}.md" for r in refs)
    for r in refs:
        assert stat.S_IMODE((tmp_path / "out" / f"{r}.md").stat().st_mode) == 0o600


async def test_dashboard_shows_the_report(sqlite_work):
    sqlite_work.log_request(new_request(received=date(2026, 9, 1)))
    sqlite_work.log_request(new_request(email="b@example.org", rights=(Right.ERASURE,), received=date(2026, 11, 20)))
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        results = await push(app, pilot, DashboardScreen())
        await settle(app, pilot)
        rep = app.screen.report
        assert rep.total == 2 and rep.overdue == 1 and rep.by_right == {"access": 1, "erasure": 1}
        assert app.screen.query_one("#dash-spark", Sparkline).data == [1, 1]
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen.report.year == TODAY.year


def test_bar_rows():
    text = str(bar_rows({"access": 10, "erasure": 5}, width=10))
    assert "access  ██████████ 10" in text and "erasure █████ 5" in text


async def test_dashboard_draws_the_html_reports_charts_from_the_same_series(sqlite_work):
    from dpo_tui.exports.report_html import build_series

    sqlite_work.log_request(new_request(received=date(2026, 9, 1)))
    sqlite_work.log_request(new_request(email="b@example.org", rights=(Right.ERASURE, Right.ACCESS), received=date(2026, 11, 20)))
    async with run_app(sqlite_work, size=(140, 60)) as (app, pilot):
        await push(app, pilot, DashboardScreen())
        await settle(app, pilot)
        screen = app.screen
        series = build_series(sqlite_work.db, today=TODAY)
        assert screen.series.month_by_right == series.month_by_right
        months = str(screen.query_one("#dash-months", Static).render())
        assert "2026-09 " in months and "2026-11 " in months and "■ Access" in months and "■ Erasure" in months
        assert months.splitlines()[0].endswith(" 1") and months.splitlines()[1].endswith(" 2")  # per month: one, two
        assert "none answered yet" in str(screen.query_one("#dash-on-time", Static).render())
        age = str(screen.query_one("#dash-age", Static).render())
        assert "Open cases by age" in age and "under a week" in age and "2–3 months" in age
        assert "Days to respond" in str(screen.query_one("#dash-days", Static).render())


def test_share_and_stacked_rows():
    from dpo_tui.tui.screens.dashboard import share_rows, stacked_rows

    text = str(share_rows(["2026-10", "2026-11"], [4, 2], [3, 2], width=8))
    assert "2026-10 ██████░░ 75% (3 of 4)" in text and "2026-11 ████████ 100% (2 of 2)" in text
    text = str(stacked_rows(["2026-10", "2026-11"], [("Access", "red", [2, 0]), ("Erasure", "blue", [2, 1])], width=8))
    assert text.splitlines()[:2] == ["2026-10 ████████ 4", "2026-11 ██ 1"]
