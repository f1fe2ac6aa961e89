"""Letters sent by email (issue 19) through a real SMTP server on 127.0.0.1: what arrives is parsed and checked;
every failure (server down, TLS, login, recipient, size) records nothing and says why in one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import make_work, new_request
from tests.mail.conftest import PASSWORD, closed_port
from dpo_tui.mail.config import SmtpSettings
from dpo_tui.mail.send import MessageTooLarge, SendFailed
from dpo_tui.services.casework import StaleCase
from dpo_tui.services.outbound import prepare_letter, send_letter, sent_messages

HOSTILE = "Eve <script>alert(1)</script> \x1b[31m*x*"
# The test server accepts a login without TLS on purpose (the login-refused case); aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
USER = "dpo@altostack.io"


def _smtp(port: int, **kw) -> SmtpSettings:  # type: ignore[no-untyped-def]
    values = dict(host="127.0.0.1", port=port, security="none", from_address="dpo@altostack.io",
                  from_name="AltoStack Data Protection", timeout=10)
    values.update(kw)
    return SmtpSettings(**values)


@pytest.fixture
def mailwork(db_url, settings):  # type: ignore[no-untyped-def]
    made = []

    def make(smtp: SmtpSettings):  # type: ignore[no-untyped-def]
        w = make_work(db_url, settings._replace(smtp=smtp))
        made.append(w)
        return w

    yield make
    for w in made:
        w.db.dispose()


def _state(work, ref):  # type: ignore[no-untyped-def]
    d = work.get(ref)
    return d.version, len(d.letters), len(d.events), sent_messages(work, ref)


def test_a_sent_letter_arrives_threaded_and_is_recorded(smtp_server, mailwork, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server(auth=(USER, PASSWORD))
    monkeypatch.setenv("DPO_TUI_SMTP_PASSWORD", PASSWORD)
    work = mailwork(_smtp(port, user=USER, keyring=False))
    ref = work.log_request(new_request(name=HOSTILE, email="ada@example.org", received=date(2026, 11, 2))).ref

    first = prepare_letter(work, ref, "acknowledgement")
    assert first.in_reply_to is None and inbox.received == []  # preparing sends nothing
    send_letter(work, first, version=first.version)
    sender, rcpts, msg = inbox.received[0]
    assert sender == "dpo@altostack.io" and rcpts == ["ada@example.org"]
    assert msg["To"] == "ada@example.org" and msg["From"] == "AltoStack Data Protection <dpo@altostack.io>"
    assert ref in msg["Subject"] and msg["Message-ID"] == first.message_id and msg["Message-ID"].endswith("@altostack.io>")
    assert msg["In-Reply-To"] is None and msg["Date"] is not None
    body = msg.get_body(("plain",)).get_content()
    assert ref in body and "<script>alert(1)</script>" in body  # plain text: shown as typed, never interpreted
    assert "\x1b" not in msg.as_string() and PASSWORD not in msg.as_string()
    assert msg.get_body(("html",)) is None  # letters go as plain text only

    detail = work.get(ref)
    assert detail.letters[-1].kind == "acknowledgement" and detail.letters[-1].channel == "email"
    assert detail.events[-1].kind == "letter.sent" and detail.events[-1].payload["message_id"] == first.message_id
    [record] = sent_messages(work, ref)
    assert record["message_id"] == first.message_id and record["sent_to"] == "ada@example.org" and record["sent_at"]

    # The next letter on the case answers the previous one: In-Reply-To and References thread it.
    second = prepare_letter(work, ref, "acknowledgement", to="agent@example.org")
    send_letter(work, second, version=second.version)
    reply = inbox.messages[1]
    assert reply["In-Reply-To"] == first.message_id and first.message_id in reply["References"]
    assert reply["Message-ID"] != first.message_id and reply["To"] == "agent@example.org"
    assert [m["in_reply_to"] for m in sent_messages(work, ref)] == [None, first.message_id]


def test_attachments_arrive_intact(smtp_server, mailwork, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    work = mailwork(_smtp(port))
    ref = work.log_request(new_request()).ref
    pack = tmp_path / "DSAR-pack.zip"
    pack.write_bytes(b"PK\x03\x04 encrypted bytes")
    letter = prepare_letter(work, ref, "acknowledgement", attachments=[pack])
    send_letter(work, letter, version=letter.version)
    [part] = list(inbox.messages[0].iter_attachments())
    assert part.get_filename() == "DSAR-pack.zip" and part.get_content() == pack.read_bytes()


def _failure(work, ref, inbox, match: str, exc=SendFailed) -> None:  # type: ignore[no-untyped-def]
    before = _state(work, ref)
    letter = prepare_letter(work, ref, "acknowledgement")
    with pytest.raises(exc, match=match) as info:
        send_letter(work, letter, version=letter.version)
    assert "\n" not in str(info.value)
    assert _state(work, ref) == before  # nothing recorded as sent
    assert inbox is None or inbox.received == []


def test_server_down_records_nothing(mailwork) -> None:  # type: ignore[no-untyped-def]
    port = closed_port()
    work = mailwork(_smtp(port))
    ref = work.log_request(new_request()).ref
    _failure(work, ref, None, f"cannot reach the mail server 127.0.0.1:{port}")


def test_login_refused_records_nothing(smtp_server, mailwork, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server(auth=(USER, PASSWORD))
    monkeypatch.setenv("DPO_TUI_SMTP_PASSWORD", "wrong")
    work = mailwork(_smtp(port, user=USER, keyring=False))
    ref = work.log_request(new_request()).ref
    _failure(work, ref, inbox, f"refused the login for {USER}: 535")


def test_recipient_refused_records_nothing(smtp_server, mailwork) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server(refuse={"ada@example.org"})
    work = mailwork(_smtp(port))
    ref = work.log_request(new_request(email="ada@example.org")).ref
    _failure(work, ref, inbox, "refused the recipient .*ada@example.org: 550")


def test_message_too_large_records_nothing(smtp_server, mailwork) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server(size_limit=300)
    work = mailwork(_smtp(port))
    ref = work.log_request(new_request()).ref
    _failure(work, ref, inbox, "too large for the mail server", MessageTooLarge)


def test_tls_failure_records_nothing_and_a_trusted_certificate_works(smtp_server, mailwork, tls_files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cert, key = tls_files
    port, inbox = smtp_server(tls=(cert, key), auth=(USER, PASSWORD))
    monkeypatch.setenv("DPO_TUI_SMTP_PASSWORD", PASSWORD)
    untrusting = mailwork(_smtp(port, security="starttls", user=USER, keyring=False))
    ref = untrusting.log_request(new_request()).ref
    _failure(untrusting, ref, inbox, "TLS with the mail server 127.0.0.1:.* failed: CERTIFICATE_VERIFY_FAILED")
    trusting = mailwork(_smtp(port, security="starttls", user=USER, keyring=False, cafile=str(cert)))
    letter = prepare_letter(trusting, ref, "acknowledgement")
    send_letter(trusting, letter, version=letter.version)
    assert [m["Message-ID"] for m in inbox.messages] == [letter.message_id]


def test_plain_server_without_starttls_is_refused_when_starttls_is_set(smtp_server, mailwork) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    work = mailwork(_smtp(port, security="starttls"))
    ref = work.log_request(new_request()).ref
    _failure(work, ref, inbox, "does not offer STARTTLS")


def test_stale_preview_sends_nothing(smtp_server, mailwork) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    work = mailwork(_smtp(port))
    ref = work.log_request(new_request()).ref
    letter = prepare_letter(work, ref, "acknowledgement")
    work.add_note(ref, "changed meanwhile", version=work.version_of(ref))
    with pytest.raises(StaleCase):
        send_letter(work, letter, version=letter.version)
    assert inbox.received == [] and sent_messages(work, ref) == []


def test_missing_password_and_configuration_say_what_to_set(mailwork, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.mail.config import MailConfigError

    monkeypatch.delenv("DPO_TUI_SMTP_PASSWORD", raising=False)
    work = mailwork(_smtp(closed_port(), user=USER, keyring=False))
    ref = work.log_request(new_request()).ref
    letter = prepare_letter(work, ref, "acknowledgement")
    with pytest.raises(MailConfigError, match="set the environment variable DPO_TUI_SMTP_PASSWORD"):
        send_letter(work, letter, version=letter.version)
    unconfigured = mailwork(None)  # type: ignore[arg-type]
    with pytest.raises(MailConfigError, match=r"add an \[smtp\] section"):
        prepare_letter(unconfigured, ref, "acknowledgement")


def test_password_from_the_system_keyring(smtp_server, mailwork, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With no environment variable, the keyring is asked (service "dpo-tui smtp HOST", the user). The keyring
    backend is replaced by a stand-in module: the point is the lookup, and the login against the real server."""
    import sys
    import types

    port, inbox = smtp_server(auth=(USER, PASSWORD))
    monkeypatch.delenv("DPO_TUI_SMTP_PASSWORD", raising=False)
    asked = []

    def get_password(service: str, user: str) -> str:
        asked.append((service, user))
        return PASSWORD

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=get_password))
    work = mailwork(_smtp(port, user=USER))
    ref = work.log_request(new_request()).ref
    letter = prepare_letter(work, ref, "acknowledgement")
    send_letter(work, letter, version=letter.version)
    assert asked == [("dpo-tui smtp 127.0.0.1", USER)] and len(inbox.messages) == 1


def test_implicit_tls(smtp_server, mailwork, tls_files) -> None:  # type: ignore[no-untyped-def]
    cert, key = tls_files
    port, inbox = smtp_server(implicit_tls=(cert, key))
    work = mailwork(_smtp(port, security="tls", cafile=str(cert)))
    ref = work.log_request(new_request()).ref
    letter = prepare_letter(work, ref, "acknowledgement")
    send_letter(work, letter, version=letter.version)
    assert [m["Message-ID"] for m in inbox.messages] == [letter.message_id]
