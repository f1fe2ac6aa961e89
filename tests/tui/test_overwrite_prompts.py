"""The TUI never overwrites a letter or export file silently: it asks, and only yes overwrites."""

from __future__ import annotations

from textual.widgets import Input, Select

from dpo_tui.tui.modals.prompts import ConfirmScreen
from dpo_tui.tui.modals.export import ExportScreen
from dpo_tui.tui.modals.letter import LetterScreen
from tests.conftest import new_request
from tests.tui.harness import push, run_app, settle


async def test_letter_file_overwrite_is_asked(sqlite_work, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    ref = sqlite_work.log_request(new_request()).ref
    target = tmp_path / "letter.md"
    target.write_text("keep")
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await push(app, pilot, LetterScreen(ref, "acknowledgement"))
        await settle(app, pilot)
        app.screen.query_one("#letter-file", Input).value = str(target)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert target.read_text() == "keep"
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
    assert target.read_text().startswith("# ")


async def test_export_overwrite_is_asked(sqlite_work, tmp_path):  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{ref}.md").write_text("keep")
    async with run_app(sqlite_work, size=(120, 30)) as (app, pilot):
        await push(app, pilot, ExportScreen([ref], out))
        await pilot.pause()
        app.screen.query_one("#export-format", Select).value = "md"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert (out / f"{ref}.md").read_text() == "keep"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert (out / f"{ref}.md").read_text().startswith("# Case summary")
