"""Intake parsers: one message in, plain data or one line of bad input out."""

from __future__ import annotations

import mailbox
import tracemalloc
from datetime import date, datetime, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from dpo_tui.intake.config import COUNTRY_ZONES, IntakeSettings, IntakeSettingsError, parse_intake
from dpo_tui.intake.mail import parse_email
from dpo_tui.intake.model import BadInput, IncomingMessage
from dpo_tui.intake.sources import iter_items

CFG = IntakeSettings()


def mail(body: str = "Please send me a copy of my personal data.", **headers: str) -> bytes:
    base = {
        "From": "Ada Lovelace <ada@example.org>",
        "To": "privacy@altostack.io",
        "Subject": "Subject access request",
        "Date": "Mon, 2 Nov 2026 09:00:00 +0000",
        "Message-ID": "<req-1@example.org>",
    }
    base.update(headers)
    head = "".join(f"{k}: {v}\n" for k, v in base.items() if v)
    return (head + "\n" + body + "\n").encode()


def ok(raw: bytes, **kw) -> IncomingMessage:  # type: ignore[no-untyped-def]
    item = parse_email(raw, "t.eml", CFG, **kw)
    assert isinstance(item, IncomingMessage), item
    return item


def bad(raw: bytes, **kw) -> str:  # type: ignore[no-untyped-def]
    item = parse_email(raw, "t.eml", CFG, **kw)
    assert isinstance(item, BadInput), item
    line = item.describe()
    assert "\n" not in line and line.startswith("t.eml")
    return line


def test_basic_fields() -> None:
    m = ok(mail())
    assert (m.requester_name, m.requester_email) == ("Ada Lovelace", "ada@example.org")
    assert m.subject == "Subject access request" and m.message_id == "req-1@example.org"
    assert m.received == date(2026, 11, 2) and m.received_basis == "date_header"
    assert m.dedup_key == "mid:req-1@example.org"


def test_day_of_receipt_is_the_receiving_servers_in_the_organisations_zone() -> None:
    # Sent late on 31 Jan in California, received by our server at 07:30 UTC on 1 Feb: in London that is 1 Feb.
    raw = mail(Received="from mx.example.org by mx.altostack.io; Sun, 1 Feb 2026 07:30:00 +0000", Date="Sat, 31 Jan 2026 23:29:00 -0800")
    m = ok(raw)
    assert m.received == date(2026, 2, 1) and m.received_basis == "received_header"
    berlin = parse_email(mail(Received="by mx; Sat, 31 Jan 2026 23:30:00 +0000"), "t", parse_intake({"timezone": "Europe/Berlin"}))
    assert isinstance(berlin, IncomingMessage) and berlin.received == date(2026, 2, 1)
    london = ok(mail(Received="by mx; Sat, 31 Jan 2026 23:30:00 +0000"))
    assert london.received == date(2026, 1, 31)


def test_file_time_fallback_is_flagged() -> None:
    m = ok(mail(Date=""), file_time=datetime(2026, 3, 4, 12, tzinfo=timezone.utc))
    assert m.received == date(2026, 3, 4) and m.received_basis == "file_time" and "dated_by_file_time" in m.flags


def test_reply_to_and_third_party() -> None:
    m = ok(mail(**{"Reply-To": "Ada Home <ada@home.example>"}))
    assert m.requester_email == "ada@home.example" and "reply_to_differs" in m.flags
    body = "I write on behalf of my mother, Mary Smith (mary.smith@example.net), and ask for a copy of her data."
    m = ok(mail(body, From="Solicitor <law@firm.example>"))
    assert m.third_party and m.on_behalf_email == "mary.smith@example.net" and m.requester_email == "mary.smith@example.net"
    assert "third_party_needs_authority" in m.flags


def test_html_only_quoted_and_signature_are_separated() -> None:
    msg = EmailMessage()
    msg["From"] = "x@example.org"
    msg["Date"] = "Mon, 2 Nov 2026 09:00:00 +0000"
    msg.set_content("<p>Please <b>delete</b> my data [now].</p><script>alert(1)</script>", subtype="html")
    m = ok(bytes(msg))
    assert "delete" in m.text and "alert" not in m.text and "html_only" in m.flags
    m = ok(mail("Where is my data?\n\n-- \nAda\n\nOn Mon, 1 Nov 2026, DPO <dpo@altostack.io> wrote:\n> We need ID"))
    assert m.text == "Where is my data?" and m.signature.startswith("--")
    m = ok(mail("Thanks.\n\nAm 1.11.2026 schrieb DPO <dpo@x.de>:\n> Bitte Ausweis"))
    assert m.text == "Thanks." and m.quoted.startswith("Am 1.11.2026")


