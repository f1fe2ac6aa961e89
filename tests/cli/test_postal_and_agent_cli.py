"""`dpo-tui new` for a request by post or phone (no email) and one made by an agent for someone else (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli

BASE = ["--rights", "access", "--received", "2026-11-02"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def test_postal_request_needs_no_email(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    out = invoke("--db", db, "new", "--name", "Pat Post", "--address", "14 Mill Lane, Leeds LS6 2AB", "--channel", "post", *BASE, "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["requester"]["email"] == "" and data["requester"]["address"] == "14 Mill Lane, Leeds LS6 2AB"
    assert data["channel"] == "post"
    shown = invoke("--db", db, "show", data["ref"]).output
    assert "Requester: Pat Post <14 Mill Lane, Leeds LS6 2AB>" in shown


def test_no_way_to_reach_the_person_is_one_line_error_and_nothing_saved(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    out = invoke("--db", db, "new", "--name", "Pat Post", *BASE)
    assert out.exit_code != 0
    assert "at least one way to reach the person: email, postal address or phone" in out.output
    assert "Traceback" not in out.output
    assert not Path(db).exists(), "a refused first request creates no database"
    bad = invoke("--db", db, "new", "--name", "Pat Post", "--phone", "call me", *BASE)
    assert bad.exit_code != 0 and "is not a telephone number" in bad.output


def test_agent_request_records_agent_contact_and_whose_data(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    out = invoke(
        "--db", db, "new", "--name", "Sam Subject", "--phone", "+44 20 7946 0000", "--channel", "phone",
        "--agent", "Bell & Co", "--agent-kind", "solicitor", "--agent-contact", "bell@law.example", *BASE, "--json",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["requester"]["name"] == "Sam Subject" and data["requester"]["phone"] == "+44 20 7946 0000"
    assert data["agent"] == {"name": "Bell & Co", "kind": "solicitor", "contact": "bell@law.example"}
    shown = invoke("--db", db, "show", data["ref"]).output
    assert "via Bell & Co (solicitor, bell@law.example)" in shown
    md = invoke("--db", db, "export", data["ref"], "--format", "md", "-o", str(tmp_path / "out")).output
    exported = "".join(p.read_text() for p in (tmp_path / "out").glob("*.md"))
    assert "Agent contact" in exported and "bell@law.example" in exported, md
    lonely = invoke("--db", db, "new", "--name", "Sam Subject", "--email", "s@example.org", "--agent-contact", "x@y.example", *BASE)
    assert lonely.exit_code != 0 and "name the agent" in lonely.output
