"""Issue 13, points 3-5: every failure is one line on stderr, a non-zero exit and no change; output files are safe;
user templates run in a sandbox. One test per row of the issue's table, plus the neighbours of each."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dpo_tui.cli import cli
from dpo_tui.launch import INTERNAL_ERROR, NO_TERMINAL

NEW = ["new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access,erasure", "--received", "2026-11-02"]
REF = "DSAR-2026-0001"


def db_digest(db: Path) -> str:
    """Every row of every table: equal digests mean the command changed nothing."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def assert_one_line_failure(result: Result, needle: str = "", code: int | None = None) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0 if code is None else result.exit_code == code
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cases.db"
    assert invoke(path, *NEW).exit_code == 0
    return path


@pytest.mark.parametrize(
    "args, needle, code",
    [
        (["cases", "--due-within", "99999999999"], "not in the range", 2),
        (["deadline", "9999-12-31", "--extended"], "too far in the future", 1),
        (["deadline", "2026-01-01", "--clock-start", "9999-12-31"], "too far in the future", 1),
        (["cases", "--status", "X\r\nError: forged"], "'X\\x0d\\x0aError: forged'", 1),
        (["show", "\udcff\x00"], "no case", 1),
        (["new", "--name", "Ada\x00", "--email", "a@example.org", "--rights", "access", "--received", "2026-11-02"], "name: contains a NUL", 1),
        (["new", "--name", "Ada\udcff", "--email", "a@example.org", "--rights", "access", "--received", "2026-11-02"], "name: contains bytes that are not valid UTF-8", 1),
        (["cases", "--bogus"], "No such option", 2),
        (["new", "--name", "x"], "Missing option", 2),
        (["--bogus"], "No such option", 2),
        (["letter", REF, "acknowledgement", "-o", ""], "output path is empty", 1),
        (["letter", REF, "acknowledgement", "-o", "cases.db/x.md"], "not a folder", 1),
        (["letter", REF, "acknowledgement", "-o", "n" * 300], "too long", 1),
        (["letter", REF, "acknowledgement", "-o", "a\x00b"], "NUL", 1),
        (["letter", REF, "acknowledgement", "-o", "."], "is a folder", 1),
        (["letter", REF, "acknowledgement", "--save", "-o", "cases.db/x.md"], "not a folder", 1),
        (["letter", REF, "acknowledgement", "--save", "--sent-on", "2030-01-01", "-o", "new/letter.md"], "in the future", 1),
        (["export", REF, "-o", "cases.db"], "not a folder", 1),
        (["export", REF, "-o", ""], "output folder is empty", 1),
        (["register", "-o", "."], "is a folder", 1),
        (["register", "-o", "cases.db/r.csv"], "not a folder", 1),
        (["db", "backup", ""], "output path is empty", 1),
        (["db", "backup", "cases.db"], "already exists; use --force", 1),
        (["db", "backup", "cases.db", "--force"], "is the case database", 1),
        (["letter", REF, "acknowledgement", "-o", "cases.db", "--force"], "is the case database", 1),
        (["register", "-o", "cases.db-wal", "--force"], "is the case database", 1),
        (["--db", "\x00", "cases"], "not a database path", 1),
        (["due", "--within", "99999999999"], "too far ahead", 3),
        (["follow-up", REF, "9999-12-31", "--note", "x"], "more than ten years ahead", 1),
        (["calendar", "-o", "cases.db", "--force"], "is the case database", 1),
        (["report", "-o", "."], "is a folder", 1),
        (["--db", "postgresql://h:abc/x", "cases"], "not a database path or URL", 1),
    ],
)
def test_failure_is_one_line_and_changes_nothing(db: Path, args: list[str], needle: str, code: int) -> None:
    before = db_digest(db)
    files_before = sorted(str(p) for p in db.parent.rglob("*"))
    assert_one_line_failure(invoke(db, *args), needle, code)
    assert db_digest(db) == before
    assert sorted(str(p) for p in db.parent.rglob("*")) == files_before  # no temp file, no folder left


def test_letter_save_to_a_bad_path_saves_nothing(db: Path) -> None:
    (db.parent / "existing_file").write_text("x")
    before = db_digest(db)
    assert_one_line_failure(invoke(db, "letter", REF, "acknowledgement", "--save", "-o", "existing_file/x.md"))
    assert db_digest(db) == before
    ok = invoke(db, "letter", REF, "acknowledgement", "--save", "-o", "letters/ack.md")
    assert ok.exit_code == 0, ok.output
    assert stat.S_IMODE((db.parent / "letters" / "ack.md").stat().st_mode) == 0o600
    assert stat.S_IMODE((db.parent / "letters").stat().st_mode) == 0o700
    assert "letter.saved" in invoke(db, "show", REF, "--json").stdout


