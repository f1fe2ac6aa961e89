"""Intake triage from the keyboard (`i` on the queue): log an item through the prefilled form, attach one to a case
with the reference completed, dismiss one with a reason; everything the sender wrote is shown literally."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select, SelectionList, Static, TextArea

from dpo_tui.domain.rights import Right
from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.services.intake import Intake
from dpo_tui.store.models import Case
from dpo_tui.tui.modals.new_request import TriageLogScreen
from dpo_tui.tui.screens.triage import TriageScreen
from tests.conftest import new_request
from tests.tui.harness import errors, notes, run_app, settle

HOSTILE = "[bold red]Mallory[/] \x1b[31m"
CFG = IntakeSettings()


def mail(body: str, *, mid: str, sender: str = "Ada Lovelace <ada@example.org>", subject: str = "Request") -> bytes:
    return (
        f"Received: from mx.example.org by mail.altostack.io; Mon, 2 Nov 2026 09:00:05 +0000\n"
        f"From: {sender}\nSubject: {subject}\nDate: Mon, 2 Nov 2026 09:00:00 +0000\nMessage-ID: <{mid}>\n\n{body}\n"
    ).encode()


def take_in(work, *raws: bytes) -> None:  # type: ignore[no-untyped-def]
    items = [parse_email(r, f"m{i}.eml", CFG) for i, r in enumerate(raws)]
    summary = Intake(work).run(items)
    assert summary.applied and summary.count("needs_triage") == len(raws)


async def test_triage_shows_items_literally_and_logs_one_through_the_prefilled_form(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    take_in(
        sqlite_work,
        mail("Bitte löschen Sie alle meine Daten.", mid="de@x", sender=f'"{HOSTILE}" <mallory@example.org>',
             subject="[i]Löschung[/i]"),  # fmt: skip
    )
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        summary = str(app.screen.query_one("#summary").render())
        assert "1 to triage (i)" in summary
        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        line = str(screen.query_one("#triage-list", OptionList).get_option_at_index(0).prompt)
        assert "2026-11-02" in line and "[bold red]Mallory[/] \\x1b[31m" in line and "[i]Löschung[/i]" in line
        detail = str(screen.query_one("#triage-detail", Static).render())
        assert "mallory@example.org" in detail and "\x1b" not in detail
        assert "Received: header" in detail  # where the day of receipt came from
        assert "German" in detail and "Erasure" in detail and "löschen" in detail  # right, language, trigger
        assert "not confident" in detail or "confident" in detail
        assert "Bitte löschen Sie alle meine Daten." in detail

        await pilot.press("enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, TriageLogScreen)
        assert form.query_one("#name", Input).value == HOSTILE
        assert form.query_one("#email", Input).value == "mallory@example.org"
        assert list(form.query_one("#rights", SelectionList).selected) == [Right.ERASURE]
        assert form.query_one("#received", Input).value == "2026-11-02" and form.query_one("#received", Input).disabled
        assert form.query_one("#description", TextArea).text == "Bitte löschen Sie alle meine Daten."
        form.query_one("#name", Input).value = "Mallory Example"  # the DPO corrects the name
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TriageScreen)
        assert app.screen.items == []
        assert any(n.startswith("Logged DSAR-2026-") for n in notes(app)), notes(app)
    logged = Intake(sqlite_work).pending(status="logged")[0]
    with sqlite_work.db.reader() as s:
        ref = s.get(Case, logged.case_id).ref
    detail = sqlite_work.get(ref)
    assert detail.requester["name"] == "Mallory Example" and detail.received.isoformat() == "2026-11-02"
    assert detail.rights == ("erasure",) or list(detail.rights) == ["erasure"]


async def test_attach_to_a_case_with_the_reference_completed(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    case = sqlite_work.log_request(new_request(name="Ada Lovelace", email="ada@example.org"))
    take_in(sqlite_work, mail("Any news on this?", mid="chase@x", subject="my request"))
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await pilot.press("i")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#triage-detail", Static).render())
        assert f"{case.ref} (a to attach it there)" in detail  # same sender has this open case
        await pilot.press("a")
        await settle(app, pilot)
        box = app.screen.query_one("#answer", Input)
        box.value = ""
        await pilot.press(*"dsar-2026-00")
        await settle(app, pilot)
        await pilot.press("right")  # accept the completion
        assert box.value.upper() == case.ref
        await pilot.press("enter")
        await settle(app, pilot)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert case.ref in question and "Ada Lovelace" in question
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, TriageScreen) and app.screen.items == []
        assert f"Attached to {case.ref}" in notes(app)
        await pilot.press("escape")
        await settle(app, pilot)
        row = app.screen.table.current
        assert row.ref == case.ref and row.unread == 1
    shown = sqlite_work.get(case.ref)
    assert [l.direction for l in shown.letters] == ["in"]
    assert shown.events[-1].kind == "intake.attached"


async def test_dismiss_needs_a_reason_and_a_stale_item_is_refused(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    take_in(sqlite_work, mail("Where is my parcel?", mid="p1@x"), mail("And my other parcel?", mid="p2@x"))
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        assert len(screen.items) == 2
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press(*"delivery question", "enter")
        await settle(app, pilot)
        assert len(screen.items) == 1
        # someone else decides the other item meanwhile: this screen's decision is refused, and the list reloads
        other = screen.items[0]
        Intake(sqlite_work).dismiss_pending(other.id, version=other.version, reason="spam")
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press(*"also parcels", "enter")
        await settle(app, pilot)
        assert any("was decided by someone else meanwhile" in e for e in errors(app)), errors(app)
        assert screen.items == []
    dismissed = Intake(sqlite_work).pending(status="dismissed")
    assert sorted(p.reason.split("dismissed: ")[-1] for p in dismissed) == ["delivery question", "spam"]


async def test_fetch_from_the_tui_reads_the_imap_mailbox_with_progress_and_one_line_result(sqlite_url, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]

    from dpo_tui.intake.config import ImapSettings
    from tests.conftest import make_work
    from tests.support.imap_server import PASSWORD, USER, count, deliver, pymap_server

    with pymap_server() as port:
        deliver(port, mail("Please send me a copy of all the personal data you hold about me.", mid="f1@x"),
                mail("Where is my parcel?", mid="f2@x", sender="Bob <bob@example.org>"))  # fmt: skip
        imap = ImapSettings(host="127.0.0.1", port=port, tls=False, user=USER, password_env="TEST_IMAP_PASSWORD")
        work = make_work(sqlite_url, settings._replace(intake=IntakeSettings(imap=imap)))
        try:
            monkeypatch.setenv("TEST_IMAP_PASSWORD", "wrong")
            async with run_app(work, size=(140, 45)) as (app, pilot):
                await pilot.press("I")  # from the queue: triage opens and fetches
                await settle(app, pilot)
                screen = app.screen
                assert isinstance(screen, TriageScreen)
                assert screen.last_result == f"Fetch failed: IMAP server 127.0.0.1:{port}: login refused for 'privacy'"
                assert screen.items == [] and not screen.fetching
                monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
                await pilot.press("f")
                await settle(app, pilot)
                assert screen.last_result == "Fetched 2 message(s): 0 created, 0 attached, 2 to triage, 0 already imported, 0 rejected"
                assert str(screen.query_one("#triage-result", Static).render()) == screen.last_result
                bar = screen.query_one("#triage-bar")
                assert (bar.total, bar.progress) == (2, 2)
                assert sorted(i.from_email for i in screen.items) == ["ada@example.org", "bob@example.org"]
                await pilot.press("f")  # again: nothing new (the messages were marked read)
                await settle(app, pilot)
                assert screen.last_result.startswith("Fetched 0 message(s)")
            assert count(port, "INBOX") == 2  # left in place, marked read (no move_to)
        finally:
            work.db.dispose()
