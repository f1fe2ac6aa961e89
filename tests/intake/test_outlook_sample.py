"""A real Outlook .msg file (third-party sample, Apache-2.0: tests/intake/samples/NOTICE.md) goes through import and
its stored original reads back: sender, day of receipt from its Received: header, attachments, text."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dpo_tui.cli import cli
from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.original import describe_original
from dpo_tui.intake.outlook import MEDIA_TYPE, parse_msg
from dpo_tui.intake.model import IncomingMessage

SAMPLE = Path(__file__).parent / "samples" / "outlook-attachmentFiles.msg"


def test_a_real_outlook_message_parses() -> None:
    item = parse_msg(SAMPLE, IntakeSettings(timezone="Asia/Tokyo"))
    assert isinstance(item, IncomingMessage)
    assert (item.from_name, item.from_email, item.subject) == ("hmailuser", "hmailuser@hmailserver.test", "attachmentFiles")
    # Received: ... Wed, 1 Nov 2023 09:48:31 +0900 -> that day in Tokyo; the raw kept is the .msg file itself
    assert item.received.isoformat() == "2023-11-01" and item.received_basis == "received_header"
    assert [(a.name, a.media_type, a.size) for a in item.attachments] == [
        ("jpg.jpg", "image/jpeg", 726), ("png.png", "image/png", 134), ("tif.tif", "image/tiff", 664)
    ]
    assert item.media_type == MEDIA_TYPE and item.raw == SAMPLE.read_bytes()
    headers, text, note = describe_original(item.media_type, item.raw)
    shown = dict(headers)
    assert shown["From"] == '"hmailuser" <hmailuser@hmailserver.test>' and shown["Subject"] == "attachmentFiles"
    assert "jpg.jpg (image/jpeg, 726 bytes)" in shown["Attachments"]
    assert text.strip() == "attachmentFiles" and note.startswith("Outlook .msg converted to MIME")


def test_a_real_outlook_message_imports_and_waits_for_triage(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "import", str(SAMPLE), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    [item] = data["items"]
    assert data["applied"] and item["outcome"] == "needs_triage" and "no right recognised" in item["detail"]
    again = json.loads(CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "import", str(SAMPLE), "--json"]).stdout)
    assert again["counts"]["skipped"] == 1  # the same message (its Message-ID) is not taken in twice