@pytest.mark.parametrize(
    "args, name",
    [
        (["letter", REF, "acknowledgement", "-o"], "out.md"),
        (["register", "-o"], "out.csv"),
        (["db", "backup"], "out.db"),
    ],
)
def test_existing_files_and_symlinks_are_never_overwritten(db: Path, args: list[str], name: str) -> None:
    target = db.parent / name
    target.write_text("keep")
    assert_one_line_failure(invoke(db, *args, name), "already exists; use --force")
    assert target.read_text() == "keep"
    victim = db.parent / "victim.txt"
    victim.write_text("victim")
    os.chmod(victim, 0o644)
    link = db.parent / f"link-{name}"
    link.symlink_to(victim)
    for force in ([], ["--force"]):
        assert_one_line_failure(invoke(db, *args, link.name, *force), "symbolic link")
    assert victim.read_text() == "victim" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    ok = invoke(db, *args, name, "--force")
    assert ok.exit_code == 0, ok.output
    assert target.read_bytes() != b"keep" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_refuses_existing_files_unless_forced(db: Path) -> None:
    first = invoke(db, "export", REF, "-o", "out")
    assert first.exit_code == 0
    written = db.parent / "out" / f"{REF}.md"
    written.write_text("edited by hand")
    assert_one_line_failure(invoke(db, "export", REF, "-o", "out"), "already exists; use --force")
    assert written.read_text() == "edited by hand"
    assert invoke(db, "export", REF, "-o", "out", "--force").exit_code == 0
    assert written.read_text().startswith("# Case summary")


def test_user_template_runs_in_a_sandbox(db: Path) -> None:
    letters = Path(os.environ["DPO_TUI_CONFIG"]).parent / "letters"
    letters.mkdir(parents=True)
    (letters / "acknowledgement.md.j2").write_text("Subject: x\n\n{{ cycler.__init__.__globals__.os.getcwd() }}\n")
    before = db_digest(db)
    line = assert_one_line_failure(invoke(db, "letter", REF, "acknowledgement", "--save"), "unsafe")
    assert str(db.parent) not in line  # the call never ran
    assert db_digest(db) == before
    check = CliRunner().invoke(cli, ["config", "check"])
    assert check.exit_code == 1
    assert f"{letters / 'acknowledgement.md.j2'}: access to attribute '__init__'" in check.stderr


