"""Fuzzing the command line (issue 13, point 3): whatever the arguments, a failure is one line on stderr with a
non-zero exit, never a traceback, and the database is exactly as it was.

In-process through click's CliRunner for speed (a few hundred examples in seconds), plus a handful of real
processes fed raw bytes (invalid UTF-8) the way a shell would. Set DPO_TUI_FUZZ_EXAMPLES to run more.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from dpo_tui.cli import cli
from dpo_tui.launch import INTERNAL_ERROR

EXAMPLES = int(os.environ.get("DPO_TUI_FUZZ_EXAMPLES", "300"))
REF = "DSAR-2026-0001"
NEW = ["new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access,erasure", "--received", "2026-11-02"]

NASTY = [
    "", " ", "\x00", "a\x00b", "\udcff", "\udcc3\udca9", "\r\nError: forged", "\x1b[2J\x1b]8;;http://evil\x07", "\u202e",
    "-", "--", "-1", "0", "1", "7", "99999999999", "-99999999999", "1e309", "nan",
    "2026-11-02", "2026-11-25", "2026-02-30", "9999-12-31", "0001-01-01", "2000-01-01", "2026-11-02:2026-11-09",
    "2026-11-09:2026-11-02", "20261102", REF, REF.lower(), "DSAR-2026-0002", "DSAR-9999-9999",
    "a" * 300, ".", "..", "x/y", "%s%n", "{{ cycler.__init__.__globals__.os.getcwd() }}", "'; DROP TABLE cases; --",
    "access", "access,erasure", "teleport", "uk-gdpr", "eu-gdpr", "ccpa", "GB", "ENG", "DE", "ZZ",
    "md", "html", "json", "csv", "txt", "email", "post", "acknowledgement", "identity_request", "refusal_notice",
    "new", "in_progress", "completed",
]  # fmt: skip
SURROGATES = [chr(c) for c in range(0xDC80, 0xDD00)]  # undecodable argv bytes, as Python hands them over
CONTROLS = [chr(c) for c in (*range(0, 32), 127, 0x85, 0x2028)]
CHARS = st.one_of(st.characters(), st.sampled_from(SURROGATES), st.sampled_from(CONTROLS))
TEXT = st.one_of(st.sampled_from(NASTY), st.text(CHARS, max_size=24))
NAME = st.text(st.one_of(st.characters(blacklist_characters="/"), st.sampled_from(SURROGATES)), min_size=1, max_size=12)
PATHS = st.one_of(
    st.sampled_from(
        ["", ".", "..", "file.md", "file.md/x.md", "folder", "link.md", "dangling.md", "n" * 300, "a\x00b.md",
         "\udcff.md", "new/sub/out.md", "out.md", "out.csv", "backup.db", "cases.db", "-"]
    ),
    NAME.map(lambda n: f"out-{n}"),
)  # fmt: skip

# command -> (fixed words, option -> value strategy or None for a flag, positional strategy)
COMMANDS: dict[str, tuple[list[str], dict[str, st.SearchStrategy[str] | None], st.SearchStrategy[list[str]]]] = {
    "new": (["new"], {"--name": TEXT, "--email": st.one_of(TEXT, st.just("a@example.org")), "--rights": TEXT,
                      "--received": TEXT, "--channel": TEXT, "--description": TEXT, "--regime": TEXT, "--json": None},
            st.just([])),
    "cases": (["cases"], {"--status": TEXT, "--overdue": None, "--due-within": TEXT, "--json": None}, st.just([])),
    "show": (["show"], {"--json": None}, st.lists(TEXT, min_size=0, max_size=2)),
    "deadline": (["deadline"], {"--regime": TEXT, "--country": TEXT, "--subdivision": TEXT, "--clock-start": TEXT,
                                "--paused": TEXT, "--extended": None, "--json": None}, st.lists(TEXT, max_size=2)),
    "letter": (["letter"], {"-o": PATHS, "--force": None, "--format": TEXT, "--save": None, "--channel": TEXT,
                            "--sent-on": TEXT}, st.lists(TEXT, max_size=3)),
    "export": (["export"], {"--format": TEXT, "-o": PATHS, "--force": None}, st.lists(TEXT, max_size=3)),
    "register": (["register"], {"--format": TEXT, "-o": PATHS, "--force": None, "--from": TEXT, "--to": TEXT}, st.just([])),
    "report": (["report"], {"--year": TEXT, "--json": None, "--format": TEXT, "-o": PATHS, "--force": None}, st.just([])),
    "due": (["due"], {"--within": TEXT, "--assignee": TEXT, "--json": None, "--brief": None}, st.just([])),
    "calendar": (["calendar"], {"-o": PATHS, "--assignee": TEXT, "--force": None}, st.just([])),
    "follow-up": (["follow-up"], {"--note": TEXT, "--done": None}, st.lists(TEXT, max_size=3)),
    "digest": (["digest"], {"--to": TEXT, "--assignee": TEXT, "--within": TEXT, "--dry-run": None}, st.just([])),
    "audit": (["audit"], {}, st.lists(st.sampled_from(["verify", "anchor", "x"]), max_size=2)),
    "db": (["db"], {"--force": None}, st.tuples(st.sampled_from(["backup", "upgrade", "secure", "x"]), PATHS).map(list)),
    "config": (["config"], {}, st.lists(st.sampled_from(["check", "x"]), max_size=1)),
}  # fmt: skip


VALID: dict[str, list[str]] = {
    "new": NEW[1:],
    "show": [REF],
    "deadline": ["2026-11-02"],
    "letter": [REF, "acknowledgement"],
    "export": [REF],
    "db": ["backup", "backup.db"],
    "audit": ["verify"],
    "calendar": ["-o", "out.ics"],
    "follow-up": [REF, "2026-12-24", "--note", "call back"],
}


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from([*COMMANDS, "junk"]))
    if kind == "junk":
        # Anything at all, but never an empty command line or only --db: that would open the TUI.
        first = draw(TEXT.filter(lambda t: t not in ("", "queue", "demo") and not t.startswith("-")))
        return [first, *draw(st.lists(TEXT, max_size=4))]
    words, options, positional = COMMANDS[kind]
    # Half the time a valid command line to start from, so that the options drawn below (click keeps the last of
    # a repeated option) reach the services and the files, not only click's parser.
    base = VALID.get(kind) if draw(st.booleans()) else None
    argv = [*words, *(base if base is not None else draw(positional))]
    for flag in draw(st.lists(st.sampled_from(sorted(options)), max_size=4)) if options else []:
        value = options[flag]
        argv += [flag] if value is None else [flag, draw(value)]
    if draw(st.booleans()):  # options and arguments in any order after the command
        argv = [argv[0], *draw(st.permutations(argv[1:]))]
    assert argv and argv[0], "an empty command line would open the TUI"
    return argv


def db_digest(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture
def playground(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "cases.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), *NEW]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(db), "letter", REF, "acknowledgement", "--save"]).exit_code == 0
    (tmp_path / "file.md").write_text("existing")
    (tmp_path / "folder").mkdir()
    (tmp_path / "victim.txt").write_text("victim")
    (tmp_path / "link.md").symlink_to(tmp_path / "victim.txt")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.txt")
    return db


FIGURES: Counter[str] = Counter()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is reproducible, never flaky
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(argv=argvs())
def test_fuzzed_command_lines_fail_in_one_line_and_change_nothing(playground: Path, argv: list[str]) -> None:
    db = playground
    before = db_digest(db)
    result = CliRunner().invoke(cli, ["--db", str(db), *argv])
    FIGURES["examples"] += 1
    # A traceback: click's runner catches the exception instead of printing it.
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
    if argv[0] == "due" and result.exit_code in (1, 2) and not result.stderr:
        FIGURES["succeeded"] += 1  # `due` reports "something due" (1) or "overdue" (2) by its exit status, by design
    elif result.exit_code == 0:
        FIGURES["succeeded"] += 1
        assert not result.stderr.startswith("Error:"), (argv, result.stderr)
    else:
        FIGURES["failed"] += 1
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (argv, result.stderr)
        assert "\r" not in result.stderr and "\x1b" not in result.stderr and "\x00" not in result.stderr, (argv, result.stderr)
        assert db_digest(db) == before, argv
    assert not list(playground.parent.rglob(".dpo-tui-*")), argv  # no temporary file survives
    assert (playground.parent / "victim.txt").read_text() == "victim", argv  # no write through a symlink


def test_fuzz_figures() -> None:
    # Runs after the fuzz test in file order; the figures go to the report with `pytest -s`.
    if FIGURES:
        print(f"\nCLI fuzz: {FIGURES['examples']} examples, {FIGURES['failed']} failed cleanly, {FIGURES['succeeded']} succeeded")


@settings(max_examples=5, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from([[b"show"], [b"new", b"--received", b"2026-11-02", b"--rights", b"access", b"--email", b"a@example.org", b"--name"], [b"cases", b"--status"], [b"letter", REF.encode(), b"acknowledgement", b"-o"]]),
    raw=st.binary(min_size=1, max_size=16).filter(lambda b: b"\x00" not in b and not b.startswith(b"-")),
)  # fmt: skip
def test_real_processes_with_raw_bytes(playground: Path, command: list[bytes], raw: bytes) -> None:
    db = playground
    before = db_digest(db)
    env = dict(os.environ, DPO_TUI_DB=str(db))
    result = subprocess.run([sys.executable, "-m", "dpo_tui", *command, raw], capture_output=True, env=env, timeout=60)
    assert b"Traceback" not in result.stderr and INTERNAL_ERROR.encode() not in result.stderr, result.stderr
    if result.returncode != 0:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(b"Error: "), result.stderr
        assert b"\r" not in result.stderr and b"\x1b" not in result.stderr
        assert db_digest(db) == before
