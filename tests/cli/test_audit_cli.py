"""`audit verify`, `audit anchor`, `audit verify --anchor` and the anchor in every export and the report, as a
DPO runs them: one line out, one line on failure, exit status."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

NEW = ["new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access", "--received", "2026-11-02"]
ANCHOR = re.compile(r"^\d+:[0-9a-f]{64}$")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "c.db")
    for _ in range(3):
        assert invoke("--db", path, *NEW).exit_code == 0
    return path


def _sql(db: str, statement: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement)


def test_anchor_prints_seq_colon_hash_and_verify_accepts_it(db: str) -> None:
    out = invoke("--db", db, "audit", "anchor")
    anchor = out.output.strip()
    assert out.exit_code == 0 and ANCHOR.match(anchor) and anchor.startswith("3:")
    invoke("--db", db, *NEW)
    ok = invoke("--db", db, "audit", "verify", "--anchor", anchor)
    assert ok.exit_code == 0 and "4 events" in ok.output and "anchor #3" in ok.output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET purged = 1, payload = 'forged' WHERE seq = 2",
        "UPDATE audit_events SET case_id = 7 WHERE seq = 2",
        "UPDATE audit_events SET case_id = 1 WHERE seq = 2",
    ],
)
def test_forged_purge_or_moved_event_fails_verify_naming_it(db: str, statement: str) -> None:
    _sql(db, statement)
    out = CliRunner().invoke(cli, ["--db", db, "audit", "verify"])
    lines = out.output.strip().splitlines()
    assert out.exit_code == 1 and len(lines) == 1 and "event #2" in lines[0] and "Traceback" not in out.output
    export = CliRunner().invoke(cli, ["--db", db, "export", "DSAR-2026-0002", "-o", str(Path(db).parent / "x")])
    md = (Path(db).parent / "x" / "DSAR-2026-0002.md").read_text()
    assert export.exit_code == 0 and "NOT VERIFIED" in md and "forged" not in md
    # the moved event does not appear on the other case's timeline either
    shown = json.loads(invoke("--db", db, "show", "DSAR-2026-0001", "--json").output)
    assert [e["seq"] for e in shown["events"]] == [1]


def test_lost_tail_is_seen_only_with_the_anchor(db: str) -> None:
    anchor = invoke("--db", db, "audit", "anchor").output.strip()
    with sqlite3.connect(db) as conn:
        prev = conn.execute("SELECT hash FROM audit_events WHERE seq = 2").fetchone()[0]
        conn.execute("DELETE FROM audit_events WHERE seq = 3")
        conn.execute("UPDATE audit_head SET seq = 2, hash = ?", (prev,))
    assert invoke("--db", db, "audit", "verify").exit_code == 0
    out = CliRunner().invoke(cli, ["--db", db, "audit", "verify", "--anchor", anchor])
    assert out.exit_code == 1 and "anchor records #3" in out.output and len(out.output.strip().splitlines()) == 1


def test_malformed_anchor_is_one_line(db: str) -> None:
    out = CliRunner().invoke(cli, ["--db", db, "audit", "verify", "--anchor", "three:abc"])
    assert out.exit_code == 1 and "SEQ:HASH" in out.output and len(out.output.strip().splitlines()) == 1


def test_anchor_refused_on_a_broken_trail(db: str) -> None:
    _sql(db, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    out = CliRunner().invoke(cli, ["--db", db, "audit", "anchor"])
    assert out.exit_code == 1 and "no anchor printed" in out.output and not ANCHOR.search(out.output)


def test_every_export_and_the_report_print_the_anchor(db: str, tmp_path: Path) -> None:
    anchor = invoke("--db", db, "audit", "anchor").output.strip()
    for fmt in ("md", "html", "json"):
        assert invoke("--db", db, "export", "DSAR-2026-0001", "--format", fmt, "-o", str(tmp_path / fmt)).exit_code == 0
        text = (tmp_path / fmt / f"DSAR-2026-0001.{fmt}").read_text()
        assert anchor in text, fmt
        if fmt == "json":
            assert json.loads(text)["audit_verification"]["anchor"] == anchor
    assert f"Audit anchor (chain head): {anchor}" in invoke("--db", db, "report").output
    assert json.loads(invoke("--db", db, "report", "--json").output)["audit_anchor"] == anchor
    assert f"Audit anchor (chain head): {anchor}" in invoke("--db", db, "report", "--format", "html").output


def test_verify_shows_progress_on_a_terminal_only(db: str) -> None:
    """stderr a terminal: a progress bar with events done of total (cleared before the result); stderr a pipe:
    nothing but the result."""
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "DPO_TUI_DB": db}
    command = [sys.executable, "-m", "dpo_tui", "audit", "verify"]
    master, slave = pty.openpty()
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=slave, env=env, text=True, timeout=60)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed and everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert done.returncode == 0 and "3 events" in done.stdout
    assert b"verifying audit trail" in shown and b"3/3" in shown and b"100%" in shown
    assert shown.rstrip().endswith(b"\x1b[2K")  # the bar is erased: the result stands alone
    piped = subprocess.run(command, capture_output=True, env=env, text=True, timeout=60)
    assert piped.returncode == 0 and piped.stderr == ""
