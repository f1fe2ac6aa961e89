"""Issue 19: a response letter sent by email carries the case's encrypted response pack, checked against the
archive hash recorded when it was built; the passphrase (never stored) is nowhere in the message. Real SMTP server."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

from tests.mail.test_mail_cli import _new, _settings, invoke


def _packed(db: str, tmp_path: Path, email: str = "ada@example.org") -> tuple[str, dict]:  # type: ignore[type-arg]
    ref = _new(db, date.today() - timedelta(days=3), email=email)
    assert invoke("--db", db, "status", ref, "in_progress").exit_code == 0
    data = tmp_path / f"{ref}-crm.csv"
    data.write_text("name,email\nAda Lovelace,ada@example.org\n", encoding="utf-8")
    assert invoke("--db", db, "attach", ref, str(data)).exit_code == 0
    out = invoke("--db", db, "pack", "build", ref, "-o", str(tmp_path / ref), "--json")
    assert out.exit_code == 0, out.output
    return ref, json.loads(out.stdout)


def test_a_response_letter_carries_the_recorded_pack_and_never_the_passphrase(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    _settings(port)
    db = str(tmp_path / "c.db")
    ref, built = _packed(db, tmp_path)
    archive = Path(built["path"])
    out = invoke("--db", db, "letter", ref, "response_cover", "--send", "--yes", "--pack", str(archive))
    assert out.exit_code == 0, out.output
    assert "another channel" in out.output
    [(_, _, msg)] = inbox.received
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "application/zip" and part.get_filename() == archive.name
    assert hashlib.sha256(part.get_content()).hexdigest() == built["archive_sha256"]
    raw = msg.as_bytes()
    secret = built["passphrase"]
    assert secret.encode() not in raw and secret.replace("-", "").encode() not in raw
    assert secret not in msg.get_body(("plain",)).get_content()  # nor in the decoded body
    events = json.loads(invoke("--db", db, "show", ref, "--json").stdout)["events"]
    sent = [e for e in events if e["kind"] == "letter.sent"][-1]["details"]
    assert sent["pack_id"] == built["pack_id"] and sent["pack_manifest_sha256"] == built["manifest_sha256"]


def test_a_pack_is_refused_on_a_non_response_a_stale_or_foreign_archive_and_over_the_limit(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    port, inbox = smtp_server()
    _settings(port, "max_attachment_mb = 1\n")
    db = str(tmp_path / "c.db")
    ref, built = _packed(db, tmp_path)
    other, other_built = _packed(db, tmp_path, email="bob@example.org")
    archive = Path(built["path"])

    def refused(kind: str, path: Path, why: str) -> None:
        out = invoke("--db", db, "letter", ref, kind, "--send", "--yes", "--pack", str(path))
        assert out.exit_code != 0 and out.output.strip().count("\n") == 0, out.output
        assert why in out.output, out.output

    refused("acknowledgement", archive, "acknowledgement is not a response letter")
    refused("response_cover", Path(other_built["path"]), f"is not a pack recorded for {ref}")
    stale = tmp_path / "stale.zip"
    stale.write_bytes(archive.read_bytes() + b"\0")
    refused("response_cover", stale, f"is not a pack recorded for {ref}")
    big = tmp_path / "big.zip"
    big.write_bytes(b"\0" * (1024 * 1024 + 1))
    refused("response_cover", big, "over the 1 MB limit (smtp.max_attachment_mb)")
    refused("response_cover", tmp_path / "missing.zip", "not a file")
    assert inbox.received == []
    assert not [e for e in json.loads(invoke("--db", db, "show", ref, "--json").stdout)["events"] if e["kind"] == "letter.sent"]


def test_the_size_limit_setting_is_checked() -> None:
    _settings(25, "max_attachment_mb = 0\n")
    out = invoke("config", "check")
    assert out.exit_code == 1 and "smtp.max_attachment_mb: must be a whole number of megabytes, at least 1" in out.output
    _settings(25, "max_attachment_mb = 5\n")
    assert invoke("config", "check").exit_code == 0
