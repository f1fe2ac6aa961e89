"""`dpo-tui deadline`: the quick calculator, through click as a user calls it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["deadline", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_output_due_line_then_explanation() -> None:
    code, out, _ = run("2019-11-25")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Due: Fri 27 Dec 2019 (")
    assert any("→ Christmas Day (bank holiday), Boxing Day (bank holiday) → Fri 27 Dec 2019" in line for line in lines)


def test_json_keys_and_iso_dates() -> None:
    code, out, _ = run("2026-03-02", "--clock-start", "2026-03-05", "--paused", "2026-03-10:2026-03-14", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"regime", "received", "clock_start", "due", "extension_notice_by", "extended_due", "paused_days",
            "explanation"} <= set(data)  # fmt: skip
    assert data["regime"] == "uk-gdpr" and data["received"] == "2026-03-02" and data["clock_start"] == "2026-03-05"
    assert data["paused_days"] == 5
    assert data["due"] == data["extension_notice_by"] == "2026-04-10"  # 5 Apr + 5
    assert data["extended_due"] == "2026-06-10"
    assert isinstance(data["explanation"], list) and data["explanation"]


def test_extended_headline() -> None:
    code, out, _ = run("2026-01-31", "--extended")
    assert code == 0 and out.startswith("Due (extended): Thu 30 Apr 2026")


def test_regime_and_calendar_options() -> None:
    assert json.loads(run("2026-02-17", "--subdivision", "NIR", "--json")[1])["due"] == "2026-03-18"
    assert json.loads(run("2026-02-17", "--country", "GB", "--json")[1])["calendar"] == "GB-ENG"
    eu = json.loads(run("2026-05-04", "--regime", "eu-gdpr", "--country", "DE", "--subdivision", "BY", "--json")[1])
    assert eu["due"] == "2026-06-05"
    assert json.loads(run("2026-02-17", "--regime", "eu-gdpr", "--country", "IE", "--json")[1])["calendar"] == "IE"
    ccpa = json.loads(run("2026-03-02", "--regime", "ccpa", "--json")[1])
    assert (ccpa["due"], ccpa["extended_due"], ccpa["acknowledge_by"]) == ("2026-04-16", "2026-05-31", "2026-03-16")


def test_user_regime_next_to_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DPO_TUI_CONFIG", str(tmp_path / "settings.toml"))
    (tmp_path / "regimes").mkdir()
    (tmp_path / "regimes" / "pipeda.toml").write_text((REPO / "data" / "regimes" / "pipeda.toml").read_text())
    code, out, _ = run("2026-06-01", "--regime", "pipeda", "--json")
    assert code == 0 and json.loads(out)["due"] == "2026-07-02"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-02-30"], "RECEIVED: '2026-02-30' is not a date: write it as YYYY-MM-DD"),
        (["yesterday"], "is not a date"),
        (["2026-03-02", "--regime", "xx"], "unknown regime 'xx'"),
        (["2026-03-02", "--country", "XX"], "unknown holiday country 'XX'"),
        (["2026-03-02", "--subdivision", "XYZ"], "unknown subdivision 'XYZ' for GB; valid: ENG, NIR, SCT, WLS"),
        (["2026-03-02", "--paused", "2026-03-10:2026-03-05"], "ends (Thu 5 Mar 2026) before it starts"),
        (["2026-03-02", "--paused", "2026-02-10:2026-02-12"], "before the request was received"),
        (["2026-03-02", "--paused", "2026-03-10"], "use FROM:TO"),
        (["2026-03-02", "--paused", "2026-03-10:2026-03-12", "--paused", "2026-03-12:2026-03-14"], "overlap"),
        (["2026-03-02", "--clock-start", "2026-03-01"], "--clock-start 2026-03-01 is before the request was received"),
        (["2026-03-02", "--regime", "ccpa", "--clock-start", "2026-03-05"], "ccpa the clock runs from receipt"),
        (["2026-03-02", "--regime", "eu-gdpr", "--country", "IE", "--paused", "2026-03-05:2026-03-06"], "no stop-the-clock"),
        # issue 15: an EU calculation names its member state; Ireland is not assumed
        (["2026-03-02", "--regime", "eu-gdpr"], "eu-gdpr has no default holiday calendar; give the member state"),
    ],
)
def test_bad_input_is_one_error_line(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code != 0 and out == ""
    assert err.startswith("Error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_does_not_import_textual_or_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "from dpo_tui.cli import main\n"
        "try:\n"
        "    main(['deadline', '2019-11-25', '--json'])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy', 'sqlmodel'))\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["due"] == "2019-12-27"


# --- issue 15: pauses after the deadline, per-right dates -------------------------------------------------------------


def test_issue_15_question_after_the_deadline_does_not_move_it() -> None:
    # received 27 Jun 2025 (due 28 Jul); question on 26 Aug, answer 5 Sep: still due 28 Jul, nothing paused
    data = json.loads(run("2025-06-27", "--paused", "2025-08-26:2025-09-05", "--json")[1])
    assert (data["due"], data["paused_days"]) == ("2025-07-28", 0)
    assert any("cannot be paused" in line for line in data["explanation"])


def test_issue_15_pause_before_the_deadline_still_counts() -> None:
    data = json.loads(run("2025-06-27", "--paused", "2025-07-20:2025-07-30", "--json")[1])
    assert (data["due"], data["paused_days"]) == ("2025-08-07", 11)


def test_issue_15_per_right_dates() -> None:
    code, out, _ = run("2026-03-02", "--rights", "access,erasure", "--paused", "2026-03-05:2026-03-22", "--json")
    data = json.loads(out)
    assert code == 0 and data["due"] == "2026-04-02"
    assert data["per_right"] == {"access": "2026-04-20", "erasure": "2026-04-02"}
