"""`dpo-tui import` as a user runs it: a summary, one line per bad input, JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli

ACCESS = b"From: Ada <ada@example.org>\nSubject: SAR\nDate: Mon, 2 Nov 2026 09:00:00 +0000\nMessage-ID: <r1@x>\n\nPlease send me a copy of all the personal data you hold about me.\n"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_import_summary_and_second_run(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    (tmp_path / "a.eml").write_bytes(ACCESS)
    out = invoke("--db", db, "import", str(tmp_path / "a.eml"), "--log-confident")
    assert out.exit_code == 0, out.output
    assert "created   DSAR-" in out.output and "1 created, 0 attached, 0 need triage" in out.output
    out = invoke("--db", db, "import", str(tmp_path / "a.eml"))
    assert "already imported (Message-ID <r1@x>)" in out.output and "1 already imported" in out.output


def test_bad_inputs_are_one_line_each_and_nothing_is_saved(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    (tmp_path / "a.eml").write_bytes(ACCESS)
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4\x00\x00")
    (tmp_path / "f.csv").write_text("name,email,submitted_at,message\nA,a@example.org,not a date,x\n")
    out = CliRunner().invoke(cli, ["--db", db, "import", str(tmp_path / "a.eml"), str(tmp_path / "b.pdf"), str(tmp_path / "f.csv")])
    assert out.exit_code == 1
    err = out.stderr if hasattr(out, "stderr") else out.output
    assert f"rejected: {tmp_path / 'b.pdf'}: not an email (binary data)" in err
    assert f"rejected: {tmp_path / 'f.csv'}:2: bad date 'not a date'" in err
    assert "Error: nothing imported: 2 bad input(s)" in err and "Traceback" not in out.output
    listed = json.loads(invoke("--db", db, "cases", "--json").output)
    assert listed == []
    out = invoke("--db", db, "import", str(tmp_path / "a.eml"), str(tmp_path / "b.pdf"), "--skip-bad", "--json")
    data = json.loads(out.stdout)
    assert data["schema"] == "dpo-tui/import/1" and data["applied"] and data["counts"]["rejected"] == 1
    assert data["counts"]["needs_triage"] == 1


def test_dry_run(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    (tmp_path / "a.eml").write_bytes(ACCESS)
    out = invoke("--db", db, "import", str(tmp_path / "a.eml"), "--dry-run", "--log-confident")
    assert "nothing was created" in out.output and not Path(db).exists()  # a dry run creates no database either
    invoke("--db", db, "db", "upgrade")
    out = invoke("--db", db, "import", str(tmp_path / "a.eml"), "--dry-run", "--log-confident")
    assert "(dry run: nothing saved)" in out.output
    assert json.loads(invoke("--db", db, "cases", "--json").output) == []


def test_settings_with_an_imap_password_are_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "settings.toml"
    cfg.write_text('[intake.imap]\nhost = "imap.example.org"\npassword = "hunter2"\n')
    monkeypatch.setenv("DPO_TUI_CONFIG", str(cfg))
    (tmp_path / "a.eml").write_bytes(ACCESS)
    out = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "import", str(tmp_path / "a.eml")])
    assert out.exit_code == 1 and "intake.imap.password: never put a password in the settings file" in out.output
    assert "hunter2" not in out.output
