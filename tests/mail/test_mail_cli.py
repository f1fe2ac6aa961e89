"""Outbound mail from the shell: `[smtp]` settings (a password in the file is refused), `letter --send` previews
unless --yes, `digest` as text + HTML per assignee, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli
from tests.mail.conftest import closed_port

HOSTILE = "Eve <script>alert(1)</script> & \x1b[31m"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def _settings(port: int, extra: str = "", security: str = "none") -> None:
    path = Path(os.environ["DPO_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\nfrom_address = "dpo@altostack.io"\n'
        f'digest_to = "privacy@altostack.io"\ntimeout = 10\n{extra}'
    )


def _new(db: str, received: date, email: str = "ada@example.org", name: str = HOSTILE) -> str:
    out = invoke("--db", db, "new", "--name", name, "--email", email, "--rights", "access", "--received", received.isoformat())
    assert out.exit_code == 0, out.output
    return out.stdout.strip()  # stderr may say that the database was created


def test_config_check_refuses_a_password_in_the_settings_file() -> None:
    _settings(25, 'password = "hunter2"\n')
    out = invoke("config", "check")
    assert out.exit_code == 1 and out.output.strip().count("\n") == 0
    assert "smtp.password" in out.output and "never put a password in the settings file" in out.output
    assert "hunter2" not in out.output
    _settings(25, 'smtp_passwd = "x"\n')
    assert "never put a password" in invoke("config", "check").output
    _settings(25, security="ssl")
    assert "smtp.security: must be one of: starttls, tls, none" in invoke("config", "check").output
    _settings(25, '[smtp.team]\n"Sam Patel" = "sam@example.org"\n')
    assert invoke("config", "check").exit_code == 0


def test_letter_send_previews_then_sends_with_yes(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    _settings(port)
    db = str(tmp_path / "c.db")
    ref = _new(db, date.today())
    out = invoke("--db", db, "letter", ref, "acknowledgement", "--send")
    assert out.exit_code == 0 and "To: ada@example.org" in out.output and "add --yes" in out.output
    assert "\x1b" not in out.output and inbox.received == []
    shown = json.loads(invoke("--db", db, "show", ref, "--json").output)
    assert shown["letters"] == []
    out = invoke("--db", db, "letter", ref, "acknowledgement", "--send", "--yes")
    assert out.exit_code == 0 and f"sent acknowledgement for {ref} to ada@example.org as <" in out.output
    [msg] = inbox.messages
    assert ref in msg["Subject"] and msg["Message-ID"] in out.output
    shown = json.loads(invoke("--db", db, "show", ref, "--json").output)
    assert shown["letters"][0]["kind"] == "acknowledgement" and shown["events"][-1]["kind"] == "letter.sent"


def test_letter_send_failure_is_one_line_and_records_nothing(tmp_path: Path) -> None:
    port = closed_port()
    _settings(port)
    db = str(tmp_path / "c.db")
    ref = _new(db, date.today())
    out = invoke("--db", db, "letter", ref, "acknowledgement", "--send", "--yes")
    assert out.exit_code == 1 and out.output.strip().count("\n") == 0
    assert f"cannot reach the mail server 127.0.0.1:{port}" in out.output and "Traceback" not in out.output
    assert json.loads(invoke("--db", db, "show", ref, "--json").output)["letters"] == []
    out = invoke("--db", db, "letter", ref, "acknowledgement", "--send", "--yes", "--to", "not an address")
    assert out.exit_code == 1 and "'not an address' is not an email address" in out.output


def test_digest_text_and_html_per_assignee(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    _settings(port, '[smtp.team]\n"Sam Patel" = "sam@example.org"\n')
    db = str(tmp_path / "c.db")
    old = date.today() - timedelta(days=70)
    sams = _new(db, old, "s@example.org")
    rest = _new(db, old, "r@example.org")
    assert invoke("--db", db, "digest").exit_code == 0  # before assigning: one digest of everything to digest_to
    assert [m["To"] for m in inbox.messages] == ["privacy@altostack.io"]
    inbox.received.clear()
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database

    work = Casework(Database.open(db), load_settings())
    work.assign("Sam Patel", versions={sams: work.version_of(sams)})
    work.assign("Alex <b>Morgan</b>", versions={rest: work.version_of(rest)})
    work.db.dispose()

    out = invoke("--db", db, "digest", "--dry-run")
    assert out.exit_code == 0 and "To: sam@example.org" in out.output and inbox.received == []
    assert "Eve" not in out.output
    assert invoke("--db", db, "digest").exit_code == 0
    by_to = {m["To"]: m for m in inbox.messages}
    assert set(by_to) == {"sam@example.org", "privacy@altostack.io"}
    sam = by_to["sam@example.org"]
    text = sam.get_body(("plain",)).get_content()
    html = sam.get_body(("html",)).get_content()
    assert sams in text and rest not in text and "Overdue (1):" in text and "overdue" in sam["Subject"]
    assert sams in html and "<script" not in html and sam["Auto-Submitted"] == "auto-generated"
    other = by_to["privacy@altostack.io"].get_body(("html",)).get_content()
    assert "Alex &lt;b&gt;Morgan&lt;/b&gt;" in other and "<b>Morgan" not in other
    assert "Eve" not in html + other

    inbox.received.clear()
    assert invoke("--db", db, "digest", "--to", "me@example.org", "--assignee", "Nobody").exit_code == 0
    assert inbox.received == []  # nothing due for that assignee: nothing sent
    out = invoke("--db", db, "digest", "--to", "me@example.org")
    assert out.exit_code == 0 and [m["To"] for m in inbox.messages] == ["me@example.org"]


def test_digest_without_smtp_settings_is_one_line(tmp_path: Path) -> None:
    assert invoke("--db", str(tmp_path / "c.db"), "db", "upgrade").exit_code == 0  # reading commands create nothing
    out = invoke("--db", str(tmp_path / "c.db"), "digest")
    assert out.exit_code == 1 and out.output.strip().count("\n") == 0 and "[smtp]" in out.output


def test_digest_can_carry_the_html_report(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    _settings(port)
    db = str(tmp_path / "c.db")
    _new(db, date.today())  # nothing due this week: a plain digest would not be sent
    assert invoke("--db", db, "digest").exit_code == 0 and inbox.received == []
    out = invoke("--db", db, "digest", "--attach-report", "--dry-run")
    assert out.exit_code == 0 and "Attachments: dpo-report-" in out.output and inbox.received == []
    assert invoke("--db", db, "digest", "--attach-report").exit_code == 0
    [msg] = inbox.messages
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "text/html" and part.get_content().count("<svg") == 4
    assert "nothing needs action" in msg["Subject"]
