"""Issue 18 on the case screen, driven by keys: attach a file to the checklist item under the cursor (file picker),
the Attachments tab, confirming redactions, building the pack (passphrase shown once) and marking it delivered."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Input, OptionList, SelectionList, Static, TabbedContent

from dpo_tui.services import attachments as att
from dpo_tui.services import pack as pk
from dpo_tui.tui.modals.pack import AttachScreen, DeliverScreen, PassphraseScreen, RedactScreen
from dpo_tui.tui.modals.prompts import AskScreen
from tests.conftest import TODAY, new_request
from tests.tui.harness import case_screen, errors, notes, run_case, settle

GATHER = "access.gather"
CRM = "name,email\nAda Lovelace,ada@example.org\nBob Smith,bob@other.com\n"


def _working(work):  # type: ignore[no-untyped-def]
    case = work.log_request(new_request())
    return work.change_status(case.ref, "in_progress", version=case.version)


def _text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    content = case_screen(app).query_one(selector, Static).content
    return str(content) if isinstance(content, (str, Text)) else ""


async def test_attach_from_the_checklist_item_under_the_cursor(sqlite_work, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case = _working(sqlite_work)
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    monkeypatch.chdir(evidence)  # the picker opens on the current folder
    crm = evidence / "crm.csv"
    crm.write_text(CRM)
    (evidence / "folder").mkdir()
    async with run_case(sqlite_work, case.ref, size=(120, 40)) as (app, pilot):
        await pilot.press("4")
        screen = case_screen(app)
        ol = screen.query_one("#checklist-list", OptionList)
        ol.highlighted = [i.key for i in screen.detail.checklist].index(GATHER)
        await pilot.pause()
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, AttachScreen)
        # a folder is refused on the dialog's own line, nothing stored, the dialog stays
        app.screen.query_one("#attach-path", Input).value = str(evidence / "folder")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AttachScreen)
        assert "a folder" in str(app.screen.query_one("#error", Static).content)
        assert att.attachments(sqlite_work, case.ref) == []
        # pick it from the folder listing: folders first, then files
        await pilot.press("tab")
        listing = app.screen.query_one("#attach-files", OptionList)
        names = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert names[:3] == ["..", "folder", "crm.csv"]
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, AttachScreen)
        (a,) = att.attachments(sqlite_work, case.ref)
        assert a.name == "crm.csv" and a.item_key == GATHER
        assert any("Attached crm.csv" in n for n in notes(app))
        await pilot.press("7")
        await settle(app, pilot)
        assert screen.query_one(TabbedContent).active == "attachments"
        assert "1 attachment(s), 1 to send" in _text(app, "#attachments-progress")
        assert a.sha256 in _text(app, "#attachments-detail")


async def test_redaction_is_confirmed_value_by_value(sqlite_work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = _working(sqlite_work)
    crm = tmp_path / "crm.csv"
    crm.write_text(CRM)
    (a,) = att.attach(sqlite_work, case.ref, [crm], version=sqlite_work.version_of(case.ref))
    async with run_case(sqlite_work, case.ref, size=(120, 40)) as (app, pilot):
        await pilot.press("7")
        await pilot.press("X")
        await settle(app, pilot)
        assert isinstance(app.screen, RedactScreen)
        sl = app.screen.query_one("#redact-list", SelectionList)
        assert sl.selected == []  # nothing is redacted until the DPO ticks it
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RedactScreen), "confirming nothing is refused"
        values = [s.value for s in app.screen.suggestions]
        sl.select(values.index("bob@other.com"))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, RedactScreen)
        files = att.attachments(sqlite_work, case.ref)
        copy = next(f for f in files if f.kind == "redacted")
        _, data = att.read_content(sqlite_work, case.ref, copy.id)
        assert b"bob@other.com" not in data and b"Bob Smith" in data  # only what was ticked
        assert "third-party email address (1 occurrence)" in _text(app, "#attachments-detail")


async def test_pack_shows_the_passphrase_once_then_delivery_sets_the_response_date(sqlite_work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = _working(sqlite_work)
    crm = tmp_path / "crm.csv"
    crm.write_text(CRM)
    att.attach(sqlite_work, case.ref, [crm], version=sqlite_work.version_of(case.ref))
    out = tmp_path / "out"
    async with run_case(sqlite_work, case.ref, size=(120, 40)) as (app, pilot):
        await pilot.press("D")
        await settle(app, pilot)
        assert any("no pack yet" in n for n in notes(app))
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, AskScreen)
        app.screen.query_one("#answer", Input).value = str(out)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PassphraseScreen), errors(app)
        passphrase = app.screen.passphrase
        assert passphrase in str(app.screen.query_one("#passphrase-body", Static).content)
        await pilot.press("enter")
        await settle(app, pilot)
        archive = out / f"{case.ref}-response.zip"
        assert pk.verify_archive(archive, passphrase).ok
        # mark delivered: a backdated day without a reason is refused on the dialog, then saved with one
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, DeliverScreen)
        app.screen.query_one("#deliver-channel", Input).value = "post"
        app.screen.query_one("#deliver-date", Input).value = "2026-12-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, DeliverScreen)
        assert "in the future" in str(app.screen.query_one("#error", Static).content)
        app.screen.query_one("#deliver-date", Input).value = TODAY.isoformat()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, DeliverScreen)
        detail = sqlite_work.get(case.ref)
        assert detail.final_response_on == TODAY and detail.deliveries[0].channel == "post"
        assert detail.deliveries[0].manifest_sha256 == detail.packs[0].manifest_sha256
        # the passphrase is nowhere in the database
        from sqlalchemy import text

        with sqlite_work.db.engine.connect() as conn:
            for table in ("packs", "audit_events", "deliveries"):
                rows = conn.execute(text(f"SELECT * FROM {table}")).all()
                assert passphrase not in repr(rows)


async def test_pack_with_nothing_attached_says_so(sqlite_work, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = _working(sqlite_work)
    async with run_case(sqlite_work, case.ref, size=(120, 40)) as (app, pilot):
        await pilot.press("p")
        await settle(app, pilot)
        app.screen.query_one("#answer", Input).value = str(tmp_path / "out")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, PassphraseScreen)
        assert any("nothing attached" in e for e in errors(app))
        assert not (tmp_path / "out").exists()
