"""From the keyboard: follow-ups on a case (`f`), their queue marker and quick view (9); the messages received on a
case (`O`) shown literally and saved owner-only; the queue's unread and chaser markers."""

from __future__ import annotations

import stat
from datetime import date

from textual.widgets import Input, OptionList, Static

from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.services.follow_ups import open_follow_ups
from dpo_tui.services.intake import Intake
from dpo_tui.store.queue import View
from dpo_tui.tui.modals.follow_up import FollowUpScreen
from dpo_tui.tui.modals.original import OriginalsScreen
from dpo_tui.tui.widgets.queue_table import SIGNAL_CHASER, SIGNAL_FOLLOW_UP, SIGNAL_UNREAD, row_signal
from tests.conftest import TODAY, new_request
from tests.tui.harness import case_screen, errors, notes, run_app, run_case, settle

HOSTILE = "[bold]Eve[/] \x1b[2J <b>x</b>"


async def test_set_a_follow_up_from_the_case_see_it_on_the_queue_and_mark_it_done(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    other = sqlite_work.log_request(new_request(email="bob@example.org", name="Bob")).ref
    async with run_case(sqlite_work, ref, size=(120, 40)) as (app, pilot):
        await pilot.press("f")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, FollowUpScreen)
        assert "No open follow-up" in str(dialog.query_one("#follow-up-list", Static).render())
        # a day in the past is refused on the dialog's own line, the note is kept
        dialog.query_one("#follow-up-on", Input).value = "2026-11-01"
        dialog.query_one("#follow-up-note", Input).value = f"chase payroll {HOSTILE}"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "in the past" in str(dialog.query_one("#error", Static).render())
        dialog.query_one("#follow-up-on", Input).value = "+0"  # today: due at once
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        listed = str(dialog.query_one("#follow-up-list", Static).render())
        assert "Wed 25 Nov 2026 (today)" in listed and f"chase payroll {HOSTILE}".replace("\x1b", "\\x1b") in listed
        assert dialog.query_one("#follow-up-note", Input).value == ""
        dialog.query_one("#follow-up-on", Input).value = "+2w"
        await pilot.press(*"second look", "ctrl+s")
        await settle(app, pilot)
        assert [f.on for f in open_follow_ups(sqlite_work, ref)] == [TODAY, date(2026, 12, 9)]
        await pilot.press("escape")
        await settle(app, pilot)
        assert [e.kind for e in case_screen(app).detail.events][-2:] == ["follow_up.set", "follow_up.set"]
        await pilot.press("escape")  # back on the queue: the case carries the marker, the quick view lists it
        await settle(app, pilot)
        queue = app.screen
        rows = {queue.table.current.ref: queue.table.current}
        await pilot.press("9")
        await settle(app, pilot)
        assert queue.query_.view is View.FOLLOW_UPS and queue.table.count == 1
        row = queue.table.current
        assert row.ref == ref and row_signal(row, TODAY) == SIGNAL_FOLLOW_UP
        assert "Follow-ups due" in str(queue.query_one("#position", Static).render())
        assert other not in rows or rows[other].follow_up_on is None
        # done: gone from the view
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        assert "2 follow-ups on " + ref + " marked done" in notes(app)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert app.screen.table.count == 0
    assert open_follow_ups(sqlite_work, ref) == []


def _mail(body: bytes, *, mid: str, subject: str, content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (
        "Received: from mx.example.org by mail.altostack.io; Mon, 23 Nov 2026 09:00:05 +0000\n"
        f"From: \"{HOSTILE}\" <ada@example.org>\nSubject: {subject}\nDate: Mon, 23 Nov 2026 09:00:00 +0000\n"
        f"Message-ID: <{mid}>\nMIME-Version: 1.0\nContent-Type: {content_type}\n\n"
    )
    return head.encode() + body


async def test_received_messages_are_shown_literally_saved_owner_only_and_marked_read(sqlite_work, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    case = sqlite_work.log_request(new_request(received=date(2026, 9, 1)))  # overdue by 25 Nov
    cfg = IntakeSettings()
    html = b"<html><body><p>Still <b>waiting</b> <img src='https://tracker.example/x.png'></p></body></html>\n"
    items = [
        parse_email(_mail(b"Any news? [red]now[/red]\n", mid="r1@x", subject=f"Re: {case.ref}"), "r1.eml", cfg),
        parse_email(_mail(html, mid="r2@x", subject=f"Re: {case.ref} again", content_type="text/html; charset=utf-8"), "r2.eml", cfg),
    ]
    summary = Intake(sqlite_work).run(items)
    assert summary.count("attached") == 2 and all(r.overdue_chaser for r in summary.results)
    async with run_app(sqlite_work, size=(120, 40)) as (app, pilot):
        row = app.screen.table.current
        assert row.ref == case.ref and row.unread == 2 and row.chaser and row_signal(row, TODAY) == SIGNAL_CHASER
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("O")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, OriginalsScreen)
        assert dialog.query_one("#originals-list", OptionList).option_count == 2
        body = str(dialog.query_one("#original-body", Static).render())  # the newest is shown first
        assert "<b>waiting</b>" in body and "https://tracker.example/x.png" in body  # HTML source, never rendered
        assert "never rendered" in body
        assert "[bold]Eve[/] \\x1b[2J <b>x</b>" in body and "\x1b" not in body  # From, literally
        await pilot.press("up")
        await settle(app, pilot)
        body = str(dialog.query_one("#original-body", Static).render())
        assert "Any news? [red]now[/red]" in body and f"Subject: Re: {case.ref}" in body
        await pilot.press("s")
        await settle(app, pilot)
        saved = dialog.saved[0]
        assert saved.parent == tmp_path and saved.read_bytes().startswith(b"Received: from mx.example.org")
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        await pilot.press("s")  # never over an existing copy
        await settle(app, pilot)
        assert "exists" in str(dialog.query_one("#error", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert case_screen(app).detail.events[-1].kind == "correspondence.read"
        await pilot.press("escape")
        await settle(app, pilot)
        row = app.screen.table.current
        assert row.unread == 0 and not row.chaser and row_signal(row, TODAY) == ""
    assert not errors(app)


async def test_unread_reply_marker_on_a_case_that_is_not_overdue(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    case = sqlite_work.log_request(new_request(received=TODAY))
    raw = _mail(b"Here is my ID.\n", mid="id@x", subject=f"Re: {case.ref}")
    assert Intake(sqlite_work).run([parse_email(raw, "id.eml", IntakeSettings())]).count("attached") == 1
    async with run_app(sqlite_work) as (app, pilot):
        row = app.screen.table.current
        assert row.unread == 1 and not row.chaser and row_signal(row, TODAY) == SIGNAL_UNREAD
        assert SIGNAL_UNREAD in str(app.screen.table.render_line(1).text)
