"""The CLI as a user runs it: clear one-line errors, nothing changed on bad input, private files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

NEW = ["new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access,erasure", "--received", "2026-11-02"]


def run(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if db is not None:
        env["DPO_TUI_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "dpo_tui", *args], capture_output=True, text=True, env=env, timeout=60)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_new_prints_reference_and_json_schema(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    out = invoke("--db", db, *NEW)
    assert out.exit_code == 0 and out.stdout.strip() == "DSAR-2026-0001"
    assert out.stderr.startswith("created database ")  # the first request created it, and says so
    out = invoke(*NEW, "--json", "--db", db)  # --db accepted after the command too
    data = json.loads(out.output)
    assert data["schema"] == "dpo-tui/case/1" and data["ref"] == "DSAR-2026-0002"
    assert data["rights"] == ["access", "erasure"] and data["deadline"]["due"]
    assert data["deadline"]["explanation"]


def test_cases_and_show(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    invoke("--db", db, *NEW)
    listed = json.loads(invoke("--db", db, "cases", "--json").output)
    assert [c["ref"] for c in listed] == ["DSAR-2026-0001"]
    shown = invoke("--db", db, "show", "DSAR-2026-0001").output
    assert "How the due date was computed" in shown


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--rights", "access,teleport"], "unknown right 'teleport'"),
        (["--received", "2026-13-01"], "not a date"),
        (["--received", "2999-01-01"], "in the future"),
        (["--name", "", "--email", ""], "name"),
    ],
)
def test_bad_input_one_line_nonzero_nothing_changed(tmp_path: Path, args: list[str], needle: str) -> None:
    db = tmp_path / "c.db"
    base = dict(zip(NEW[1::2], NEW[2::2]))
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    argv = ["new", *[x for kv in base.items() for x in kv]]
    result = run(*argv, db=db)
    assert result.returncode != 0
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    listed = run("cases", "--json", db=db)
    assert json.loads(listed.stdout or "[]") == []


def test_file_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    result = run("cases", db=bogus)
    assert result.returncode == 1 and "not a dpo-tui database" in result.stderr
    assert bogus.read_text() == "hello"


def test_unreachable_postgres() -> None:
    result = run("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "cases")
    assert result.returncode == 1 and "cannot open" in result.stderr and "Traceback" not in result.stderr


def test_database_from_newer_version(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert run(*NEW, db=db).returncode == 0
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run("cases", db=db)
    assert result.returncode == 1 and "newer dpo-tui" in result.stderr


def test_database_and_folder_are_owner_only(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"))
    subprocess.run([sys.executable, "-m", "dpo_tui", *NEW], env=env, check=True, capture_output=True)
    db = tmp_path / "xdg" / "dpo-tui" / "cases.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_backup_is_consistent_and_private(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run(*NEW, db=db)
    out = run("db", "backup", str(tmp_path / "copy.db"), db=db)
    assert out.returncode == 0, out.stderr
    copy = tmp_path / "copy.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    listed = run("cases", "--json", db=copy)
    assert [c["ref"] for c in json.loads(listed.stdout)] == ["DSAR-2026-0001"]


def test_audit_verify_exit_codes(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run(*NEW, db=db)
    ok = run("audit", "verify", db=db)
    assert ok.returncode == 0 and "intact" in ok.stdout
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_events SET actor = 'mallory'")
    bad = run("audit", "verify", db=db)
    assert bad.returncode == 1 and "event #1" in bad.stderr


def test_invalid_settings_name_key_and_line(tmp_path: Path) -> None:
    cfg = tmp_path / "settings.toml"
    cfg.write_text('[user]\ndisplay_name = "Sam"\n\n[policy]\nretention_years = "two"\n')
    result = subprocess.run(
        [sys.executable, "-m", "dpo_tui", "cases"], env=dict(os.environ, DPO_TUI_CONFIG=str(cfg)), capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"{cfg}:5: policy.retention_years" in result.stderr and "Traceback" not in result.stderr


def test_version_and_help_list_every_command() -> None:
    assert invoke("--version").output.startswith("dpo-tui, version")
    out = invoke("--help").output
    for name in ("new", "cases", "show", "deadline", "audit", "db", "config", "demo"):
        assert f"  {name}" in out