def test_attachments_listed_and_size_limit() -> None:
    msg = EmailMessage()
    msg["From"] = "x@example.org"
    msg["Date"] = "Mon, 2 Nov 2026 09:00:00 +0000"
    msg.set_content("my passport scan is attached")
    msg.add_attachment(b"%PDF-1.4 " + b"x" * 1000, maintype="application", subtype="pdf", filename="passport.pdf")
    m = ok(bytes(msg))
    assert [(a.name, a.media_type, a.size) for a in m.attachments] == [("passport.pdf", "application/pdf", 1009)]
    small = parse_intake({"max_attachment_mb": 1})
    msg2 = EmailMessage()
    msg2["From"] = "x@example.org"
    msg2["Date"] = "Mon, 2 Nov 2026 09:00:00 +0000"
    msg2.set_content("big")
    msg2.add_attachment(b"\x00" * (1024 * 1024 + 1), maintype="application", subtype="octet-stream", filename="big.bin")
    item = parse_email(bytes(msg2), "big.eml", small)
    assert isinstance(item, BadInput) and "over the 1 MB limit" in item.reason


@pytest.mark.parametrize(
    ("raw", "expect"),
    [
        (b"%PDF-1.4\x00\x01\x02", "not an email"),
        (b"just some text\nwith lines\n", "not an email"),
        (b"From: a@b.example\nDate: yesterday\n\nhi", "unparseable date"),
        (b"From: a@b.example\nSubject: =?x-klingon?q?abc?=\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n\nhi", "unknown charset 'x-klingon'"),
        (b"From: a@b.example\nSubject: \xff\xfe\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n\nhi", "undecodable Subject header"),
        (b"From: a@b.example\nDate: Mon, 2 Nov 2026 09:00:00 +0000\nContent-Type: text/plain; charset=x-foo\n\nhi", "unknown charset 'x-foo'"),
        (b"From: a@b.example\nDate: Mon, 2 Nov 2026 09:00:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nhi\n", "broken MIME"),
        (b"From: nobody\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n\nhi", "no sender address"),
    ],
)
def test_bad_input_is_one_line(raw: bytes, expect: str) -> None:
    assert expect in bad(raw)


def test_mbox_maildir_and_eml_sources(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "in.mbox")
    box.add(mail("From the start: a line that looks like a separator\nFrom here on", **{"Message-ID": "<a@x>"}))
    box.add(b"not a message at all")
    box.add(mail(**{"Message-ID": "<b@x>"}))
    box.close()
    md = mailbox.Maildir(tmp_path / "md")
    md.add(mail(**{"Message-ID": "<c@x>"}))
    md.close()
    (tmp_path / "one.eml").write_bytes(mail(**{"Message-ID": "<d@x>"}))
    items = list(iter_items([tmp_path / "in.mbox", tmp_path / "md", tmp_path / "one.eml", tmp_path / "missing.eml"], CFG))
    kinds = [(type(i).__name__, getattr(i, "message_id", None) or getattr(i, "reason", "")) for i in items]
    assert kinds[0] == ("IncomingMessage", "a@x")
    assert "From here on" in items[0].text  # type: ignore[union-attr]
    assert kinds[1][0] == "BadInput"
    lines = (tmp_path / "in.mbox").read_bytes().split(b"\n")
    assert lines[items[1].line - 1].startswith(b"From ")  # type: ignore[union-attr,operator]  # the line names the separator
    assert lines[items[1].line].startswith(b"not a message")  # type: ignore[union-attr]
    assert kinds[2:4] == [("IncomingMessage", "b@x"), ("IncomingMessage", "c@x")]
    assert kinds[4] == ("IncomingMessage", "d@x") and kinds[5] == ("BadInput", "no such file or folder")
    not_mbox = tmp_path / "x.mbox"
    not_mbox.write_bytes(b"hello\n")
    assert isinstance(next(iter_items([not_mbox], CFG)), BadInput)


