"""Issue 16: reading commands never create a database or folders; creating commands say what they created;
`db backup` creates no folder; `export -o -` prints to standard output. Through the real command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

NEW = ["new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access", "--received", "2026-11-02"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "command",
    [["cases"], ["cases", "--json"], ["show", "DSAR-2026-0001"], ["due"], ["register"], ["report"], ["audit", "verify"],
     ["letter", "DSAR-2026-0001"], ["export", "DSAR-2026-0001"], ["db", "backup", "b.db"]],
)  # fmt: skip
def test_reading_commands_create_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    out = invoke("--db", "nope/x.db", *command)
    assert out.exit_code in (1, 3), out.output  # `due` reports errors with 3, as documented
    lines = [ln for ln in out.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "nope" in lines[0] and "nothing was created" in lines[0]
    assert "No cases match" not in out.output
    assert sorted(os.listdir(tmp_path)) == []  # no folder "nope", no database, no backup
    out = invoke("--db", "here.db", *command)  # the folder exists, the database does not: still nothing
    assert "no database there" in out.output and sorted(os.listdir(tmp_path)) == []


def test_creating_commands_say_what_they_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["--db", "new-folder/sub/cases.db", *NEW, "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["ref"] == "DSAR-2026-0001"  # stdout stays the JSON alone
    assert f"created folder {tmp_path / 'new-folder'}" in out.stderr
    assert f"created database {tmp_path / 'new-folder' / 'sub' / 'cases.db'}" in out.stderr
    assert (tmp_path / "new-folder").stat().st_mode & 0o777 == 0o700
    out = CliRunner().invoke(cli, ["--db", "new-folder/sub/cases.db", *NEW])
    assert "created" not in out.stderr  # the second time, nothing new
    out = CliRunner().invoke(cli, ["--db", "up.db", "db", "upgrade"])
    assert out.exit_code == 0 and f"created database {tmp_path / 'up.db'}" in out.stderr


def test_backup_does_not_create_missing_folders(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    invoke("--db", db, *NEW)
    out = invoke("--db", db, "db", "backup", str(tmp_path / "missing" / "b.db"))
    assert out.exit_code == 1 and "does not exist; nothing was written" in out.output
    assert not (tmp_path / "missing").exists()
    out = invoke("--db", db, "db", "backup", str(tmp_path / "b.db"))
    assert out.exit_code == 0 and (tmp_path / "b.db").exists()


def test_export_to_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "c.db")
    invoke("--db", db, *NEW)
    invoke("--db", db, *NEW)
    out = invoke("--db", db, "export", "DSAR-2026-0001", "--format", "json", "-o", "-")
    assert out.exit_code == 0 and json.loads(out.output)["ref"] == "DSAR-2026-0001"
    assert not (tmp_path / "-").exists()
    out = invoke("--db", db, "export", "DSAR-2026-0001", "DSAR-2026-0002", "-o", "-")
    assert out.exit_code == 1 and "one case to standard output" in out.output and not (tmp_path / "-").exists()
