"""`dpo-tui due` for cron: exit 0 / 1 / 2 by the worst item, 3 on error, JSON with explanations."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _new(db: str, received: date, name: str = "Ada Lovelace") -> str:
    out = invoke("--db", db, "new", "--name", name, "--email", "a@example.org", "--rights", "access",
                 "--received", received.isoformat())
    assert out.exit_code == 0, out.output
    return out.stdout.strip()  # stderr may say that the database was created


def test_exit_status_follows_the_worst_item(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    today = date.today()
    assert invoke("--db", db, "db", "upgrade").exit_code == 0  # reading commands create no database
    assert invoke("--db", db, "due").exit_code == 0
    _new(db, today)  # due in about a month
    out = invoke("--db", db, "due")
    assert out.exit_code == 0 and "Nothing needs action in the next 7 days" in out.output
    assert invoke("--db", db, "due", "--within", "40").exit_code == 1
    ref = _new(db, today - timedelta(days=70), name="Eve \x1b[31m<b>")
    out = invoke("--db", db, "due")
    assert out.exit_code == 2 and f"{ref}: due" in out.output and "overdue" in out.output
    assert "\x1b" not in out.output and "Eve" not in out.output
    data = json.loads(invoke("--db", db, "due", "--json").output)
    assert data["status"] == 2 and data["items"][0]["ref"] == ref and data["items"][0]["kind"] == "overdue"
    assert data["items"][0]["explanation"] and "requester" not in data["items"][0]


def test_errors_exit_3_in_one_line(tmp_path: Path) -> None:
    invoke("--db", str(tmp_path / "c.db"), "db", "upgrade")
    out = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "due", "--within", "-2"])
    assert out.exit_code == 3 and out.output.strip().count("\n") == 0 and "negative" in out.output


def test_help_documents_the_exit_status() -> None:
    out = invoke("due", "--help")
    text = " ".join(out.output.split())
    assert "0 nothing needs action" in text and "2 a legal due date has passed" in text and "3 an error" in text


def test_calendar_writes_an_owner_only_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    import stat

    db = str(tmp_path / "c.db")
    ref = _new(db, date.today())
    target = tmp_path / "deadlines.ics"
    out = invoke("--db", db, "calendar", "-o", str(target))
    assert out.exit_code == 0 and "wrote 2 events" in out.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and f"UID:{ref.lower()}-due@".encode() in target.read_bytes()
    out = CliRunner().invoke(cli, ["--db", db, "calendar", "-o", str(target)])
    assert out.exit_code == 1 and out.output.strip().count("\n") == 0 and "--force" in out.output
    assert invoke("--db", db, "calendar", "-o", str(target), "--force").exit_code == 0


def test_follow_up_shows_in_due_and_can_be_done(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    ref = _new(db, date.today())
    out = invoke("--db", db, "follow-up", ref, date.today().isoformat(), "--note", "chase \x1b[31m payroll")
    assert out.exit_code == 0 and "chase \\x1b[31m payroll" in out.output
    out = invoke("--db", db, "due", "--json")
    assert out.exit_code == 1 and [i["kind"] for i in json.loads(out.output)["items"]] == ["follow_up"]
    assert invoke("--db", db, "follow-up", ref, "--done").exit_code == 0
    assert invoke("--db", db, "due").exit_code == 0
    out = CliRunner().invoke(cli, ["--db", db, "follow-up", ref, "tomorrow", "--note", "x"])
    assert out.exit_code == 1 and "is not a date" in out.output


def test_report_html_to_a_file(tmp_path: Path) -> None:
    import stat

    db = str(tmp_path / "c.db")
    _new(db, date.today())
    target = tmp_path / "report.html"
    out = invoke("--db", db, "report", "--format", "html", "-o", str(target))
    assert out.exit_code == 0 and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().count("<svg") == 4
    out = CliRunner().invoke(cli, ["--db", db, "report", "--format", "html", "-o", str(target)])
    assert out.exit_code == 1 and "--force" in out.output
    assert json.loads(invoke("--db", db, "report", "--format", "json").output)["cases"] == 1
    assert invoke("--db", db, "report", "--json").exit_code == 0
