"""Outlook .msg files (an OLE compound file, not MIME) via `extract-msg`.

Why extract-msg: it is the maintained pure-Python reader of the format (monthly releases, MIT-compatible licence,
used by e.g. email forensics tools); the format is large and undocumented in places, so a home-grown reader would be
wrong on real files. It converts the message to a MIME message, which then goes through the same parser as .eml
files; the stored original is the .msg file itself.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.intake.model import BadInput, IncomingMessage, Item

MEDIA_TYPE = "application/vnd.ms-outlook"


def parse_msg(path: Path, cfg: IntakeSettings) -> Item:
    import extract_msg  # ~0.8 s to import: only .msg files pay for it

    name = str(path)
    size = path.stat().st_size
    if size > cfg.max_bytes:
        return BadInput(name, f"message is {size / 1024 / 1024:.1f} MB, over the {cfg.max_attachment_mb} MB limit")
    try:
        msg = extract_msg.openMsg(name)
    except Exception as exc:  # the library raises many unrelated types for a file that is not a .msg
        return BadInput(name, f"not an Outlook .msg file ({type(exc).__name__})")
    try:
        try:
            mime = bytes(msg.asEmailMessage())
        except Exception as exc:  # same: a damaged .msg fails deep inside the library
            return BadInput(name, f"damaged Outlook .msg file ({type(exc).__name__})")
        delivered = getattr(msg, "receivedTime", None)
    finally:
        msg.close()
    file_time = delivered if isinstance(delivered, datetime) else datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    if file_time.tzinfo is None:
        file_time = file_time.replace(tzinfo=timezone.utc)
    item = parse_email(mime, name, cfg, file_time=file_time)
    if isinstance(item, IncomingMessage):
        item = replace(item, raw=path.read_bytes(), media_type=MEDIA_TYPE)
    return item