def test_config_check_reports_every_problem(tmp_path: Path) -> None:
    config = Path(os.environ["DPO_TUI_CONFIG"])
    config.parent.mkdir(parents=True)
    config.write_bytes(b'[user]\ndisplay_name = "\xff"\n')
    regimes = config.parent / "regimes"
    regimes.mkdir()
    shipped = (Path(__file__).parents[2] / "dpo_tui" / "domain" / "regimes" / "uk-gdpr.toml").read_text()
    (regimes / "huge.toml").write_text(shipped.replace('key = "uk-gdpr"', 'key = "huge"').replace("length = 1\n", "length = 100000000\n", 1))
    (regimes / "broken.toml").write_text("key = ")
    result = CliRunner().invoke(cli, ["config", "check"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any("settings.toml: not UTF-8 text" in line for line in lines)
    assert any("huge.toml: period.length: must be at most 120, not 100000000" in line for line in lines)
    assert any("broken.toml: not valid TOML" in line for line in lines)
    assert lines[-1] == "Error: 3 problem(s) found"
    # Loading refuses the absurd profile too (one line), rather than overflowing a date.
    config.unlink()
    (regimes / "broken.toml").unlink()
    assert_one_line_failure(CliRunner().invoke(cli, ["deadline", "2026-01-01", "--regime", "huge"]), "must be at most 120")


@pytest.mark.parametrize("content", [b"\xff\xfe[user]", None])
def test_unreadable_settings_are_one_line(db: Path, content: bytes | None) -> None:
    config = Path(os.environ["DPO_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        config.mkdir()  # a folder where the file should be: unreadable as a file, even for root
    else:
        config.write_bytes(content)
    assert_one_line_failure(invoke(db, "cases"), str(config))


def _chattr(flag: str, path: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database_is_one_line_and_unchanged(db: Path, what: str) -> None:
    # chmod does not stop root (these tests may run as root); an immutable file or folder stops everyone.
    target = db if what == "file" else db.parent
    before = db_digest(db)
    if os.geteuid() != 0:
        os.chmod(target, 0o500 if what == "folder" else 0o400)
    elif not _chattr("+i", target):
        pytest.skip("needs chattr +i (root on a file system with attributes) or a non-root user")
    try:
        listed = invoke(db, "cases")  # reading works, or fails in one line (WAL needs its -shm file)
        assert listed.exit_code == 0 or assert_one_line_failure(listed)
        assert_one_line_failure(invoke(db, *NEW))
        assert_one_line_failure(invoke(db, "letter", REF, "acknowledgement", "--save"))
    finally:
        if os.geteuid() == 0:
            _chattr("-i", target)
        os.chmod(target, 0o700 if what == "folder" else 0o600)
    assert db_digest(db) == before


def test_loose_database_is_reported_and_db_secure_tightens_it(db: Path) -> None:
    os.chmod(db, 0o644)
    result = invoke(db, "cases")
    assert result.exit_code == 0
    assert result.stderr.count("\n") == 1 and "can be read by others (mode 0644)" in result.stderr
    assert "dpo-tui db secure" in result.stderr
    assert_one_line_failure(invoke(db, "show", "DSAR-2026-9999"), "no case")  # a failure stays one line
    secured = invoke(db, "db", "secure")
    assert secured.exit_code == 0 and "made owner-only" in secured.stdout
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert invoke(db, "cases").stderr == ""
    assert "secure" in CliRunner().invoke(cli, ["--help"]).stdout
    assert_one_line_failure(CliRunner().invoke(cli, ["--db", "postgresql://x@127.0.0.1:1/y", "db", "secure"]), "SQLite")


def _run(*args: str | bytes, db: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, DPO_TUI_DB=str(db))
    return subprocess.run([sys.executable, "-m", "dpo_tui", *args], capture_output=True, env=env, timeout=60)


@pytest.mark.parametrize(
    "args",
    [
        [b"show", b"\xff\xfe"],
        [b"new", b"--name", b"\xffAda", b"--email", b"a@example.org", b"--rights", b"access", b"--received", b"2026-11-02"],
        [b"letter", REF.encode(), b"acknowledgement", b"-o", b"\xff/\xfe" + b"x" * 300],
        [b"cases", b"--due-within", b"99999999999"],
        [b"deadline", b"9999-12-31", b"--extended"],
        [b"cases", b"--status", b"\x1b[2J\r\nError: forged"],
    ],
)
def test_real_process_with_raw_bytes(db: Path, args: list[bytes]) -> None:
    before = db_digest(db)
    result = _run(*args, db=db)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(b"Error: ") and b"Traceback" not in result.stderr, result.stderr
    assert INTERNAL_ERROR.encode() not in result.stderr
    assert b"\x1b" not in result.stderr and b"\r" not in result.stderr
    assert db_digest(db) == before


def test_a_bug_is_still_one_line_without_a_traceback(db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import dpo_tui.cli.casework as casework_cmd
    from dpo_tui.launch import main

    def bug(*_args: object) -> None:
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr(casework_cmd, "open_casework", bug)
    monkeypatch.delenv("DPO_TUI_DEBUG", raising=False)
    assert main(["--db", str(db), "cases"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and INTERNAL_ERROR in err and "a bug\\x0awith a second line" in err
    monkeypatch.setenv("DPO_TUI_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["--db", str(db), "cases"])


def test_without_a_terminal_the_queue_says_so_and_the_demo_does_not_open_it(db: Path, tmp_path: Path) -> None:
    """Run from a script, a pipe or cron: no escape codes written into the log, no wait for keys that never come."""
    queue = subprocess.run([sys.executable, "-m", "dpo_tui", "--db", str(db)], capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
    assert queue.returncode == 1
    assert queue.stderr.decode().splitlines() == [f"Error: {NO_TERMINAL}"] and queue.stdout == b""
    demo_db = tmp_path / "demo.db"
    demo = subprocess.run(
        [sys.executable, "-m", "dpo_tui", "--db", str(demo_db), "demo", "--cases", "5"],
        capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert demo.returncode == 0 and b"\x1b" not in demo.stderr + demo.stdout
    assert demo.stderr.decode().splitlines()[-1] == f"not opening the queue: no terminal here; open it in one with: dpo-tui --db {demo_db}"
