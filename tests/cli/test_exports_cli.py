"""letter / export / register / report from the shell: one-line errors, exit 1, 0600 files, progress on stderr."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli

HOSTILE = "Eve <script>x</script> [bold red]x[/] \x1b[31m"
NEW = ["new", "--name", HOSTILE, "--email", "=HYPERLINK(1)@example.org", "--rights", "access,erasure", "--received", "2026-11-02",
       "--description", "*x*|[a](javascript:alert(1))"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _db(tmp_path: Path, n: int = 1) -> str:
    db = str(tmp_path / "c.db")
    for _ in range(n):
        assert invoke("--db", db, *NEW).exit_code == 0
    return db


def test_letter_lists_kinds_and_prints_a_draft(tmp_path):
    db = _db(tmp_path)
    out = invoke("--db", db, "letter", "DSAR-2026-0001")
    assert out.exit_code == 0
    assert "yes  acknowledgement" in out.output and "no   fee_request" in out.output
    out = invoke("--db", db, "letter", "DSAR-2026-0001", "acknowledgement")
    assert out.exit_code == 0 and out.output.startswith("# Your request DSAR-2026-0001")
    assert "\x1b" not in out.output and "\\<script\\>" in out.output


def test_letter_to_file_is_owner_only_and_can_be_saved(tmp_path):
    db = _db(tmp_path)
    target = tmp_path / "ack.txt"
    out = invoke("--db", db, "letter", "DSAR-2026-0001", "acknowledgement", "-o", str(target), "--save", "--channel", "post")
    assert out.exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("Subject: Your request DSAR-2026-0001")
    data = json.loads(invoke("--db", db, "show", "DSAR-2026-0001", "--json").output)
    assert data["letters"][0]["kind"] == "acknowledgement" and data["letters"][0]["channel"] == "post"
    assert data["events"][-1]["kind"] == "letter.saved"


def test_letter_errors_are_one_line(tmp_path):
    db = _db(tmp_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", db, "letter", "DSAR-2026-0001", "fee_request"])
    assert out.exit_code == 1
    assert out.output.strip().count("\n") == 0 and "Fee request does not apply to DSAR-2026-0001: no fee was requested" in out.output
    out = runner.invoke(cli, ["--db", db, "letter", "DSAR-2026-0042", "acknowledgement"])
    assert out.exit_code == 1 and "no case 'DSAR-2026-0042'" in out.output and "Traceback" not in out.output


def test_export_all_formats_to_a_folder(tmp_path):
    db = _db(tmp_path, 2)
    out_dir = tmp_path / "exp"
    for fmt in ("md", "html", "json"):
        out = invoke("--db", db, "export", "DSAR-2026-0001", "DSAR-2026-0002", "--format", fmt, "-o", str(out_dir))
        assert out.exit_code == 0
        for ref in ("DSAR-2026-0001", "DSAR-2026-0002"):
            path = out_dir / f"{ref}.{fmt}"
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            body = path.read_text()
            assert "\x1b" not in body
            assert "<script>" not in body.replace("\\u003c", "") or fmt == "json"
    data = json.loads((out_dir / "DSAR-2026-0001.json").read_text())
    assert data["requester"]["name"] == HOSTILE and data["audit_verification"]["ok"] is True


def test_export_progress_goes_to_stderr(tmp_path):
    db = _db(tmp_path, 20)
    refs = [f"DSAR-2026-{i:04d}" for i in range(1, 21)]
    result = CliRunner(mix_stderr=False).invoke(cli, ["--db", db, "export", *refs, "-o", str(tmp_path / "e")]) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner().invoke(cli, ["--db", db, "export", *refs, "-o", str(tmp_path / "e")])
    assert result.exit_code == 0
    assert "exported 20/20" in result.stderr
    assert "exported" not in result.stdout


def test_export_unknown_case_exits_1_and_writes_nothing(tmp_path):
    db = _db(tmp_path)
    out = CliRunner().invoke(cli, ["--db", db, "export", "DSAR-2026-0001", "NOPE", "-o", str(tmp_path / "x")])
    assert out.exit_code == 1 and "no case 'NOPE'" in out.output
    assert not (tmp_path / "x").exists()


def test_register_csv_json_and_file(tmp_path):
    db = _db(tmp_path, 3)
    out = invoke("--db", db, "register")
    rows = list(csv.reader(io.StringIO(out.output)))
    assert rows[0][0] == "reference" and len(rows) == 4
    out = invoke("--db", db, "register", "--format", "json", "--from", "2026-11-01", "--to", "2026-11-30")
    assert len(json.loads(out.output)["rows"]) == 3
    target = tmp_path / "reg.csv"
    out = invoke("--db", db, "register", "-o", str(target))
    assert out.exit_code == 0 and stat.S_IMODE(target.stat().st_mode) == 0o600
    bad = CliRunner().invoke(cli, ["--db", db, "register", "--from", "2026-12-01", "--to", "2026-11-01"])
    assert bad.exit_code == 1 and "is after --to" in bad.output
    bad = CliRunner().invoke(cli, ["--db", db, "register", "--from", "yesterday"])
    assert bad.exit_code != 0 and "not a date" in bad.output


def test_report_text_and_json(tmp_path):
    db = _db(tmp_path, 2)
    out = invoke("--db", db, "report")
    assert out.exit_code == 0 and "Open 2" in out.output
    data = json.loads(invoke("--db", db, "report", "--json", "--year", "2026").output)
    assert data["schema"] == "dpo-tui/report/1" and data["cases"] == 2 and data["by_right"] == {"access": 2, "erasure": 2}
