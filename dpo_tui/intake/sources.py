"""Paths to a stream of items: .eml files, mbox files, Maildir folders, web-form exports (CSV, JSON).

Each source is read one message at a time (an mbox is split while reading, never indexed or loaded whole), so
memory stays flat however large the mailbox. `on_bytes` is told how far through the input the reader is, for a
progress bar.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from dpo_tui.intake.config import IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.intake.model import BadInput, Item

ByteCounter = Callable[[int], None]


def kind_of(path: Path) -> str:
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            return "maildir"
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json", ".msg", ".mbox"):
        return suffix[1:]
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
    except OSError:
        return "eml"
    return "mbox" if head == b"From " else "eml"


def total_bytes(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            if kind_of(path) == "maildir":
                total += sum(e.stat().st_size for sub in ("new", "cur") for e in os.scandir(path / sub) if e.is_file())
            elif path.is_file():
                total += path.stat().st_size
        except OSError:
            pass
    return total


def iter_items(paths: list[Path], cfg: IntakeSettings, on_bytes: ByteCounter | None = None) -> Iterator[Item]:
    tick = on_bytes or (lambda n: None)
    for path in paths:
        name = str(path)
        if not path.exists():
            yield BadInput(name, "no such file or folder")
            continue
        kind = kind_of(path)
        try:
            if kind == "maildir":
                yield from _maildir(path, cfg, tick)
            elif kind == "folder":
                yield BadInput(name, "a folder that is not a Maildir (no cur/ and new/); give the files instead")
            elif kind == "mbox":
                yield from _mbox(path, cfg, tick)
            elif kind in ("csv", "json"):
                from dpo_tui.intake.forms import iter_form

                yield from iter_form(path, kind, cfg)
                tick(path.stat().st_size)
            elif kind == "msg":
                from dpo_tui.intake.outlook import parse_msg

                yield parse_msg(path, cfg)
                tick(path.stat().st_size)
            else:
                raw = path.read_bytes()
                yield parse_email(raw, name, cfg, file_time=_mtime(path))
                tick(len(raw))
        except PermissionError:
            yield BadInput(name, "permission denied")
        except IsADirectoryError:
            yield BadInput(name, "is a folder")
        except OSError as exc:
            yield BadInput(name, f"cannot read: {exc.strerror or exc}")


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)


def _maildir(path: Path, cfg: IntakeSettings, tick: ByteCounter) -> Iterator[Item]:
    # Sorted by name: Maildir names start with the delivery time, so originals come before their replies.
    for sub in ("new", "cur"):
        names = sorted(e.name for e in os.scandir(path / sub) if e.is_file() and not e.name.startswith("."))
        for fname in names:
            f = path / sub / fname
            raw = f.read_bytes()
            tick(len(raw))
            yield parse_email(raw, str(f), cfg, file_time=lambda f=f: _mtime(f))  # type: ignore[misc]


def _mbox(path: Path, cfg: IntakeSettings, tick: ByteCounter) -> Iterator[Item]:
    """Split an mbox at its `From ` separator lines while reading; `>From ` lines are unescaped (mboxrd/mboxo)."""
    name = str(path)
    buf: list[bytes] = []
    start_line = 0
    envelope: bytes = b""
    prev_blank = True
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.startswith(b"From ") and prev_blank:
                if buf or envelope:
                    yield _mbox_message(buf, envelope, name, start_line, cfg, tick)
                buf, envelope, start_line = [], line, lineno
                prev_blank = False
                continue
            if lineno == 1:
                yield BadInput(name, "not an mbox file (it does not start with a 'From ' line)", 1)
                return
            prev_blank = line in (b"\n", b"\r\n")
            if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                line = line[1:]
            buf.append(line)
        if buf or envelope:
            yield _mbox_message(buf, envelope, name, start_line, cfg, tick)


def _mbox_message(buf: list[bytes], envelope: bytes, name: str, line: int, cfg: IntakeSettings, tick: ByteCounter) -> Item:
    if buf and buf[-1] in (b"\n", b"\r\n"):
        buf = buf[:-1]  # the blank line before the next separator belongs to the mbox, not the message
    raw = b"".join(buf)
    tick(len(raw) + len(envelope))
    return parse_email(raw, name, cfg, file_time=lambda: _envelope_time(envelope), line=line)


def _envelope_time(envelope: bytes) -> datetime | None:
    """`From sender Tue Nov  3 10:00:00 2026`: the delivery time the local mail system wrote (zone unknown: UTC)."""
    parts = envelope.decode("ascii", "replace").split()
    if len(parts) < 7:
        return None
    try:
        when = datetime.strptime(" ".join(parts[2:7]), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        try:
            when = parsedate_to_datetime(" ".join(parts[2:]))
        except (TypeError, ValueError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
