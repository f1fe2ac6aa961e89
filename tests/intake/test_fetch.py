"""`dpo-tui fetch` against a real IMAP server (pymap, in-memory backend) started by the test on 127.0.0.1."""

from __future__ import annotations

import imaplib
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

USER, PASSWORD = "privacy", "s3cret-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def imap_server() -> Iterator[int]:
    if shutil.which("pymap") is None and not Path(sys.executable).with_name("pymap").exists():
        pytest.skip("pymap is not installed (pip install -e '.[test]')")
    port = _free_port()
    exe = shutil.which("pymap") or str(Path(sys.executable).with_name("pymap"))
    proc = subprocess.Popen(
        [exe, "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        # Ready when it accepts a connection. Waiting on the process (not sleeping) also notices a server that died.
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                try:
                    proc.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    continue
                raise RuntimeError(f"pymap exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        else:
            raise RuntimeError("pymap did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def client(port: int) -> imaplib.IMAP4:
    c = imaplib.IMAP4("127.0.0.1", port)
    c.login(USER, PASSWORD)
    return c


def deliver(port: int, *messages: bytes) -> None:
    c = client(port)
    for m in messages:
        assert c.append("INBOX", None, None, m)[0] == "OK"
    c.logout()


def count(port: int, folder: str) -> int:
    c = client(port)
    typ, data = c.select(f'"{folder}"')
    n = int(data[0]) if typ == "OK" else -1
    c.logout()
    return n


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
