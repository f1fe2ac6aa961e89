"""Web-form exports (CSV or JSON) to items. Column headings come from `[intake.form_columns]` in the settings.

A CSV is read row by row; a JSON export (a list of objects, or {"submissions": [...]}) is loaded whole, so large
exports are better given as CSV. The stored original of each row is the row itself as JSON.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dpo_tui.intake.config import REQUIRED_FORM_FIELDS, IntakeSettings
from dpo_tui.intake.model import BadInput, IncomingMessage, Item
from dpo_tui.intake.text import on_behalf
from dpo_tui.domain.states import Channel

_EMAIL_OK = __import__("re").compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def iter_form(path: Path, kind: str, cfg: IntakeSettings) -> Iterator[Item]:
    name = str(path)
    cols = cfg.form_columns
    if kind == "csv":
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            try:
                reader = csv.DictReader(fh)
                headings = reader.fieldnames or []
            except (csv.Error, UnicodeDecodeError) as exc:
                yield BadInput(name, f"not a CSV file ({exc})", 1)
                return
            missing = [f"{cols[f]!r}" for f in REQUIRED_FORM_FIELDS if cols[f] not in headings]
            if missing:
                yield BadInput(name, f"missing column {', '.join(missing)} (see [intake.form_columns] in the settings)", 1)
                return
            try:
                for row in reader:
                    yield _row(row, name, reader.line_num, cfg)
            except (csv.Error, UnicodeDecodeError) as exc:
                yield BadInput(name, f"unreadable CSV ({exc})", reader.line_num)
        return
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        yield BadInput(name, f"not a JSON file ({exc})")
        return
    if isinstance(data, dict):
        data = data.get("submissions")
    if not isinstance(data, list):
        yield BadInput(name, 'a JSON export must be a list of objects (or {"submissions": [...]})')
        return
    for i, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            yield BadInput(name, f"item {i} is not an object", i)
            continue
        missing = [f"{cols[f]!r}" for f in REQUIRED_FORM_FIELDS if cols[f] not in row]
        if missing:
            yield BadInput(name, f"item {i}: missing field {', '.join(missing)}", i)
            continue
        yield _row({k: "" if v is None else str(v) for k, v in row.items()}, name, i, cfg)


def _row(row: dict[str, Any], source: str, line: int, cfg: IntakeSettings) -> Item:
    cols = cfg.form_columns
    get = lambda f: (row.get(cols[f]) or "").strip()  # noqa: E731
    email = get("email")
    if not _EMAIL_OK.match(email):
        return BadInput(source, f"{email!r} is not an email address", line)
    raw_date = get("received")
    day = _day(raw_date, cfg)
    if day is None:
        fmt = cfg.form_date_format or "ISO 8601, e.g. 2026-11-02T09:30:00Z"
        return BadInput(source, f"bad date {raw_date[:40]!r} (expected {fmt})", line)
    text = get("request")
    behalf_col = cols.get("on_behalf_of", "")
    behalf = (row.get(behalf_col) or "").strip() if behalf_col else ""
    third_party, other = on_behalf(text, {email.lower()})
    flags = []
    if behalf:
        third_party = True
    if third_party:
        flags.append("third_party_needs_authority")
    raw = json.dumps({"source": source, "line": line, "row": row}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return IncomingMessage(
        source=source,
        raw=raw,
        media_type="application/json",
        from_name=get("name"),
        from_email=email,
        requester_name=behalf or get("name") or email.split("@")[0],
        requester_email=other or email if third_party else email,
        received=day,
        received_basis="form",
        subject="",
        text=text,
        on_behalf_email=other,
        third_party=third_party,
        channel=Channel.WEB,
        form_rights=get("rights") if cols.get("rights") in row else None,
        flags=flags,
        line=line,
    )


def _day(value: str, cfg: IntakeSettings) -> date | None:
    if not value:
        return None
    try:
        if cfg.form_date_format:
            when = datetime.strptime(value, cfg.form_date_format)
        else:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.date()  # the form's own local time: taken as the organisation's
    return when.astimezone(cfg.zone).date()
