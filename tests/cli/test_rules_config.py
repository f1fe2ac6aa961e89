"""Issue 16: demo settings are announced, `config init` writes a settings file to fill in, `config check` reports
every problem, and the team directory is read from the settings. Through the real command line."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli
from dpo_tui.domain.organisation import parse_organisation
from dpo_tui.loaders import demo_organisation
from dpo_tui.settings import default_user, load_settings


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def config_path() -> Path:
    return Path(os.environ["DPO_TUI_CONFIG"])


def test_config_says_demo_settings_are_in_use_and_init_writes_a_file_to_fill_in(tmp_path: Path) -> None:
    out = invoke("config")
    assert out.exit_code == 0 and "DEMO SETTINGS: no settings file" in out.output and "config init" in out.output
    assert not config_path().exists()
    out = invoke("config", "init")
    assert out.exit_code == 0, out.output
    path = config_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "FILL IN" in text and "[[team]]" in text
    # Still the demo organisation until [organisation] is filled in: said by `config` and `config check`.
    out = invoke("config")
    assert "DEMO SETTINGS: no [organisation]" in out.output
    out = invoke("config", "check")
    assert out.exit_code == 0 and "DEMO SETTINGS" in out.output
    # Never overwrites.
    path.write_text(text + "\n# my edits\n")
    out = invoke("config", "init")
    assert out.exit_code == 1 and "already exists; not overwritten" in out.output
    assert path.read_text().endswith("# my edits\n")
    # Elsewhere: written there, and told how to use it.
    other = tmp_path / "team-settings.toml"
    out = invoke("config", "init", str(other))
    assert out.exit_code == 0 and other.exists() and "DPO_TUI_CONFIG=" in out.output


def test_the_template_filled_in_is_a_valid_organisation() -> None:
    from importlib.resources import files

    text = (files("dpo_tui") / "defaults" / "settings.template.toml").read_text()
    # Uncommenting the worked example gives the demo profile: the template documents every organisation key.
    start = text.index("# # The organisation profile")
    end = text.index("# Intake (")
    uncommented = "\n".join(line[2:] if line.startswith("# ") else line for line in text[start:end].splitlines())
    data = tomllib.loads(uncommented)
    assert parse_organisation(data["organisation"], source="template") == demo_organisation()


def test_letters_say_demo_settings_are_in_use(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    assert invoke("--db", sqlite_url, "new", "--name", "Ada", "--email", "ada@example.org", "--rights", "access",
                  "--received", "2026-11-02").exit_code == 0  # fmt: skip
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "letter", "DSAR-2026-0001", "acknowledgement"])
    assert out.exit_code == 0
    assert "DEMO SETTINGS" in out.stderr and "DEMO SETTINGS" not in out.stdout


def test_config_check_reports_every_problem_with_its_line() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[policy]\n"
        "id_no_response_days = -1\n"
        "fee_unpaid_days = \"ten\"\n"
        "[fees]\n"
        "currency = 3\n"
        "[[team]]\n"
        "name = \"Jordan Ellis\"\n"
        "email = \"not-an-address\"\n"
        "[colour]\n"
        "x = 1\n"
    )
    out = CliRunner().invoke(cli, ["config", "check"])
    assert out.exit_code == 1
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    for key, line in (("policy.id_no_response_days", 2), ("policy.fee_unpaid_days", 3), ("fees.currency", 5),
                      ("team[0].email", 8), ("colour", 9)):  # fmt: skip
        assert any(f":{line}:" in ln and key in ln for ln in lines), (key, lines)
    assert re.search(r"5 problem\(s\) found", out.stderr)


def test_team_directory_in_settings_names_the_user_by_login() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[[team]]\nname = "Jordan Ellis"\nlogin = "{default_user()}"\nemail = "jordan@example.org"\n'
        '[[team]]\nname = "Priya Shah"\nlogin = "pshah"\n'
    )
    settings = load_settings()
    assert [m.name for m in settings.team] == ["Jordan Ellis", "Priya Shah"]
    assert settings.me == settings.user_name == "Jordan Ellis"  # the audit trail and Mine use the directory's name
    assert settings.team_member("PSHAH").name == "Priya Shah"  # type: ignore[union-attr]
    path.write_text('[[team]]\nname = "A"\n[[team]]\nname = "a"\n')
    out = invoke("config", "check")
    assert out.exit_code == 1 and "team[1].name" in out.output and "listed twice" in out.output