def test_web_form_csv_and_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "form.csv"
    csv_file.write_text(
        "name,email,submitted_at,message,request_type,on_behalf_of\n"
        "Ada,ada@example.org,2026-11-02T23:30:00Z,Delete my account,erasure,\n"
        "Bob,bob@example.org,02/11/2026,hello,,\n"
        "Cy,not-an-email,2026-11-02,hello,,\n"
    )
    items = list(iter_items([csv_file], CFG))
    assert isinstance(items[0], IncomingMessage) and items[0].received == date(2026, 11, 2) and items[0].form_rights == "erasure"
    assert items[0].channel == "web" and items[0].media_type == "application/json"
    assert isinstance(items[1], BadInput) and items[1].describe() == f"{csv_file}:3: bad date '02/11/2026' (expected ISO 8601, e.g. 2026-11-02T09:30:00Z)"
    assert isinstance(items[2], BadInput) and items[2].line == 4
    missing = tmp_path / "m.csv"
    missing.write_text("name,submitted_at,message\nA,2026-11-02,x\n")
    (only,) = list(iter_items([missing], CFG))
    assert isinstance(only, BadInput) and "missing column 'email'" in only.describe() and only.line == 1
    js = tmp_path / "form.json"
    js.write_text('[{"name": "Di", "email": "di@example.org", "submitted_at": "2026-11-01", "message": "copy please", "on_behalf_of": "Ed Jones"}]')
    (item,) = list(iter_items([js], CFG))
    assert isinstance(item, IncomingMessage) and item.third_party and item.requester_name == "Ed Jones"


def test_settings_refuse_a_password_and_unknown_zone() -> None:
    with pytest.raises(IntakeSettingsError, match="never put a password"):
        parse_intake({"imap": {"host": "h", "password": "x"}})
    with pytest.raises(IntakeSettingsError, match="unknown time zone"):
        parse_intake({"timezone": "Mars/Olympus"})


def test_mbox_is_read_in_constant_memory(tmp_path: Path) -> None:
    """Peak memory while streaming does not grow with the number of messages."""

    def peak(n: int) -> int:
        path = tmp_path / f"{n}.mbox"
        with path.open("wb") as fh:
            for i in range(n):
                fh.write(b"From x@example.org Mon Nov  2 09:00:00 2026\n" + mail("x" * 2000, **{"Message-ID": f"<{i}@x>"}) + b"\n")
        tracemalloc.start()
        count = sum(1 for _ in iter_items([path], CFG))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(100), peak(800)
    assert large < small * 2, (small, large)


def test_a_file_named_msg_that_is_not_outlook_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "x.msg"
    f.write_bytes(b"From: a@b.example\n\nnot an OLE file")
    (item,) = list(iter_items([f], CFG))
    assert isinstance(item, BadInput) and item.describe().startswith(f"{f}: not an Outlook .msg file")


def test_time_zone_defaults_to_the_organisations_country() -> None:
    assert parse_intake(None, "DE").timezone == "Europe/Berlin"
    assert parse_intake({"max_attachment_mb": 5}, "US", "CA").timezone == "America/Los_Angeles"
    assert parse_intake({"timezone": "Europe/Paris"}, "DE").timezone == "Europe/Paris"
    assert parse_intake(None).timezone == "Europe/London"


@pytest.mark.parametrize("zone", sorted(set(COUNTRY_ZONES.values())))
def test_every_default_zone_loads(zone: str) -> None:
    # parse_intake trusts these names without loading them (zoneinfo's import is on the way to the first paint).
    assert IntakeSettings(timezone=zone).zone.key == zone


def test_intake_settings_errors_carry_the_key_and_the_message() -> None:
    """The settings loader names the file line of the key from `key`, not by parsing the message back."""
    with pytest.raises(IntakeSettingsError) as raised:
        parse_intake({"imap": {"host": "imap.example.org", "port": "nine"}})
    assert (raised.value.key, raised.value.message) == ("intake.imap.port", "must be a whole number of 0 or more")
    assert str(raised.value) == "intake.imap.port: must be a whole number of 0 or more"
