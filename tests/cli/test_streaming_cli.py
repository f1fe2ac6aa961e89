"""Listing commands stream (constant memory at any size) and print exactly what the whole-list code printed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli

NEW = ["new", "--email", "x@example.org", "--rights", "access,erasure"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cases_json_is_the_indented_array_of_before(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    invoke("--db", db, "db", "upgrade")  # reading commands create no database
    assert invoke("--db", db, "cases", "--json").output == "[]\n"
    names = ['Zoë "Quote" \\ Back', "Ada\nLovelace", "Plain Name"]
    for day, name in zip((2, 3, 4), names):
        assert invoke("--db", db, *NEW, "--name", name, "--received", f"2026-11-0{day}").exit_code == 0
    out = invoke("--db", db, "cases", "--json").output
    data = json.loads(out)
    assert out == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert data[0]["requester"]["name"] == names[0] and len(data) == 3
    assert data[0]["rights"] == ["access", "erasure"] and data[0]["assignee"] is None
    assert all(isinstance(c["days_left"], int) for c in data)


def test_cases_text_lists_every_case_or_says_none_match(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    invoke("--db", db, "db", "upgrade")  # reading commands create no database
    assert invoke("--db", db, "cases").output == "No cases match.\n"
    for day in range(1, 4):
        invoke("--db", db, *NEW, "--name", f"Person {day}", "--received", f"2026-11-0{day}")
    lines = invoke("--db", db, "cases").output.splitlines()
    assert [line.split()[0] for line in lines] == ["DSAR-2026-0001", "DSAR-2026-0002", "DSAR-2026-0003"]
    assert invoke("--db", db, "cases", "--status", "completed").output == "No cases match.\n"
