"""Send on the letters screen (ctrl+t) through a real SMTP server on 127.0.0.1: the letter as edited arrives, after a
confirmation naming recipient and subject; a refused send records nothing and says why on the screen's line."""

from __future__ import annotations


from textual.widgets import Input, Static, TextArea

from dpo_tui.mail.config import SmtpSettings
from dpo_tui.services.outbound import sent_messages
from dpo_tui.tui.modals.letter import LetterScreen
from dpo_tui.tui.modals.prompts import ConfirmScreen
from tests.conftest import make_work, new_request
from tests.tui.harness import notes, push, run_app, settle

HOSTILE = "[bold]Ada[/] \x1b[31m"


def _work(sqlite_url, settings, port: int):  # type: ignore[no-untyped-def]
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", from_address="dpo@altostack.io",
                        from_name="AltoStack Data Protection", timeout=10)  # fmt: skip
    return make_work(sqlite_url, settings._replace(smtp=smtp))


async def test_send_the_edited_letter_after_confirming_recipient_and_subject(smtp_server, sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    work = _work(sqlite_url, settings, port)
    try:
        ref = work.log_request(new_request(name=HOSTILE, email="ada@example.org")).ref
        async with run_app(work, size=(140, 45)) as (app, pilot):
            results = await push(app, pilot, LetterScreen(ref, "acknowledgement"))
            screen = app.screen
            area = screen.query_one("#letter-body", TextArea)
            area.load_text(area.text + "\nP.S. sent from the letters screen.\n")
            screen.query_one("#letter-subject", Input).value = "We have your request"
            await pilot.press("ctrl+t")
            await settle(app, pilot)
            confirm = app.screen
            assert isinstance(confirm, ConfirmScreen)
            question = str(confirm.query_one("#confirm-question", Static).render())
            assert "To: ada@example.org" in question and f"Subject: We have your request [{ref}]" in question
            assert inbox.received == []  # nothing goes before the DPO says yes
            await pilot.press("n")
            await settle(app, pilot)
            assert inbox.received == [] and list(work.get(ref).letters) == []
            await pilot.press("ctrl+t")
            await settle(app, pilot)
            await pilot.press("y")
            await settle(app, pilot)
            assert app.screen is screen and screen.saved
            [(sender, rcpts, msg)] = inbox.received
            assert rcpts == ["ada@example.org"] and msg["Subject"] == f"We have your request [{ref}]"
            body = msg.get_body(("plain",)).get_content()
            assert "P.S. sent from the letters screen." in body and "\x1b" not in msg.as_string()
            assert any(n.startswith(f"acknowledgement sent to ada@example.org and recorded on {ref}") for n in notes(app))
            await pilot.press("escape")
            await settle(app, pilot)
            assert results == [True]
        [record] = sent_messages(work, ref)
        assert record["message_id"] == msg["Message-ID"] and record["sent_to"] == "ada@example.org"
        assert work.get(ref).events[-1].kind == "letter.sent"
    finally:
        work.db.dispose()


async def test_a_refused_send_records_nothing_and_says_why_on_the_screen(smtp_server, sqlite_url, settings) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server(refuse={"ada@example.org"})
    work = _work(sqlite_url, settings, port)
    try:
        ref = work.log_request(new_request(email="ada@example.org")).ref
        before = work.get(ref)
        async with run_app(work, size=(140, 45)) as (app, pilot):
            await push(app, pilot, LetterScreen(ref, "acknowledgement"))
            screen = app.screen
            await pilot.press("ctrl+t")
            await settle(app, pilot)
            await pilot.press("y")
            await settle(app, pilot)
            assert app.screen is screen and not screen.saved
            line = str(screen.query_one("#letter-error", Static).render())
            assert line.startswith(f"the mail server 127.0.0.1:{port} refused the recipient") and "\n" not in line
        after = work.get(ref)
        assert (after.version, len(after.letters), len(after.events)) == (before.version, 0, len(before.events))
    finally:
        work.db.dispose()


async def test_send_without_a_mail_server_says_how_to_set_one_up(sqlite_work) -> None:  # type: ignore[no-untyped-def]
    ref = sqlite_work.log_request(new_request()).ref
    async with run_app(sqlite_work, size=(140, 45)) as (app, pilot):
        await push(app, pilot, LetterScreen(ref, "acknowledgement"))
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        line = str(app.screen.query_one("#letter-error", Static).render())
        assert "no mail server configured" in line and "[smtp]" in line


async def test_a_response_letter_offers_the_case_pack_and_sends_it_checked(smtp_server, sqlite_url, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from dpo_tui.services import attachments as att
    from dpo_tui.services.pack import build_pack
    from dpo_tui.tui.modals.prompts import AskScreen

    port, inbox = smtp_server()
    work = _work(sqlite_url, settings, port)
    try:
        case = work.log_request(new_request(email="ada@example.org"))
        ref = work.change_status(case.ref, "in_progress", version=case.version).ref
        data = tmp_path / "crm.csv"
        data.write_text("name,email\nAda Lovelace,ada@example.org\n", encoding="utf-8")
        att.attach(work, ref, [data], version=work.version_of(ref))
        built = build_pack(work, ref, tmp_path / "out", version=work.version_of(ref))
        stale = tmp_path / "stale.zip"
        stale.write_bytes(built.path.read_bytes() + b"\0")
        async with run_app(work, size=(140, 45)) as (app, pilot):
            await push(app, pilot, LetterScreen(ref, "response_cover"))
            screen = app.screen
            # A stale archive is refused on the screen's line; nothing is sent.
            await pilot.press("ctrl+t")
            await settle(app, pilot)
            ask = app.screen
            assert isinstance(ask, AskScreen) and built.path.name in ask.title_text
            assert ask.query_one("#answer", Input).value == ""  # the folder a pack was written to is not recorded
            ask.query_one("#answer", Input).value = str(stale)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is screen and inbox.received == []
            assert f"is not a pack recorded for {ref}" in str(screen.query_one("#letter-error", Static).render())
            # The recorded archive: named in the confirmation, attached as application/zip, passphrase nowhere.
            await pilot.press("ctrl+t")
            await settle(app, pilot)
            app.screen.query_one("#answer", Input).value = str(built.path)
            await pilot.press("enter")
            await settle(app, pilot)
            confirm = app.screen
            assert isinstance(confirm, ConfirmScreen)
            assert f"Pack: {built.path.name} (#{built.pack_id}" in str(confirm.query_one("#confirm-question", Static).render())
            await pilot.press("y")
            await settle(app, pilot)
            assert app.screen is screen and screen.saved
        [(_, _, msg)] = inbox.received
        [part] = list(msg.iter_attachments())
        assert part.get_content_type() == "application/zip"
        assert hashlib.sha256(part.get_content()).hexdigest() == built.archive_sha256
        assert built.passphrase.encode() not in msg.as_bytes()
        assert built.passphrase not in msg.get_body(("plain",)).get_content()
        event = work.get(ref).events[-1]
        assert event.kind == "letter.sent" and event.payload["pack_id"] == built.pack_id
        assert event.payload["pack_manifest_sha256"] == built.manifest_sha256
    finally:
        work.db.dispose()
