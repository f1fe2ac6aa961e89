"""Issue 18 from the shell: `attach`, `redact`, `withhold`, `pack`, `pack verify`, `deliver`, `letter -o x.docx/pdf`.
Every bad input is one line on stderr, a non-zero exit, and nothing stored."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpo_tui.cli import cli

REF = "DSAR-2026-0001"


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "c.db")
    out = invoke("--db", path, "new", "--name", "Ada Lovelace", "--email", "ada@example.org", "--rights", "access,portability",
                 "--received", "2026-11-02")  # fmt: skip
    assert out.exit_code == 0, out.output
    from dpo_tui.services.casework import Casework
    from dpo_tui.settings import load_settings
    from dpo_tui.store.database import Database

    work = Casework(Database.open(f"sqlite:///{path}"), load_settings())
    work.change_status(REF, "in_progress", version=work.version_of(REF))
    work.db.dispose()
    return path


def _attachments(db: str) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(invoke("--db", db, "attachments", REF, "--json").output)["attachments"]


def _one_line_error(out, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert out.exit_code == 1, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), out.output
    for w in words:
        assert w in lines[0], lines[0]


def test_every_bad_attachment_is_one_line_and_stores_nothing(db: str, tmp_path: Path) -> None:
    good = tmp_path / "crm.csv"
    good.write_text("name,email\nBob Smith,bob@other.com\n")
    (tmp_path / "folder").mkdir()
    os.symlink(good, tmp_path / "link.csv")
    ctrl = tmp_path / "bad\x1bname.csv"
    ctrl.write_text("x")
    back = tmp_path / "a\\b.csv"
    back.write_text("x")
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(101 * 1024 * 1024)  # sparse: over the default limit of 100 MB without using the disk
    cases = {
        "folder": "a folder", "missing.csv": "no such file", "link.csv": "a symbolic link",
        ctrl.name: "control characters", back.name: "path separator", "big.bin": "over the limit of 100.0 MB",
    }  # fmt: skip
    for name, why in cases.items():
        out = invoke("--db", db, "attach", REF, str(good), str(tmp_path / name))
        _one_line_error(out, why)
        assert "\x1b" not in out.output
    assert _attachments(db) == []
    _one_line_error(invoke("--db", db, "attach", REF, str(good), "--item", "99"), "checklist items 1 to")
    _one_line_error(invoke("--db", db, "attach", "DSAR-2026-0999", str(good)), "no case")
    assert _attachments(db) == []
    out = invoke("--db", db, "attach", REF, str(good), "--item", "1")
    assert out.exit_code == 0 and out.output.startswith("#1 crm.csv")
    (a,) = _attachments(db)
    assert a["item"] and len(a["sha256"]) == 64


def test_limit_setting_is_read_from_the_settings_file(db: str, tmp_path: Path) -> None:
    settings = Path(os.environ["DPO_TUI_CONFIG"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[pack]\nmax_file_mb = 1\n")
    f = tmp_path / "two.bin"
    f.write_bytes(b"x" * (2 * 1024 * 1024))
    _one_line_error(invoke("--db", db, "attach", REF, str(f)), "over the limit of 1.0 MB", "max_file_mb")
    settings.write_text("[pack]\nmax_file_mb = -3\n")
    _one_line_error(invoke("--db", db, "attach", REF, str(f)), "pack.max_file_mb")


def test_redact_pack_verify_deliver_round_trip(db: str, tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("name,email\nAda Lovelace,ada@example.org\nBob Smith,bob@other.com\n")
    assert invoke("--db", db, "attach", REF, str(crm)).exit_code == 0
    listed = invoke("--db", db, "redact", REF, "1")
    assert "bob@other.com" in listed.output and "ada@example.org" not in listed.output
    _one_line_error(invoke("--db", db, "redact", REF, "1", "--confirm", "7"), "choose from 1 to")
    _one_line_error(invoke("--db", db, "redact", REF, "1", "--confirm", "x"), "not a list of numbers")
    _one_line_error(invoke("--db", db, "redact", REF, "1", "--confirm", "all", "--reason", "exemption"), "exemption log entry")
    assert invoke("--db", db, "redact", REF, "1", "--confirm", "all").exit_code == 0
    out_dir = tmp_path / "out"
    out = invoke("--db", db, "pack", REF, "-o", str(out_dir), "--json")
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    archive = result["path"]
    again = invoke("--db", db, "pack", REF, "-o", str(out_dir))
    _one_line_error(again, "already exists")
    ok = invoke("--db", db, "pack", "verify", archive, env={"DPO_TUI_PACK_PASSPHRASE": result["passphrase"]})
    assert ok.exit_code == 0 and ok.output.startswith("OK ") and f"recorded: pack #1 of {REF}" in ok.output
    wrong = invoke("pack", "verify", archive, env={"DPO_TUI_PACK_PASSPHRASE": "nope"})
    assert wrong.exit_code == 2 and "FAIL wrong passphrase" in wrong.output
    raw = bytearray(Path(archive).read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(bytes(raw))
    bad = invoke("pack", "verify", str(tampered), env={"DPO_TUI_PACK_PASSPHRASE": result["passphrase"]})
    assert bad.exit_code == 2 and "FAIL " in bad.output
    missing = invoke("pack", "verify", str(tmp_path / "none.zip"), env={"DPO_TUI_PACK_PASSPHRASE": "x"})
    assert missing.exit_code == 2 and "no such file" in missing.output
    _one_line_error(invoke("--db", db, "deliver", REF, "--channel", "email", "--on", "2026-11-01", "--reason", "r"), "before the request was received")
    _one_line_error(invoke("--db", db, "deliver", REF, "--channel", "email", "--on", "2999-01-01"), "in the future")
    _one_line_error(invoke("--db", db, "deliver", REF, "--channel", "email", "--on", "nope"), "not a date")
    _one_line_error(invoke("--db", db, "deliver", REF, "--channel", "carrier-pigeon"), "unknown channel")
    out = invoke("--db", db, "deliver", REF, "--channel", "email")
    assert out.exit_code == 0 and result["manifest_sha256"] in out.output
    shown = json.loads(invoke("--db", db, "show", REF, "--json").output)
    assert shown["final_response_on"] and shown["deliveries"][0]["manifest_sha256"] == result["manifest_sha256"]
    assert [a["kind"] for a in shown["attachments"]] == ["attachment", "redacted"]
    assert shown["redaction_log"][0]["what"].startswith("third-party")


def test_a_pack_with_nothing_attached_is_refused_and_writes_nothing(db: str, tmp_path: Path) -> None:
    _one_line_error(invoke("--db", db, "pack", REF, "-o", str(tmp_path / "out")), "nothing attached")
    assert not (tmp_path / "out").exists()
    f = tmp_path / "file"
    f.write_text("x")
    _one_line_error(invoke("--db", db, "pack", REF, "-o", str(f)), "not a folder")


def test_letters_as_documents(db: str, tmp_path: Path) -> None:
    out = invoke("--db", db, "letter", REF, "acknowledgement", "-o", str(tmp_path / "a.pdf"))
    assert out.exit_code == 0 and (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    out = invoke("--db", db, "letter", REF, "acknowledgement", "-o", str(tmp_path / "a.docx"))
    assert out.exit_code == 0 and (tmp_path / "a.docx").read_bytes().startswith(b"PK")
    _one_line_error(invoke("--db", db, "letter", REF, "acknowledgement", "--format", "pdf"), "add -o FILE")
    txt = invoke("--db", db, "letter", REF, "response_cover", "--format", "txt")
    assert txt.exit_code == 0 and "**" not in txt.output and "\\" not in txt.output
    settings = Path(os.environ["DPO_TUI_CONFIG"])
    settings.parent.mkdir(parents=True, exist_ok=True)
    (settings.parent / "head.docx").write_text("not a word file")
    settings.write_text('[pack]\nletterhead = "head.docx"\n')
    _one_line_error(invoke("--db", db, "letter", REF, "acknowledgement", "-o", str(tmp_path / "b.docx")), "head.docx")
    assert not (tmp_path / "b.docx").exists()
