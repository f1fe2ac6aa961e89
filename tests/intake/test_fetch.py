"""`dpo-tui fetch` against a real IMAP server (pymap, in-memory backend) started by the test on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

from tests.support.imap_server import (
    PASSWORD, USER, client, count, deliver, free_port, implicit_tls_front, pymap_server, self_signed,
)  # fmt: skip

_free_port = free_port


@pytest.fixture
def imap_server() -> Iterator[int]:
    with pymap_server() as port:
        yield port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


def settings(tmp_path: Path, port: int, monkeypatch: pytest.MonkeyPatch, **imap: object) -> None:
    values = {"host": "127.0.0.1", "port": port, "tls": False, "user": USER, "password_env": "TEST_IMAP_PASSWORD", **imap}
    lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items())
    cfg = tmp_path / "settings.toml"
    cfg.write_text(f"[intake.imap]\n{lines}\n")
    monkeypatch.setenv("DPO_TUI_CONFIG", str(cfg))
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)


def msg(mid: str, body: str, subject: str = "Data request") -> bytes:
    return (
        f"Received: from mx.example.org by imap.altostack.io; Mon, 2 Nov 2026 09:00:05 +0000\r\n"
        f"From: Ada Lovelace <ada@example.org>\r\nSubject: {subject}\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\n"
        f"Message-ID: <{mid}>\r\n\r\n{body}\r\n"
    ).encode()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def test_fetch_imports_and_moves_processed_messages(imap_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = imap_server
    c = client(port)
    assert c.create("Processed")[0] == "OK"
    c.logout()
    settings(tmp_path, port, monkeypatch, move_to="Processed")
    deliver(port, msg("m1@x", "Please send me a copy of all the personal data you hold about me."), msg("m2@x", "Where is my parcel?"))
    db = str(tmp_path / "c.db")
    assert invoke("--db", db, "db", "upgrade").exit_code == 0  # a dry run never creates the database
    dry = invoke("--db", db, "fetch", "--dry-run", "--log-confident")
    assert dry.exit_code == 0, dry.output
    assert "(dry run: nothing saved)" in dry.output and count(port, "INBOX") == 2
    out = invoke("--db", db, "fetch", "--log-confident", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["applied"] and data["counts"]["created"] == 1 and data["counts"]["needs_triage"] == 1
    assert data["items"][0]["source"].startswith(f"imap://127.0.0.1/INBOX;UID=")
    assert count(port, "INBOX") == 0 and count(port, "Processed") == 2
    # the reply arrives by IMAP too and joins its case
    deliver(port, msg("m3@x", "Any news?", subject="Re: DSAR-2026-0001"))
    out = invoke("--db", db, "fetch")
    assert "attached  DSAR-2026-0001" in out.output and "1 attached" in out.output
    shown = json.loads(invoke("--db", db, "show", "DSAR-2026-0001", "--json").output)
    assert [l["direction"] for l in shown["letters"]] == ["in", "in"]


def test_without_move_to_messages_are_marked_read(imap_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(tmp_path, imap_server, monkeypatch)
    deliver(imap_server, msg("m1@x", "Bitte löschen Sie alle meine Daten."))
    db = str(tmp_path / "c.db")
    assert "1 need triage" in invoke("--db", db, "fetch").output
    assert "0 created, 0 attached, 0 need triage, 0 already imported" in invoke("--db", db, "fetch").output


def test_bad_message_keeps_everything_in_the_mailbox(imap_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(tmp_path, imap_server, monkeypatch, move_to="INBOX.done")
    deliver(imap_server, msg("m1@x", "copy of my data please"), b"From: x@example.org\r\nDate: someday\r\n\r\nhi\r\n")
    out = invoke("--db", str(tmp_path / "c.db"), "fetch")
    assert out.exit_code == 1 and "unparseable date 'someday'" in out.output and "nothing imported" in out.output
    assert count(imap_server, "INBOX") == 2


def test_login_refused_is_one_line(imap_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(tmp_path, imap_server, monkeypatch)
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "wrong")
    out = invoke("--db", str(tmp_path / "c.db"), "fetch")
    assert out.exit_code == 1
    assert out.output.strip() == f"Error: IMAP server 127.0.0.1:{imap_server}: login refused for 'privacy'"


def test_server_down_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()  # nothing listens there
    settings(tmp_path, port, monkeypatch)
    out = invoke("--db", str(tmp_path / "c.db"), "fetch")
    assert out.exit_code == 1
    assert out.output.strip() == f"Error: IMAP server 127.0.0.1:{port}: cannot connect (connection refused)"


def test_no_password_anywhere_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(tmp_path, _free_port(), monkeypatch)
    monkeypatch.delenv("TEST_IMAP_PASSWORD")
    out = invoke("--db", str(tmp_path / "c.db"), "fetch")
    assert out.exit_code == 1 and "no password for the IMAP user 'privacy'" in out.output and "\n" == out.output[-1]


def test_fetch_over_starttls_trusts_only_the_configured_certificate(
    certificate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = certificate
    with pymap_server(tls=(cert, key)) as port:
        deliver(port, msg("t1@x", "Please send me a copy of all the personal data you hold about me."))
        db = str(tmp_path / "c.db")
        # a certificate no trusted CA signed: refused in one line, nothing imported, the message stays unread
        settings(tmp_path, port, monkeypatch, starttls=True)
        out = invoke("--db", db, "fetch")
        assert out.exit_code == 1
        assert out.output.startswith(f"Error: IMAP server 127.0.0.1:{port}: cannot connect (TLS failed: CERTIFICATE_VERIFY_FAILED")
        assert len(out.output.strip().splitlines()) == 1
        # trusted through `cafile`: the session is encrypted and the message is taken in
        settings(tmp_path, port, monkeypatch, starttls=True, cafile=str(cert))
        out = invoke("--db", db, "fetch", "--json")
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["counts"]["needs_triage"] == 1


def test_fetch_over_implicit_tls(certificate: tuple[Path, Path], imap_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = certificate
    deliver(imap_server, msg("t2@x", "Bitte löschen Sie alle meine Daten."))
    with implicit_tls_front(imap_server, cert, key) as tls_port:
        settings(tmp_path, tls_port, monkeypatch, tls=True, cafile=str(cert))
        out = invoke("--db", str(tmp_path / "c.db"), "fetch")
        assert out.exit_code == 0, out.output
        assert "1 need triage" in out.output
        settings(tmp_path, tls_port, monkeypatch, tls=True, cafile=str(tmp_path / "missing.pem"))
        out = invoke("--db", str(tmp_path / "c.db"), "fetch")
        assert out.exit_code == 1 and "cannot read the CA certificates in cafile" in out.output
