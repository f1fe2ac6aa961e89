"""`dpo-tui calendar`: every open case's dates as an iCalendar (RFC 5545) file a calendar program can import.

- One all-day event per running due date, extension cut-off (while the case can still be extended) and follow-up.
- Each event's UID is derived from the case reference and what is due, so importing the file again updates the
  event instead of adding a copy; SEQUENCE is the case's version, which only grows, so the newer copy wins.
- Calendars get synced to phones and shared with colleagues: titles carry the reference, the right and what is
  due; the requester's name only where `[calendar] include_requester_name = true`. Everything else is ours.
- The icalendar library does the escaping (`,` `;` `\\` newlines) and line folding; control characters are made
  visible first, because RFC 5545 TEXT may not contain them and a requester's name can.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlmodel import select

from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.rights import Right
from dpo_tui.output import OutputRefused  # noqa: F401  (re-exported: callers catch it from here)
from dpo_tui.services.due import DueItem, _clock_rows_by_case, explain_line
from dpo_tui.store.models import Case

PRODID = "-//dpo-tui//deadlines//EN"


def _right_words(rights: tuple[str, ...]) -> str:
    words = []
    for r in rights:
        try:
            words.append(Right(r).label.lower())
        except ValueError:
            words.append(r)
    return ", ".join(words) if words else "request"


def _uid(ref: str, kind: str, domain: str) -> str:
    # Stable across runs and machines: the same case and date kind always give the same UID.
    return f"{ref.lower()}-{kind}@{domain}"


def _domain(work: Any) -> str:
    email = work.settings.organisation.dpo_email or ""
    host = email.rpartition("@")[2].strip().lower()
    if host and all(ch.isalnum() or ch in ".-" for ch in host):
        return host
    # No usable mailbox domain: a name derived from the organisation keeps two organisations' UIDs apart.
    return "dpo-tui-" + hashlib.sha256(work.settings.organisation.name.encode("utf-8")).hexdigest()[:12]


def build_calendar(work: Any, *, assignee: str | None = None, now: datetime | None = None) -> tuple[bytes, int]:
    """The .ics bytes and the number of events."""
    from icalendar import Calendar

    from dpo_tui.services.due import _follow_up_items

    today = work.today()
    stamp = now or datetime.now(timezone.utc)
    domain = _domain(work)
    names = work.settings.calendar.include_requester_name
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{work.settings.organisation.name}: rights request deadlines")
    n = 0
    with work.db.reader() as s:
        q = select(Case).where(Case.is_open == True)  # noqa: E712
        if assignee is not None:
            q = q.where(Case.assignee == assignee.strip())
        cases = list(s.exec(q.order_by(Case.due_sort, Case.id)))
        rows = _clock_rows_by_case(s, [c.id for c in cases])
        for case in cases:
            dl = work.deadline_of(case, rows.get(case.id, []))
            # A clock that is stopped or not started has no date that will hold; `dpo-tui due` reports the wait.
            if dl.state is not ClockState.RUNNING or dl.effective_due is None:
                continue
            rights = case.right_keys
            who = f" ({case.requester_name})" if names else ""
            title = f"{case.ref} {_right_words(rights)}{who}"
            due_what = "extended response due" if dl.extended else "response due"
            cal.add_component(
                _event(_uid(case.ref, "due", domain), dl.effective_due, f"{title}: {due_what}",
                       explain_line(dl, "due"), case, stamp, "due")
            )  # fmt: skip
            n += 1
            if dl.extension_notice_by is not None and not dl.extended and dl.extendable and dl.extension_notice_by >= today:
                cal.add_component(
                    _event(_uid(case.ref, "extension-notice", domain), dl.extension_notice_by,
                           f"{title}: last day to tell the person of an extension",
                           explain_line(dl, "extension_notice"), case, stamp, "extension notice")
                )  # fmt: skip
                n += 1
    by_ref = {c.ref: c for c in cases}
    for item in _follow_up_items(work, None):
        case = by_ref.get(item.ref)
        if case is None:
            continue
        cal.add_component(_follow_up_event(item, case, domain, stamp, names))
        n += 1
    return cal.to_ical(), n


def _text(value: str) -> str:
    from dpo_tui.text import clean

    return clean(value)


def _event(uid: str, on: date, summary: str, lines: tuple[str, ...], case: Case, stamp: datetime, category: str) -> Any:
    from icalendar import Event

    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("dtstart", on)  # a DATE value: an all-day event, whatever the reader's time zone
    ev.add("dtend", on + timedelta(days=1))
    ev.add("summary", _text(summary))
    ev.add("description", _text("\n".join(lines)))
    ev.add("categories", [category])
    ev.add("transp", "TRANSPARENT")  # a deadline, not a meeting: never block time
    ev.add("sequence", int(case.version or 1))
    if case.updated_at is not None:
        updated = case.updated_at if case.updated_at.tzinfo else case.updated_at.replace(tzinfo=timezone.utc)
        ev.add("last-modified", updated.astimezone(timezone.utc))
    return ev


def _follow_up_event(item: DueItem, case: Case, domain: str, stamp: datetime, names: bool) -> Any:
    who = f" ({case.requester_name})" if names else ""
    title = f"{case.ref} {_right_words(item.rights)}{who}: follow-up"
    uid = _uid(case.ref, f"follow-up-{item.key}", domain)
    return _event(uid, item.on, title, item.explanation, case, stamp, "follow-up")


def write_calendar(path: Path | str, data: bytes, *, force: bool = False) -> Path:
    """Owner-only, never through a symbolic link, an existing file only with `force` (see dpo_tui.output)."""
    from dpo_tui.output import write_output

    return write_output(path, data, force=force)
