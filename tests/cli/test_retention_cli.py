"""`dpo-tui retention`, `hold`, `undo` and `person` (issue 20): listings, confirmations, one-line refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, input=input)


def _closed_case(db: str) -> str:
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database

    out = invoke("--db", db, "new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access",
                 "--received", "2026-01-05")  # fmt: skip
    ref = out.stdout.strip()
    work = Casework(Database.open(db), load_settings())
    work.change_status(ref, "withdrawn", version=work.version_of(ref))
    work.db.dispose()
    return ref


def test_retention_hold_undo_person_from_the_command_line(tmp_path: Path) -> None:
    Path(os.environ["DPO_TUI_CONFIG"]).parent.mkdir(parents=True, exist_ok=True)
    Path(os.environ["DPO_TUI_CONFIG"]).write_text('[user]\ndisplay_name = "Sam"\n[policy]\nretention_years = 0\n')
    db = str(tmp_path / "c.db")
    ref = _closed_case(db)

    plan = json.loads(invoke("--db", db, "retention", "--json").output)
    assert [i["ref"] for i in plan["due"]] == [ref] and plan["action"] == "anonymise"
    assert "0 years (policy)" in invoke("--db", db, "retention").output

    out = invoke("--db", db, "hold", "place", ref, "--reason", "claim", "--review", "2099-01-01")
    assert out.exit_code == 1 and "ten years" in out.output
    out = invoke("--db", db, "hold", "place", ref, "--reason", "claim", "--review", "2030-01-01")
    assert out.exit_code == 0 and out.output.startswith("hold #1 on case")
    listing = invoke("--db", db, "retention").output
    assert "Held (never purged" in listing and "blocks " + ref in listing

    out = invoke("--db", db, "undo", ref)
    assert out.exit_code == 1 and "released with its own reason" in out.output
    assert invoke("--db", db, "hold", "release", "1", "--reason", "settled").exit_code == 0
    assert invoke("--db", db, "hold", "list").output.strip() == "no legal holds"

    undo = invoke("--db", db, "undo", ref, "--dry-run")
    assert undo.exit_code == 1 and "cannot undo" in undo.output  # hold.released is the last action

    found = json.loads(invoke("--db", db, "person", "ada@example.org", "--json").output)
    assert [c["ref"] for c in found["cases"]] == [ref] and found["cases"][0]["roles"] == ["requester"]

    out = invoke("--db", db, "retention", "--apply")  # not a terminal: needs --yes
    assert out.exit_code == 1 and "--yes" in out.output and "nothing was changed" in out.output
    out = invoke("--db", db, "retention", "--apply", "--yes")
    assert out.exit_code == 0 and f"{ref}: anonymised" in out.output
    verify = invoke("--db", db, "audit", "verify")
    assert verify.exit_code == 0 and "purged for retention by 1 purge" in verify.output
    assert json.loads(invoke("--db", db, "person", "ada@example.org", "--json").output)["cases"] == []
    assert invoke("--db", db, "retention").output.startswith("Retention on")
